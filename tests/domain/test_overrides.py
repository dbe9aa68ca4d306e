"""Human overrides re-run the scoring maths without touching evidence or flags."""

from __future__ import annotations

import pytest

from simulator.domain.model import Condition, Criterion, Rubric, RubricLevel
from simulator.domain.overrides import (
    OverrideError,
    apply_overrides,
    level_index,
    report_from_dict,
)
from simulator.domain.session import CriterionScore, FlagHit, ScoreReport

LEVELS = (
    RubricLevel("none", "Not shown", 0),
    RubricLevel("partial", "Partly", 2, when=Condition(any=("a",))),
    RubricLevel("full", "Fully", 4, when=Condition(all=("a", "b"))),
)
RUBRIC = Rubric(
    id="demo", scenario="demo", title="Demo", pass_mark=70,
    criteria=(
        Criterion("scoping", "Scopes", "troubleshooting", LEVELS, weight=1.0),
        Criterion("tone", "Tone", "communication", LEVELS, weight=1.0, needs_review=True),
        Criterion("note", "Note", "documentation", LEVELS, weight=2.0),
        Criterion("feedback", "Feedback only", "communication", (), needs_review=True),
    ),
)


def _score(cid: str, comp: str, level: str, points: int, weight: float = 1.0) -> CriterionScore:
    return CriterionScore(cid, cid, comp, level, level, points, 4 if level else 0, weight,
                          (1, 2), cid == "tone")


def _report(flags: tuple[FlagHit, ...] = (), hint_penalty: int = 0) -> ScoreReport:
    criteria = (
        _score("scoping", "troubleshooting", "full", 4),
        _score("tone", "communication", "partial", 2),
        _score("note", "documentation", "partial", 2, 2.0),
        CriterionScore("feedback", "Feedback only", "communication", "", "", 0, 0, 1.0, (), True),
    )
    # raw = (4 + 2 + 4) / (4 + 4 + 8) = 62.5
    return ScoreReport("demo", "demo", "s" * 64, "r" * 64, max(0.0, 62.5 - hint_penalty), 62.5,
                       False, 70, {"troubleshooting": 100.0, "communication": 50.0,
                                   "documentation": 50.0},
                       criteria, flags, hint_penalty, (), 300.0, "resolved", ("tone",))


def test_no_overrides_returns_the_report_unchanged() -> None:
    report = _report()
    assert apply_overrides(report, RUBRIC, {}) == report


def test_override_recomputes_competency_total_and_pass() -> None:
    final = apply_overrides(_report(), RUBRIC, {"tone": "full", "note": "full"})
    tone = next(c for c in final.criteria if c.id == "tone")
    assert (tone.level, tone.level_label, tone.points) == ("full", "Fully", 4)
    assert tone.evidence == (1, 2)
    assert final.competencies["communication"] == 100.0
    assert final.competencies["documentation"] == 100.0
    assert final.raw_total == 100.0
    assert final.total == 100.0
    assert final.passed is True


def test_override_downwards_fails_the_attempt() -> None:
    final = apply_overrides(_report(), RUBRIC, {"scoping": "none"})
    assert final.competencies["troubleshooting"] == 0.0
    assert final.raw_total == pytest.approx(37.5)
    assert final.passed is False


@pytest.mark.parametrize(
    ("flags", "penalty", "total", "passed"),
    [
        ((), 10, 90.0, True),
        ((), 100, 0.0, False),
        ((FlagHit("pw", "Password", "cap", 60, (3,)),), 0, 60.0, False),
        ((FlagHit("pw", "Password", "fail", 69, (3,)),), 0, 69.0, False),
        ((FlagHit("pw", "Password", "cap", 95, (3,)),), 0, 95.0, True),
    ],
)
def test_penalties_and_flags_still_apply(
    flags: tuple[FlagHit, ...], penalty: int, total: float, passed: bool
) -> None:
    final = apply_overrides(_report(flags, penalty), RUBRIC, {"tone": "full", "note": "full"})
    assert final.total == total
    assert final.passed is passed
    assert final.flags == flags


@pytest.mark.parametrize(
    "overrides",
    [{"missing": "full"}, {"tone": "excellent"}, {"feedback": "full"}],
)
def test_bad_overrides_are_refused(overrides: dict[str, str]) -> None:
    with pytest.raises(OverrideError):
        apply_overrides(_report(), RUBRIC, overrides)


def test_report_round_trips_through_dict() -> None:
    report = _report((FlagHit("pw", "Password", "fail", 40, (3,)),), 5)
    assert report_from_dict(report.to_dict()) == report


def test_report_from_dict_without_flag_details() -> None:
    raw = _report().to_dict() | {"flags": ["pw"]}
    del raw["flag_details"]
    assert report_from_dict(raw).flags[0].id == "pw"


@pytest.mark.parametrize(("level", "index"), [("none", 0), ("partial", 1), ("full", 2)])
def test_level_index(level: str, index: int) -> None:
    assert level_index(RUBRIC.criteria[0], level) == index
