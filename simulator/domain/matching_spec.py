"""Shape checks for ``match:`` mappings (used by authors' tools and the validator)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.domain.matching import (
    CUE_NAMES,
    MATCHER_KEYS,
    MATCHERS,
    MatcherError,
    compile_regex,
    unknown_key_message,
)

__all__ = ["MATCHER_KEYS", "spec_problems"]


def spec_problems(spec: Any) -> list[str]:
    """Return readable problems of a ``match:`` mapping (unknown keys, bad shapes)."""
    if not isinstance(spec, Mapping):
        return ["match must be a mapping of matcher keys"]
    problems: list[str] = []
    for key, arg in spec.items():
        if key not in MATCHERS:
            problems.append(unknown_key_message(str(key)))
            continue
        problem = _arg_problem(str(key), arg)
        if problem:
            problems.append(f"{key}: {problem}")
    return problems


def _arg_problem(key: str, arg: Any) -> str:
    """Return why a matcher argument is badly shaped, or ""."""
    if key in ("any", "all", "none", "negated", "before"):
        ok = isinstance(arg, list | tuple) and bool(arg) and all(isinstance(a, str) for a in arg)
        return "" if ok else "expected a non-empty list of strings"
    if key == "cue":
        return "" if arg in CUE_NAMES else f"unknown cue; use one of: {', '.join(CUE_NAMES)}"
    if key == "cues":
        ok = isinstance(arg, list | tuple) and bool(arg) and all(a in CUE_NAMES for a in arg)
        return "" if ok else f"expected a list of cues from: {', '.join(CUE_NAMES)}"
    if key == "regex":
        try:
            compile_regex(str(arg))
        except MatcherError as exc:
            return str(exc)
        return ""
    if key in ("min_words", "fields_correct_at_least"):
        ok = isinstance(arg, int) and not isinstance(arg, bool) and arg >= 0
        return "" if ok else "expected a whole number >= 0"
    if key == "order_at_least":
        ok = isinstance(arg, int | float) and not isinstance(arg, bool) and 0 <= arg <= 1
        return "" if ok else "expected a number between 0 and 1"
    if key == "choices":
        return _choices_problem(arg)
    if key == "fields":
        ok = isinstance(arg, Mapping) and bool(arg)
        return "" if ok else "expected a mapping of field id to option id"
    return "" if isinstance(arg, str) and arg.strip() else "expected a non-empty string"


def _choices_problem(arg: Any) -> str:
    """Return why a ``choices`` argument is badly shaped, or ""."""
    if not isinstance(arg, Mapping) or not arg:
        return "expected a mapping with includes/excludes/exactly"
    extra = set(arg) - {"includes", "excludes", "exactly"}
    if extra:
        return f"unknown keys {sorted(extra)}; use includes, excludes, exactly"
    for key, ids in arg.items():
        if not isinstance(ids, list | tuple) or not all(isinstance(i, str) for i in ids):
            return f"{key} must be a list of option ids"
    return ""
