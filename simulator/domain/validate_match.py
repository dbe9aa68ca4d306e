"""Argument checks for matcher keys other than the phrase lists."""

from __future__ import annotations

import re
from typing import Any

from simulator.domain.model import Step


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(arg: Any) -> str:
    return "" if isinstance(arg, str) and arg.strip() else "expected non-empty text"


def arg_problem(key: str, arg: Any, step: Step, cues: tuple[str, ...]) -> str:
    """Return why ``arg`` is wrong for matcher ``key`` on ``step``, or ""."""
    option_ids = {o.id for o in step.options}
    checks = {
        "cue": lambda: "" if arg in cues else f"unknown cue {arg!r}",
        "cues": lambda: _cues(arg, cues),
        "regex": lambda: _regex(arg),
        "min_words": lambda: "" if _is_int(arg) and arg >= 0 else "expected a whole number >= 0",
        "command": lambda: _text(arg),
        "command_prefix": lambda: _text(arg),
        "choice": lambda: _single(step) or _option(arg, option_ids),
        "choices": lambda: _multiple(step) or _choices(arg, option_ids),
        "first": lambda: _option(arg, option_ids),
        "order_at_least": lambda: _fraction(arg),
        "before": lambda: _before(arg, option_ids),
        "fields": lambda: _fields(arg, step),
        "fields_correct_at_least": lambda: _count(arg, len(step.fields)),
    }
    check = checks.get(key)
    return check() if check is not None else ""


def _cues(arg: Any, cues: tuple[str, ...]) -> str:
    if not isinstance(arg, list) or not arg:
        return "expected a non-empty list of cue names"
    unknown = [a for a in arg if a not in cues]
    return f"unknown cue(s) {unknown}" if unknown else ""


def _regex(arg: Any) -> str:
    if not isinstance(arg, str) or not arg:
        return "expected a regular expression as text"
    try:
        re.compile(arg)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    return ""


def _single(step: Step) -> str:
    if step.kind == "choice" and step.multiple:
        return "`choice` never matches on a step with `multiple: true`; use `choices`"
    return ""


def _multiple(step: Step) -> str:
    if step.kind == "choice" and not step.multiple:
        return "`choices` only matches with `multiple: true`; use `choice` or set multiple"
    return ""


def _option(arg: Any, option_ids: set[str]) -> str:
    if not isinstance(arg, str):
        return "expected an option id"
    if arg not in option_ids:
        return f"'{arg}' is not among this step's options ({', '.join(sorted(option_ids))})"
    return ""


def _choices(arg: Any, option_ids: set[str]) -> str:
    if not isinstance(arg, dict) or not arg:
        return "expected a mapping with includes / excludes / exactly"
    extra = sorted(set(arg) - {"includes", "excludes", "exactly"})
    if extra:
        return f"unknown keys {extra}; use includes, excludes, exactly"
    for name, ids in arg.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return f"{name} must be a list of option ids"
        unknown = sorted(set(ids) - option_ids)
        if unknown:
            return f"{name} names ids that are not options: {unknown}"
    return ""


def _fraction(arg: Any) -> str:
    ok = isinstance(arg, int | float) and not isinstance(arg, bool) and 0 <= arg <= 1
    return "" if ok else "expected a number between 0 and 1"


def _before(arg: Any, option_ids: set[str]) -> str:
    if not isinstance(arg, list) or len(arg) < 2 or not all(isinstance(a, str) for a in arg):
        return "expected a list of at least two option ids, earliest first"
    unknown = sorted(set(arg) - option_ids)
    return f"names ids that are not options: {unknown}" if unknown else ""


def _fields(arg: Any, step: Step) -> str:
    if not isinstance(arg, dict) or not arg:
        return "expected a mapping of field id to option id"
    fields = {f.id: {o.id for o in f.options} for f in step.fields}
    for name, value in arg.items():
        if name not in fields:
            return f"'{name}' is not a field of this step"
        if value not in fields[name]:
            return f"'{value}' is not an option of field '{name}'"
    return ""


def _count(arg: Any, fields: int) -> str:
    if not _is_int(arg) or not 1 <= arg <= max(fields, 1):
        return f"expected a whole number from 1 to {max(fields, 1)} (the number of fields)"
    return ""
