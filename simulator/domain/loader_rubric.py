"""Build rubrics, competencies and role profiles from parsed YAML data."""

from __future__ import annotations

from typing import Any

from simulator.domain.loader_base import child_path
from simulator.domain.loader_condition import read_condition
from simulator.domain.loader_fields import SLUG_RE, Reader
from simulator.domain.loader_scenario import check_header
from simulator.domain.model import (
    Competency,
    Criterion,
    CriticalFlag,
    DiscussRule,
    RoleProfile,
    Rubric,
    RubricLevel,
    SourceRef,
)

RUBRIC_KEYS = ("schema_version", "kind", "id", "scenario", "title", "pass_mark", "criteria",
               "flags")
CRITERION_KEYS = ("id", "label", "competency", "weight", "description", "needs_review",
                  "levels")
LEVEL_KEYS = ("id", "label", "points", "descriptor", "when")
FLAG_KEYS = ("id", "label", "when", "effect", "cap")
ROLE_KEYS = ("id", "name", "description", "scenarios", "weights", "thresholds", "pass_mark",
             "discuss")


def build_rubric(reader: Reader, data: dict[str, Any]) -> Rubric:
    """Return the Rubric described by ``data``; problems go to ``reader``."""
    required = ("schema_version", "kind", "id", "scenario", "title", "pass_mark", "criteria")
    reader.mapping(data, "", RUBRIC_KEYS, required)
    check_header(reader, data, "rubric")
    pass_mark = reader.integer(data, "pass_mark", "", 0, low=0, high=100)
    return Rubric(
        id=reader.ident(data, "id", "", slug=True),
        scenario=reader.ident(data, "scenario", "", slug=True),
        title=reader.text(data, "title", ""),
        pass_mark=pass_mark,
        criteria=tuple(
            _criterion(reader, p, v) for p, v in reader.items(data, "criteria", "", True)
        ),
        flags=tuple(_flag(reader, p, v, pass_mark) for p, v in reader.items(data, "flags", "")),
    )


def _criterion(reader: Reader, path: str, raw: Any) -> Criterion:
    data = reader.mapping(raw, path, CRITERION_KEYS, ("id", "label", "competency")) or {}
    return Criterion(
        id=reader.ident(data, "id", path),
        label=reader.text(data, "label", path),
        competency=reader.text(data, "competency", path, pattern=SLUG_RE),
        levels=tuple(_level(reader, p, v) for p, v in reader.items(data, "levels", path)),
        weight=reader.number(data, "weight", path, 1.0, low=0.0, high=100.0),
        description=reader.text(data, "description", path, ""),
        needs_review=reader.boolean(data, "needs_review", path, False),
        line=reader.lines.get(path)[0],
    )


def _level(reader: Reader, path: str, raw: Any) -> RubricLevel:
    data = reader.mapping(raw, path, LEVEL_KEYS, ("id", "label", "points")) or {}
    return RubricLevel(
        id=reader.ident(data, "id", path),
        label=reader.text(data, "label", path),
        points=reader.integer(data, "points", path, 0, low=0, high=1000),
        descriptor=reader.text(data, "descriptor", path, ""),
        when=read_condition(reader, data.get("when"), child_path(path, "when"), rubric=True),
    )


def _flag(reader: Reader, path: str, raw: Any, pass_mark: int) -> CriticalFlag:
    data = reader.mapping(raw, path, FLAG_KEYS, ("id", "label", "when")) or {}
    effect = reader.choice(data, "effect", path, ("fail", "cap"), "fail")
    if effect == "cap" and "cap" not in data:
        reader.problem(path, "a `cap` flag needs a `cap:` value", "add e.g. `cap: 50`")
    cap = reader.integer(data, "cap", path, max(pass_mark - 1, 0), low=0, high=100)
    when = read_condition(reader, data.get("when"), child_path(path, "when"), rubric=True)
    if "when" in data and when.is_empty():
        reader.problem(child_path(path, "when"), "a critical flag needs a non-empty `when`",
                       "name the evidence tags that raise it, e.g. `when: {any: [tag]}`")
    return CriticalFlag(
        id=reader.ident(data, "id", path),
        label=reader.text(data, "label", path),
        when=when,
        effect=effect,  # type: ignore[arg-type]
        cap=cap,
        line=reader.lines.get(path)[0],
    )


def build_competencies(reader: Reader, data: dict[str, Any]) -> tuple[Competency, ...]:
    """Return the competencies listed in ``data``."""
    reader.mapping(data, "", ("schema_version", "kind", "competencies"),
                   ("schema_version", "kind", "competencies"))
    check_header(reader, data, "competencies")
    out = []
    for path, raw in reader.items(data, "competencies", "", True):
        keys = ("id", "name", "description", "sources")
        item = reader.mapping(raw, path, keys, ("id", "name", "description")) or {}
        out.append(Competency(
            id=reader.ident(item, "id", path, slug=True),
            name=reader.text(item, "name", path),
            description=reader.text(item, "description", path),
            sources=tuple(_source(reader, p, v) for p, v in reader.items(item, "sources", path)),
        ))
    return tuple(out)


def _source(reader: Reader, path: str, raw: Any) -> SourceRef:
    data = reader.mapping(raw, path, ("file", "section", "duty"), ("file", "section")) or {}
    return SourceRef(
        file=reader.text(data, "file", path),
        section=reader.text(data, "section", path),
        duty=reader.text(data, "duty", path, ""),
    )


def build_roles(reader: Reader, data: dict[str, Any]) -> tuple[RoleProfile, ...]:
    """Return the role profiles listed in ``data``."""
    reader.mapping(data, "", ("schema_version", "kind", "roles"),
                   ("schema_version", "kind", "roles"))
    check_header(reader, data, "roles")
    out = []
    for path, raw in reader.items(data, "roles", "", True):
        required = ("id", "name", "scenarios", "weights", "pass_mark")
        item = reader.mapping(raw, path, ROLE_KEYS, required) or {}
        thresholds = reader.str_map(item, "thresholds", path, "int")
        for name, value in thresholds.items():
            if not 0 <= value <= 100:
                reader.problem(child_path(child_path(path, "thresholds"), name),
                               f"threshold {value} is outside 0..100", "use 0..100")
        out.append(RoleProfile(
            id=reader.ident(item, "id", path, slug=True),
            name=reader.text(item, "name", path),
            description=reader.text(item, "description", path, ""),
            scenarios=reader.str_list(item, "scenarios", path, True, pattern=SLUG_RE),
            weights=_weights(reader, item, path),
            thresholds=thresholds,
            pass_mark=reader.integer(item, "pass_mark", path, 0, low=0, high=100),
            discuss=tuple(_discuss(reader, p, v) for p, v in reader.items(item, "discuss", path)),
        ))
    return tuple(out)


def _weights(reader: Reader, item: dict[str, Any], path: str) -> dict[str, float]:
    weights = reader.str_map(item, "weights", path, "number")
    for name, value in weights.items():
        if value < 0:
            reader.problem(child_path(child_path(path, "weights"), name),
                           f"weight {value} is negative", "use a weight >= 0")
    return weights


def _discuss(reader: Reader, path: str, raw: Any) -> DiscussRule:
    keys = ("id", "message", "below", "only_if_passed")
    data = reader.mapping(raw, path, keys, ("id", "message")) or {}
    return DiscussRule(
        id=reader.ident(data, "id", path),
        message=reader.text(data, "message", path),
        below=reader.str_map(data, "below", path, "int"),
        only_if_passed=reader.boolean(data, "only_if_passed", path, True),
    )
