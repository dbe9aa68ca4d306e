"""Load content files (scenario, rubric, competencies, roles) into the frozen model.

Every function takes the file's text and a filename (used only in messages) and
either returns model objects or raises ``ContentError`` listing every problem found,
each with file, line, column, YAML path and a one-line fix. ``ContentError`` is the
only exception these functions raise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from simulator.domain.hashing import content_hash, scenario_hash
from simulator.domain.loader_base import (
    MAX_BYTES,
    ContentError,
    LineMap,
    Problem,
    child_path,
    parse_document,
)
from simulator.domain.loader_fields import Reader
from simulator.domain.loader_rubric import build_competencies, build_roles, build_rubric
from simulator.domain.loader_scenario import build_scenario
from simulator.domain.model import Competency, Framework, RoleProfile, Rubric, Scenario

__all__ = [
    "MAX_BYTES",
    "ContentError",
    "LineMap",
    "Problem",
    "build_framework",
    "child_path",
    "competencies_from_data",
    "document_kind",
    "parse_competencies",
    "parse_document",
    "parse_roles",
    "parse_rubric",
    "parse_scenario",
    "roles_from_data",
    "rubric_from_data",
    "scenario_from_data",
]

T = TypeVar("T")
KINDS = ("scenario", "rubric", "competencies", "roles")


def _build(
    builder: Callable[[Reader, dict[str, Any]], T], data: dict[str, Any], lines: LineMap,
    filename: str,
) -> T:
    """Run ``builder``; raise ContentError if it recorded any error."""
    reader = Reader(filename, lines)
    try:
        result = builder(reader, data)
    except (RecursionError, ValueError, TypeError) as exc:  # defensive: never leak these
        reader.problem("", f"cannot read this document ({type(exc).__name__})",
                       "check the structure against docs/authoring.md")
        result = None  # type: ignore[assignment]
    errors = [p for p in reader.problems if p.is_error]
    if errors or result is None:
        raise ContentError(errors or reader.problems)
    return result


def scenario_from_data(data: dict[str, Any], lines: LineMap, filename: str) -> Scenario:
    """Build a Scenario from parsed data, with its content hash and source set."""
    scenario = _build(build_scenario, data, lines, filename)
    return dataclasses.replace(scenario, content_hash=scenario_hash(data), source=filename)


def rubric_from_data(data: dict[str, Any], lines: LineMap, filename: str) -> Rubric:
    """Build a Rubric from parsed data, with its content hash and source set."""
    rubric = _build(build_rubric, data, lines, filename)
    return dataclasses.replace(rubric, content_hash=content_hash(data), source=filename)


def competencies_from_data(
    data: dict[str, Any], lines: LineMap, filename: str,
) -> tuple[Competency, ...]:
    """Build the competency list from parsed data."""
    return _build(build_competencies, data, lines, filename)


def roles_from_data(data: dict[str, Any], lines: LineMap, filename: str) -> tuple[RoleProfile, ...]:
    """Build the role profiles from parsed data."""
    return _build(build_roles, data, lines, filename)


def parse_scenario(text: str, filename: str) -> Scenario:
    """Parse a scenario file's text."""
    return scenario_from_data(*parse_document(text, filename), filename)


def parse_rubric(text: str, filename: str) -> Rubric:
    """Parse a rubric file's text."""
    return rubric_from_data(*parse_document(text, filename), filename)


def parse_competencies(text: str, filename: str) -> tuple[Competency, ...]:
    """Parse ``competencies.yaml``."""
    return competencies_from_data(*parse_document(text, filename), filename)


def parse_roles(text: str, filename: str) -> tuple[RoleProfile, ...]:
    """Parse ``roles.yaml``."""
    return roles_from_data(*parse_document(text, filename), filename)


def build_framework(competencies: tuple[Competency, ...],
                    roles: tuple[RoleProfile, ...]) -> Framework:
    """Return the Framework of competencies and role profiles."""
    return Framework(competencies=competencies, roles=roles)


def document_kind(data: dict[str, Any], lines: LineMap, filename: str) -> str:
    """Return the document's ``kind``; raise ContentError if it is missing or unknown."""
    kind = data.get("kind")
    if kind in KINDS:
        return str(kind)
    line, column = lines.get(child_path("", "kind") if "kind" in data else "")
    message = "missing `kind`" if kind is None else f"unknown kind {kind!r}"
    raise ContentError([Problem(filename, line, column, "kind", message,
                                "use `kind: " + " | ".join(KINDS) + "`")])
