"""Typed field readers for the model builders: every check records a located Problem.

A ``Reader`` never raises: a missing or mistyped field is recorded and a harmless
default is returned, so one pass over a file reports every problem in it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from typing import Any

from simulator.domain.loader_base import LineMap, Problem, child_path

MISSING: Any = object()
#: scenario, rubric, competency and role ids (also file stems)
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: step, rule, option, hint, criterion ... ids
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: evidence tags and flags: no spaces
TAG_RE = re.compile(r"^[^\s,]+$")


def type_name(value: Any) -> str:
    """Return an author-friendly name for the type of a YAML value."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Reader:
    """Read typed fields out of plain YAML data, collecting problems."""

    def __init__(self, filename: str, lines: LineMap) -> None:
        self.filename = filename
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, fix: str = "", severity: str = "error") -> None:
        """Record a problem at ``path``."""
        line, column = self.lines.get(path)
        self.problems.append(
            Problem(self.filename, line, column, path, message, fix, severity)
        )

    def wrong_type(self, path: str, value: Any, expected: str, fix: str = "") -> None:
        """Record that ``value`` at ``path`` is not of the ``expected`` kind."""
        if not fix:
            fix = f"write {expected} here"
            if isinstance(value, bool | int | float) and "text" in expected:
                fix = "put the value in double quotes"
        self.problem(path, f"expected {expected}, got {type_name(value)}", fix)

    def mapping(
        self,
        value: Any,
        path: str,
        allowed: Collection[str],
        required: Collection[str] = (),
    ) -> dict[str, Any] | None:
        """Return ``value`` if it is a mapping with only allowed keys and every required one."""
        if not isinstance(value, dict):
            self.wrong_type(path, value, "a mapping (key: value lines)")
            return None
        for key in value:
            if key not in allowed:
                self._unknown_key(child_path(path, key), key, allowed)
        for key in required:
            if key not in value:
                self.problem(path, f"missing required field '{key}'", f"add `{key}: ...`")
        return value

    def _unknown_key(self, path: str, key: str, allowed: Collection[str]) -> None:
        close = difflib.get_close_matches(key, list(allowed), n=1)
        if close:
            fix = f"did you mean '{close[0]}'?"
        else:
            fix = "remove it; allowed here: " + ", ".join(sorted(allowed))
        self.problem(path, f"unknown field '{key}'", fix)

    def text(
        self, data: Mapping[str, Any], key: str, path: str, default: Any = MISSING,
        pattern: re.Pattern[str] | None = None, allow_empty: bool = True,
    ) -> str:
        """Return a text field (required unless ``default`` is given)."""
        sub = child_path(path, key)
        value = data.get(key, MISSING)
        if value is MISSING or (value is None and default is not MISSING):
            return "" if default is MISSING else default
        if not isinstance(value, str):
            self.wrong_type(sub, value, "text")
            return "" if default is MISSING else default
        if not allow_empty and not value.strip():
            self.problem(sub, f"'{key}' must not be empty", f"write a value for `{key}`")
        if pattern is not None and not pattern.match(value):
            self.problem(sub, f"'{value}' is not a valid identifier",
                         f"use letters, digits and dashes only (pattern {pattern.pattern})")
        return value

    def ident(self, data: Mapping[str, Any], key: str, path: str, slug: bool = False) -> str:
        """Return a required identifier field."""
        return self.text(data, key, path, pattern=SLUG_RE if slug else ID_RE)

    def choice(
        self, data: Mapping[str, Any], key: str, path: str, options: Collection[str],
        default: Any = MISSING,
    ) -> str:
        """Return a text field that must be one of ``options``."""
        value = self.text(data, key, path, default)
        if key in data and isinstance(data[key], str) and value not in options:
            self.problem(child_path(path, key), f"'{value}' is not a valid {key}",
                         "use one of: " + ", ".join(options))
        return value

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, default: Any = MISSING,
        low: int | None = None, high: int | None = None,
    ) -> int:
        """Return a whole-number field, optionally within [low, high]."""
        value = data.get(key, MISSING)
        if value is MISSING or (value is None and default is not MISSING):
            return 0 if default is MISSING else default
        return self.int_value(value, child_path(path, key), low, high)

    def int_value(self, value: Any, path: str, low: int | None = None,
                  high: int | None = None) -> int:
        """Check that ``value`` is a whole number within [low, high]; return it or 0."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(path, value, "a whole number", "write a whole number, e.g. 5")
            return 0
        self._check_range(path, value, low, high)
        return value

    def number(
        self, data: Mapping[str, Any], key: str, path: str, default: Any = MISSING,
        low: float | None = None, high: float | None = None,
    ) -> float:
        """Return a numeric field (int or float), optionally within [low, high]."""
        value = data.get(key, MISSING)
        if value is MISSING or (value is None and default is not MISSING):
            return 0.0 if default is MISSING else default
        sub = child_path(path, key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.wrong_type(sub, value, "a number", "write a number, e.g. 1 or 1.5")
            return 0.0
        self._check_range(sub, value, low, high)
        return float(value)

    def _check_range(self, path: str, value: float, low: float | None,
                     high: float | None) -> None:
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{low if low is not None else '-∞'}..{high if high is not None else '∞'}"
            self.problem(path, f"{value} is out of range {span}", f"use a value in {span}")

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        """Return a true/false field."""
        value = data.get(key, MISSING)
        if value is MISSING or value is None:
            return default
        if not isinstance(value, bool):
            self.wrong_type(child_path(path, key), value, "true or false")
            return default
        return value

    def str_list(
        self, data: Mapping[str, Any], key: str, path: str, required: bool = False,
        pattern: re.Pattern[str] | None = None,
    ) -> tuple[str, ...]:
        """Return a list of text items (a single text value is not accepted)."""
        sub = child_path(path, key)
        value = data.get(key, MISSING)
        if value is MISSING or value is None:
            if required:
                self.problem(path, f"missing required field '{key}'", f"add `{key}: [...]`")
            return ()
        return self.str_items(value, sub, pattern)

    def str_items(self, value: Any, path: str,
                  pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        """Check that ``value`` is a list of text; return the text items."""
        if not isinstance(value, list):
            fix = f"write a list, e.g. [{value}]" if isinstance(value, str) else ""
            self.wrong_type(path, value, "a list of text", fix)
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.wrong_type(child_path(path, i), item, "text")
                continue
            if pattern is not None and not pattern.match(item):
                self.problem(child_path(path, i), f"'{item}' is not a valid name",
                             "use no spaces or commas (e.g. asked-what-changed)")
            out.append(item)
        return tuple(out)

    def items(self, data: Mapping[str, Any], key: str, path: str,
              required: bool = False) -> list[tuple[str, Any]]:
        """Return (path, item) pairs of a list field."""
        sub = child_path(path, key)
        value = data.get(key, MISSING)
        if value is MISSING or value is None:
            if required:
                self.problem(path, f"missing required field '{key}'", f"add `{key}:` with a list")
            return []
        if not isinstance(value, list):
            self.wrong_type(sub, value, "a list")
            return []
        if required and not value:
            self.problem(sub, f"'{key}' must not be empty", "add at least one entry")
        return [(child_path(sub, i), item) for i, item in enumerate(value)]

    def str_map(self, data: Mapping[str, Any], key: str, path: str,
                kind: str = "text") -> dict[str, Any]:
        """Return a mapping of names to values of ``kind`` (text, int, number, scalar)."""
        sub = child_path(path, key)
        value = data.get(key, MISSING)
        if value is MISSING or value is None:
            return {}
        if not isinstance(value, dict):
            self.wrong_type(sub, value, "a mapping (name: value)")
            return {}
        out: dict[str, Any] = {}
        for name, item in value.items():
            checked = self._map_value(item, child_path(sub, name), kind)
            if checked is not MISSING:
                out[name] = checked
        return out

    def _map_value(self, item: Any, path: str, kind: str) -> Any:
        if kind == "int":
            if isinstance(item, bool) or not isinstance(item, int):
                self.wrong_type(path, item, "a whole number")
                return MISSING
            return item
        if kind == "number":
            if isinstance(item, bool) or not isinstance(item, int | float):
                self.wrong_type(path, item, "a number")
                return MISSING
            return float(item)
        if kind == "scalar" and isinstance(item, int | float) and not isinstance(item, bool):
            return str(item)
        if not isinstance(item, str):
            self.wrong_type(path, item, "text")
            return MISSING
        return item

    def unique(self, ids: list[tuple[str, str]], what: str) -> None:
        """Record a problem for every repeated id in (path, id) pairs."""
        seen: set[str] = set()
        for path, ident in ids:
            if ident and ident in seen:
                self.problem(path, f"duplicate {what} id '{ident}'",
                             f"give every {what} its own id")
            seen.add(ident)
