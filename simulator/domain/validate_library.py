"""Checks that span files: duplicate ids, rubric <-> scenario pairing, competencies, roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.domain.model import RoleProfile, Scenario
from simulator.domain.validate_rubric import check_competency_ids, check_pairing, check_tags

if TYPE_CHECKING:
    from simulator.domain.validate import LibraryCheck, Loaded


def check_cross_files(result: LibraryCheck) -> None:
    """Record every problem that needs more than one file to see."""
    _duplicates(result)
    competencies = _competency_ids(result)
    scenario_items = result.of_kind("scenario")
    rubric_items = result.of_kind("rubric")
    scenarios = {item.model.id: item for item in scenario_items}
    attempted = set(scenarios) | {s for s, k in result.failed.items() if k in ("scenario", "")}
    rubric_for = {item.model.scenario: item for item in rubric_items}
    for item in rubric_items:
        rubric = item.model
        partner = scenarios.get(rubric.scenario)
        if partner is not None:
            check_tags(item.reader, rubric, partner.model, partner.reader)
            check_pairing(item.reader, rubric, partner.model, partner.reader, competencies)
        elif competencies is not None:
            check_competency_ids(item.reader, rubric, competencies)
        if partner is None and scenario_items and rubric.scenario not in attempted:
            item.reader.problem("scenario", f"no scenario '{rubric.scenario}' in the library",
                                "fix the id or add scenarios/" + rubric.scenario + ".yaml")
    failed_rubrics = {s for s, k in result.failed.items() if k in ("rubric", "")}
    for item in scenario_items:
        scenario: Scenario = item.model
        if rubric_items and scenario.id not in rubric_for and scenario.id not in failed_rubrics:
            item.reader.problem("id", f"scenario '{scenario.id}' has no rubric",
                                f"add rubrics/{scenario.id}.yaml with `scenario: {scenario.id}`")
        if competencies is not None:
            for k, competency in enumerate(scenario.competencies):
                if competency not in competencies:
                    item.reader.problem(f"competencies[{k}]",
                                        f"unknown competency '{competency}'",
                                        "use an id from rubrics/competencies.yaml")
    for item in result.of_kind("roles"):
        _check_roles(item, set(attempted) if scenario_items else None, competencies)


def _duplicates(result: LibraryCheck) -> None:
    """Scenario and rubric ids must be unique across files; one framework file each."""
    for kind in ("scenario", "rubric"):
        first: dict[str, str] = {}
        for item in result.of_kind(kind):
            ident = item.model.id
            if ident in first:
                item.reader.problem("id", f"{kind} id '{ident}' is also used by {first[ident]}",
                                    f"give every {kind} its own id")
            first.setdefault(ident, item.file)
    for kind in ("competencies", "roles"):
        items = result.of_kind(kind)
        for item in items[1:]:
            item.reader.problem("kind", f"a second {kind} file (first: {items[0].file})",
                                f"keep a single {kind} file in the library")
    for item in result.of_kind("competencies"):
        item.reader.unique([(f"competencies[{i}].id", c.id) for i, c in enumerate(item.model)],
                           "competency")
    for item in result.of_kind("roles"):
        item.reader.unique([(f"roles[{i}].id", r.id) for i, r in enumerate(item.model)], "role")


def _competency_ids(result: LibraryCheck) -> frozenset[str] | None:
    items = result.of_kind("competencies")
    if not items:
        return None
    return frozenset(c.id for c in items[0].model)


def _check_roles(item: Loaded, scenarios: set[str] | None,
                 competencies: frozenset[str] | None) -> None:
    for i, role in enumerate(item.model):
        path = f"roles[{i}]"
        item.reader.unique([(f"{path}.discuss[{j}].id", d.id)
                            for j, d in enumerate(role.discuss)], "discuss rule")
        if scenarios is not None:
            for k, scenario_id in enumerate(role.scenarios):
                if scenario_id not in scenarios:
                    item.reader.problem(f"{path}.scenarios[{k}]",
                                        f"unknown scenario '{scenario_id}'",
                                        "use a scenario id from scenarios/")
        if competencies is not None:
            _check_role_competencies(item, role, path, competencies)


def _check_role_competencies(item: Loaded, role: RoleProfile, path: str,
                             competencies: frozenset[str]) -> None:
    named = [(f"{path}.weights.{c}", c) for c in role.weights]
    named += [(f"{path}.thresholds.{c}", c) for c in role.thresholds]
    named += [(f"{path}.discuss[{j}].below.{c}", c)
              for j, d in enumerate(role.discuss) for c in d.below]
    for sub, competency in named:
        if competency not in competencies:
            item.reader.problem(sub, f"unknown competency '{competency}'",
                                "use an id from rubrics/competencies.yaml")

