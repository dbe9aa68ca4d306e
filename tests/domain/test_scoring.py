"""Scoring: levels, order constraints, counts, evidence, weights, hints, flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.domain import loader, replay, scoring
from simulator.domain.model import (
    Condition,
    Criterion,
    CriticalFlag,
    Machine,
    Persona,
    Rubric,
    RubricLevel,
    Scenario,
    Step,
    Ticket,
)
from simulator.domain.session import Event

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"


def tiny_scenario() -> Scenario:
    return Scenario(
        id="tiny", title="Tiny", level="entry", competencies=("a", "b"),
        estimated_minutes=1, maximum_minutes=5, summary="",
        persona=Persona("P", "J"), ticket=Ticket("T1", "phone", "t"),
        machine=Machine("os", "host", "user"), start="end",
        steps=(Step(id="end", kind="end", title="End", prompt="", result="resolved"),),
        content_hash="sha256:s",
    )


def ev(index: int, *tags: str, type_: str = "candidate", at: float | None = None,
       **data: Any) -> Event:
    return Event(index=index, at=float(index * 10 if at is None else at), type=type_,
                 actor="candidate", step="s", data={"tags": list(tags), **data})


def level(id_: str, points: int, **when: Any) -> RubricLevel:
    return RubricLevel(id=id_, label=id_.title(), points=points, when=Condition(**when))


def criterion(id_: str, competency: str = "a", weight: float = 1.0,
              levels: tuple[RubricLevel, ...] | None = None, **kw: Any) -> Criterion:
    default = (level("none", 0), level("some", 2, any=("x",)),
               level("full", 4, all=("x", "y"), before=(("x", "y"),)))
    return Criterion(id=id_, label=id_, competency=competency,
                     levels=default if levels is None else levels, weight=weight, **kw)


def rubric(*criteria: Criterion, flags: tuple[CriticalFlag, ...] = (),
           pass_mark: int = 70) -> Rubric:
    return Rubric(id="tiny", scenario="tiny", title="T", pass_mark=pass_mark,
                  criteria=criteria, flags=flags, content_hash="sha256:r")


@pytest.mark.parametrize(
    ("events", "level_id", "points", "evidence"),
    [
        ([], "none", 0, ()),
        ([ev(0, "x")], "some", 2, (0,)),
        ([ev(0, "x"), ev(1, "y")], "full", 4, (0, 1)),
        ([ev(0, "y"), ev(1, "x")], "some", 2, (1,)),  # order constraint fails
        ([ev(0, "x"), ev(1, "x"), ev(2, "y", "x")], "full", 4, (0, 2)),  # first occurrences
        ([ev(0, "y")], "none", 0, ()),
    ],
)
def test_highest_holding_level_wins_with_evidence(
    events: list[Event], level_id: str, points: int, evidence: tuple[int, ...]
) -> None:
    report = scoring.score(events, tiny_scenario(), rubric(criterion("c")))
    crit = report.criteria[0]
    assert (crit.level, crit.points, crit.max, crit.evidence) == (level_id, points, 4, evidence)


@pytest.mark.parametrize(
    ("cond", "events", "holds"),
    [
        (Condition(count={"x": 2}), [ev(0, "x")], False),
        (Condition(count={"x": 2}), [ev(0, "x"), ev(1, "x")], True),
        (Condition(none=("bad",)), [ev(0, "bad")], False),
        (Condition(before=(("a", "b"),)), [ev(0, "a")], True),
        (Condition(before=(("a", "b"),)), [ev(0, "b")], False),
        (Condition(any=("p", "q")), [ev(0, "q")], True),
        (Condition(visits={"s": (2, None)}), [ev(0, "step:s"), ev(1, "step:s")], True),
        (Condition(visits={"s": (0, 1)}), [ev(0, "step:s"), ev(1, "step:s")], False),
    ],
)
def test_rubric_conditions(cond: Condition, events: list[Event], holds: bool) -> None:
    assert scoring.holds(cond, scoring.index_tags(events)) is holds


def test_count_evidence_lists_every_occurrence() -> None:
    cond = Condition(all=("a",), count={"x": 2})
    tags = scoring.index_tags([ev(0, "x"), ev(1, "a"), ev(2, "x"), ev(3, "x")])
    assert scoring.evidence(cond, tags) == (0, 1, 2, 3)


def test_weights_competencies_and_rounding() -> None:
    crits = (criterion("c1", "a", weight=2), criterion("c2", "b", weight=1),
             criterion("c3", "b", levels=(level("none", 0), level("one", 3, any=("z",)))))
    report = scoring.score([ev(0, "x"), ev(1, "z")], tiny_scenario(), rubric(*crits))
    # c1 2/4 w2, c2 2/4 w1, c3 3/3 w1 -> (4 + 2 + 3) / (8 + 4 + 3) = 60 %
    assert report.raw_total == 60.0 and report.total == 60.0
    assert report.competencies == {"a": 50.0, "b": round(500 / 7, 1)}
    assert report.passed is False


def test_hint_penalty_subtracts_and_floors_at_zero() -> None:
    events = [ev(0, "x"), ev(1, "y"),
              ev(2, "hint:h", type_="hint", hint="h", cost=15),
              ev(3, "hint:k", type_="hint", hint="k", cost=10)]
    report = scoring.score(events, tiny_scenario(), rubric(criterion("c")))
    assert report.raw_total == 100.0 and report.total == 75.0
    assert report.hint_penalty == 25 and report.hints_used == ("h", "k")
    big = [ev(0, "hint:h", type_="hint", hint="h", cost=500)]
    assert scoring.score(big, tiny_scenario(), rubric(criterion("c"))).total == 0.0


@pytest.mark.parametrize(
    ("flag", "total", "passed"),
    [
        (CriticalFlag("f", "F", Condition(any=("bad",)), "fail", 69), 69.0, False),
        (CriticalFlag("f", "F", Condition(any=("bad",)), "fail", 20), 20.0, False),
        (CriticalFlag("f", "F", Condition(any=("bad",)), "cap", 50), 50.0, False),
        (CriticalFlag("f", "F", Condition(any=("bad",)), "cap", 90), 90.0, True),
        (CriticalFlag("f", "F", Condition(any=("never",)), "fail", 10), 100.0, True),
    ],
)
def test_flags_fail_and_cap(flag: CriticalFlag, total: float, passed: bool) -> None:
    events = [ev(0, "x"), ev(1, "y"), ev(2, "bad")]
    report = scoring.score(events, tiny_scenario(), rubric(criterion("c"), flags=(flag,)))
    assert report.total == total and report.passed is passed
    if flag.when.any == ("bad",):
        assert report.flags[0].evidence == (2,)
        assert report.to_dict()["flags"] == ["f"]


def test_feedback_only_criteria_count_zero_and_need_review() -> None:
    crits = (criterion("c"), Criterion("talk", "Talk", "b", levels=()),
             criterion("r", needs_review=True))
    report = scoring.score([ev(0, "x"), ev(1, "y")], tiny_scenario(), rubric(*crits))
    assert report.criteria[1].points == 0 and report.criteria[1].max == 0
    assert report.criteria[1].level == ""
    assert report.needs_review == ("talk", "r")
    assert report.total == 100.0 and "b" not in report.competencies


def test_time_used_result_and_hashes() -> None:
    events = [ev(0, "x"), ev(1, "step:end", "end:resolved", type_="step", at=95.5)]
    report = scoring.score(events, tiny_scenario(), rubric(criterion("c")))
    assert report.time_used == 95.5 and report.result == "resolved"
    assert (report.scenario_hash, report.rubric_hash) == ("sha256:s", "sha256:r")
    empty = scoring.score([], tiny_scenario(), rubric(criterion("c")))
    assert empty.time_used == 0.0 and empty.result == "" and empty.total == 0.0


def test_rubric_without_points_scores_zero() -> None:
    report = scoring.score([ev(0, "x")], tiny_scenario(),
                           rubric(Criterion("talk", "Talk", "b", levels=())))
    assert report.total == 0.0 and report.competencies == {}


def _library() -> tuple[Scenario, Rubric]:
    s_path = FIXTURES / "scenarios" / "mini-dns.yaml"
    r_path = FIXTURES / "rubrics" / "mini-dns.yaml"
    return (loader.parse_scenario(s_path.read_text(encoding="utf-8"), str(s_path)),
            loader.parse_rubric(r_path.read_text(encoding="utf-8"), str(r_path)))


def test_fixture_playthroughs_land_in_their_bands() -> None:
    scenario, rub = _library()
    results = [replay.run_playthrough(scenario, rub, p) for p in scenario.playthroughs]
    assert [r.problems for r in results] == [()] * len(results)
    by_id = {r.id: r for r in results}
    assert by_id["expert"].total > by_id["competent"].total > by_id["weak"].total
    assert by_id["unsafe"].flags == ("asked-for-password",)
    assert by_id["stuffer"].passed is False


def test_scoring_is_deterministic_and_recomputable() -> None:
    scenario, rub = _library()
    events, _ = replay.replay(scenario, scenario.playthroughs[0].inputs)
    first = scoring.score(events, scenario, rub)
    again = scoring.score([Event.from_dict(e.to_dict()) for e in events], scenario, rub)
    assert first == again
    assert first.to_dict()["criteria"][0]["evidence"] == list(first.criteria[0].evidence)


def test_playthrough_check_reports_each_problem() -> None:
    scenario, rub = _library()
    expert = scenario.playthroughs[0]
    from dataclasses import replace

    wrong = replace(expert, band=(0, 10), flags=("asked-for-password",), passed=False,
                    inputs=(*expert.inputs, "one more"))
    result = replay.run_playthrough(scenario, rub, wrong)
    assert not result.ok
    text = " | ".join(result.problems)
    for fragment in ("outside the band", "flags", "passed is True", "already ended"):
        assert fragment in text
