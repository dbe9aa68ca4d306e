"""Read ``if:`` (scenario) and ``when:`` (rubric) conditions."""

from __future__ import annotations

from typing import Any

from simulator.domain.loader_base import child_path
from simulator.domain.loader_fields import TAG_RE, Reader
from simulator.domain.model import Condition

SCENARIO_CONDITION_KEYS = ("all", "any", "none", "visits", "mood_at_least", "mood_at_most")
RUBRIC_CONDITION_KEYS = ("all", "any", "none", "count", "before")


def read_condition(reader: Reader, value: Any, path: str, rubric: bool) -> Condition:
    """Build a Condition; ``rubric`` selects the rubric (tags) or scenario (state) keys."""
    if value is None:
        return Condition()
    allowed = RUBRIC_CONDITION_KEYS if rubric else SCENARIO_CONDITION_KEYS
    data = reader.mapping(value, path, allowed)
    if data is None:
        return Condition()
    return Condition(
        all=reader.str_list(data, "all", path, pattern=TAG_RE),
        any=reader.str_list(data, "any", path, pattern=TAG_RE),
        none=reader.str_list(data, "none", path, pattern=TAG_RE),
        visits=_visits(reader, data, path) if not rubric else {},
        mood_at_least=_mood(reader, data, "mood_at_least", path) if not rubric else None,
        mood_at_most=_mood(reader, data, "mood_at_most", path) if not rubric else None,
        count=reader.str_map(data, "count", path, "int") if rubric else {},
        before=_before(reader, data.get("before"), child_path(path, "before")) if rubric else (),
    )


def _mood(reader: Reader, data: dict[str, Any], key: str, path: str) -> int | None:
    if data.get(key) is None:
        return None
    return reader.integer(data, key, path, low=-5, high=5)


def _visits(reader: Reader, data: dict[str, Any], path: str) -> dict[str, tuple[int, int | None]]:
    raw = data.get("visits")
    sub = child_path(path, "visits")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        reader.wrong_type(sub, raw, "a mapping of step id to [min, max]")
        return {}
    out: dict[str, tuple[int, int | None]] = {}
    for step_id, span in raw.items():
        spath = child_path(sub, step_id)
        if (not isinstance(span, list) or len(span) != 2
                or isinstance(span[0], bool) or not isinstance(span[0], int)
                or (span[1] is not None
                    and (isinstance(span[1], bool) or not isinstance(span[1], int)))):
            reader.problem(spath, "visits must be [min, max] whole numbers (max may be null)",
                           f"write e.g. `{step_id}: [1, null]`")
            continue
        low, high = span[0], span[1]
        if low < 0 or (high is not None and high < low):
            reader.problem(spath, f"visit range [{low}, {high}] is empty or negative",
                           "use 0 <= min <= max")
        out[step_id] = (low, high)
    return out


def _before(reader: Reader, raw: Any, path: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.wrong_type(path, raw, "a list of [earlier-tag, later-tag] pairs")
        return ()
    pairs: list[tuple[str, str]] = []
    for i, pair in enumerate(raw):
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(tag, str) for tag in pair)):
            reader.problem(child_path(path, i), "each `before` entry must be [tag-a, tag-b]",
                           "write e.g. `before: [[ran-ipconfig, changed-dns]]`")
            continue
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)
