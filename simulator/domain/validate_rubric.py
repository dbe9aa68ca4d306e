"""Checks of a rubric, on its own and against its scenario and the competency list."""

from __future__ import annotations

from collections.abc import Iterator

from simulator.domain.loader_base import child_path
from simulator.domain.loader_fields import Reader
from simulator.domain.matching import CUE_NAMES
from simulator.domain.model import Condition, Rubric, RubricLevel, Scenario
from simulator.domain.validate_scenario import outcomes, step_path

#: tags the engine emits whatever the scenario says
ENGINE_TAGS = frozenset({
    "timed-out", "left", "turn-limit", "loop-guard", "unsupported-claim", "too-short",
})
#: results the engine records when a session ends without reaching an end step
ENGINE_RESULTS = frozenset({"timed_out", "left", "abandoned"})


def check_rubric(reader: Reader, rubric: Rubric, stem: str) -> None:
    """Record every problem of ``rubric`` found without looking at other files."""
    if rubric.id and stem and rubric.id != stem:
        reader.problem("id", f"id '{rubric.id}' differs from the file name '{stem}'",
                       f"rename the file to {rubric.id}.yaml or set `id: {stem}`")
    if rubric.id and rubric.scenario and rubric.id != rubric.scenario:
        reader.problem("scenario", f"rubric '{rubric.id}' is for scenario '{rubric.scenario}'",
                       "a rubric's id must equal its scenario id")
    reader.unique([(f"criteria[{i}].id", c.id) for i, c in enumerate(rubric.criteria)],
                  "criterion")
    reader.unique([(f"flags[{i}].id", f.id) for i, f in enumerate(rubric.flags)], "flag")
    for i, criterion in enumerate(rubric.criteria):
        _check_levels(reader, criterion.levels, f"criteria[{i}]")
    for i, flag in enumerate(rubric.flags):
        path = f"flags[{i}]"
        if flag.effect == "fail" and flag.cap >= rubric.pass_mark > 0:
            reader.problem(child_path(path, "cap"),
                           f"a fail flag's cap {flag.cap} is not below pass_mark "
                           f"{rubric.pass_mark}", f"use a cap below {rubric.pass_mark}")


def _check_levels(reader: Reader, levels: tuple[RubricLevel, ...], path: str) -> None:
    reader.unique([(f"{path}.levels[{j}].id", lv.id) for j, lv in enumerate(levels)], "level")
    for j, level in enumerate(levels):
        lpath = f"{path}.levels[{j}]"
        if j == 0 and not level.when.is_empty():
            reader.problem(child_path(lpath, "when"),
                           "the lowest level must have no `when` (it is the fallback)",
                           "remove `when` or add a lower fallback level first")
        if j > 0 and level.when.is_empty():
            reader.problem(lpath, f"level '{level.id}' has no `when`, so it always wins",
                           "add `when:` naming the evidence this level needs")
        if j > 0 and level.points <= levels[j - 1].points:
            reader.problem(child_path(lpath, "points"),
                           f"points {level.points} do not ascend (previous level has "
                           f"{levels[j - 1].points})", "list levels lowest first, points rising")


def condition_tags(cond: Condition) -> Iterator[tuple[str, str]]:
    """Yield (sub-path, tag) for every evidence tag a rubric condition names."""
    for key, names in (("all", cond.all), ("any", cond.any), ("none", cond.none)):
        for k, name in enumerate(names):
            yield f"{key}[{k}]", name
    for name in cond.count:
        yield f"count.{name}", name
    for k, pair in enumerate(cond.before):
        for m, name in enumerate(pair):
            yield f"before[{k}][{m}]", name


def rubric_tags(rubric: Rubric) -> Iterator[tuple[str, str]]:
    """Yield (path, tag) for every tag the rubric's levels and flags use."""
    for i, criterion in enumerate(rubric.criteria):
        for j, level in enumerate(criterion.levels):
            for sub, tag in condition_tags(level.when):
                yield f"criteria[{i}].levels[{j}].when.{sub}", tag
    for i, flag in enumerate(rubric.flags):
        for sub, tag in condition_tags(flag.when):
            yield f"flags[{i}].when.{sub}", tag


def authored_tags(scenario: Scenario) -> dict[str, str]:
    """Return tag -> path of its first emission, for tags written in the scenario."""
    found: dict[str, str] = {}
    for i, step in enumerate(scenario.steps):
        for path, outcome in outcomes(step, i):
            for k, tag in enumerate(outcome.tags):
                found.setdefault(tag, f"{path}.tags[{k}]")
        for j, element in enumerate(step.elements):
            found.setdefault(element.tag, f"{step_path(i)}.elements[{j}].tag")
    for i, mood_exit in enumerate(scenario.mood_exits):
        for k, tag in enumerate(mood_exit.tags):
            found.setdefault(tag, f"mood_exits[{i}].tags[{k}]")
    return found


def engine_tag_known(tag: str, scenario: Scenario) -> bool:
    """Return True if the engine can emit ``tag`` while playing ``scenario``."""
    if tag in ENGINE_TAGS:
        return True
    prefix, _, name = tag.partition(":")
    known = {
        "cue": set(CUE_NAMES),
        "hint": {h.id for s in scenario.steps for h in s.hints},
        "step": {s.id for s in scenario.steps},
        "end": {s.result or "ended" for s in scenario.steps if s.kind == "end"}
        | ENGINE_RESULTS,
        "mood-exit": {m.id for m in scenario.mood_exits},
        "unsupported": {c.id for s in scenario.steps for c in s.claims},
    }
    return bool(name) and name in known.get(prefix, set())


def check_tags(reader: Reader, rubric: Rubric, scenario: Scenario,
               scenario_reader: Reader) -> None:
    """Rubric tags must be emittable; authored tags nothing uses are warnings."""
    emitted = authored_tags(scenario)
    used: set[str] = set()
    for path, tag in rubric_tags(rubric):
        used.add(tag)
        if tag not in emitted and not engine_tag_known(tag, scenario):
            reader.problem(path, f"evidence tag '{tag}' is never emitted by scenario "
                           f"'{scenario.id}'", "fix the spelling or add it to a rule's `tags:`")
    for i, step in enumerate(scenario.steps):
        for j, claim in enumerate(step.claims):
            if claim.requires not in emitted and not engine_tag_known(claim.requires, scenario):
                scenario_reader.problem(f"{step_path(i)}.claims[{j}].requires",
                                        f"tag '{claim.requires}' is never emitted",
                                        "name a tag some earlier rule emits")
    backing = {c.requires for s in scenario.steps for c in s.claims}
    for tag, path in emitted.items():
        if tag not in used and tag not in backing:
            scenario_reader.problem(path, f"tag '{tag}' is not used by rubric '{rubric.id}'",
                                    "use it in a criterion/flag `when`, or drop it",
                                    severity="warning")


def check_pairing(reader: Reader, rubric: Rubric, scenario: Scenario,
                  scenario_reader: Reader, competencies: frozenset[str] | None) -> None:
    """Check competency coverage and playthrough flags between a rubric and its scenario."""
    covered = {c.competency for c in rubric.criteria}
    for competency in scenario.competencies:
        if competency not in covered:
            reader.problem("criteria", f"competency '{competency}' of scenario "
                           f"'{scenario.id}' has no criterion",
                           f"add a criterion with `competency: {competency}`")
    for i, criterion in enumerate(rubric.criteria):
        if criterion.competency and criterion.competency not in scenario.competencies:
            reader.problem(f"criteria[{i}].competency",
                           f"competency '{criterion.competency}' is not listed by the scenario",
                           "add it to the scenario's `competencies:`", severity="warning")
    flag_ids = {f.id for f in rubric.flags}
    for i, play in enumerate(scenario.playthroughs):
        for k, flag in enumerate(play.flags):
            if flag not in flag_ids:
                scenario_reader.problem(
                    f"playthroughs[{i}].flags[{k}]",
                    f"flag '{flag}' is not defined by rubric '{rubric.id}'",
                    "use a flag id from the rubric's `flags:`")
    if competencies is not None:
        check_competency_ids(reader, rubric, competencies)


def check_competency_ids(reader: Reader, rubric: Rubric, competencies: frozenset[str]) -> None:
    """Every criterion's competency must be in competencies.yaml."""
    for i, criterion in enumerate(rubric.criteria):
        if criterion.competency and criterion.competency not in competencies:
            reader.problem(f"criteria[{i}].competency",
                           f"unknown competency '{criterion.competency}'",
                           "use an id from rubrics/competencies.yaml")
