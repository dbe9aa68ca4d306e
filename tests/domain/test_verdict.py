"""Role verdicts: competency means, weighted overall, thresholds, discuss, fail flags."""

from __future__ import annotations

import json
from typing import Any

import pytest

from simulator.domain.model import Competency, DiscussRule, Framework, RoleProfile
from simulator.domain.session import FlagHit, ScoreReport
from simulator.domain.verdict import competency_means, role_verdict, weighted_overall


def report(scenario: str, comps: dict[str, float], fail: bool = False) -> ScoreReport:
    flags = (FlagHit("pw", "Asked for the password", "fail", 40, (3,)),) if fail else ()
    return ScoreReport(
        scenario_id=scenario, rubric_id=scenario, scenario_hash="", rubric_hash="",
        total=50.0, raw_total=50.0, passed=not fail, pass_mark=70, competencies=comps,
        criteria=(), flags=flags, hint_penalty=0, hints_used=(), time_used=0.0,
        result="resolved", needs_review=(),
    )


def profile(**kw: Any) -> RoleProfile:
    base: dict[str, Any] = {
        "id": "tech", "name": "Tech", "description": "", "scenarios": ("s1", "s2"),
        "weights": {"troubleshooting": 2, "communication": 1}, "thresholds": {},
        "pass_mark": 65, "discuss": (),
    }
    base.update(kw)
    return RoleProfile(**base)


FRAMEWORK = Framework(
    competencies=(Competency("troubleshooting", "Structured troubleshooting", "", ()),
                  Competency("communication", "Customer communication", "", ())),
    roles=(),
)


def test_means_over_reports_that_cover_a_competency() -> None:
    reports = [report("s1", {"troubleshooting": 80, "communication": 40}),
               report("s2", {"troubleshooting": 60})]
    assert competency_means(reports) == {"troubleshooting": 70.0, "communication": 40.0}


@pytest.mark.parametrize(
    ("weights", "scores", "overall"),
    [
        ({"troubleshooting": 2, "communication": 1}, {"troubleshooting": 90, "communication": 60},
         80.0),
        ({"troubleshooting": 1}, {"troubleshooting": 90, "communication": 60}, 90.0),
        ({}, {"troubleshooting": 90, "communication": 60}, 75.0),
        ({"other": 3}, {}, 0.0),
    ],
)
def test_weighted_overall(weights: dict[str, float], scores: dict[str, float],
                          overall: float) -> None:
    assert weighted_overall(profile(weights=weights), scores) == overall


@pytest.mark.parametrize(
    ("reports", "kw", "status", "reason"),
    [
        ([report("s1", {"troubleshooting": 90, "communication": 80}),
          report("s2", {"troubleshooting": 70})], {}, "pass", "(met)"),
        ([report("s1", {"troubleshooting": 50, "communication": 50}),
          report("s2", {"troubleshooting": 50})], {}, "below", "(not met)"),
        ([report("s1", {"troubleshooting": 90, "communication": 40}),
          report("s2", {"troubleshooting": 90})],
         {"thresholds": {"communication": 50}}, "below", "Customer communication is 40"),
        ([report("s1", {"troubleshooting": 90})], {}, "below", "Not taken: s2"),
        ([report("s1", {"troubleshooting": 95, "communication": 95}, fail=True),
          report("s2", {"troubleshooting": 95})], {}, "below", "(critical)"),
        ([report("s1", {"troubleshooting": 90, "communication": 60}),
          report("s2", {"troubleshooting": 90})],
         {"thresholds": {"communication": 50},
          "discuss": (DiscussRule("comms", "Discuss comms.", {"communication": 65}),)},
         "discuss", "Discuss comms."),
        ([report("s1", {"troubleshooting": 50, "communication": 60}),
          report("s2", {"troubleshooting": 50})],
         {"discuss": (DiscussRule("comms", "Discuss comms.", {"communication": 65}),)},
         "below", "(not met)"),
        ([report("s1", {"troubleshooting": 60, "communication": 60}),
          report("s2", {"troubleshooting": 60})],
         {"discuss": (DiscussRule("near", "Close call.", {"troubleshooting": 65},
                                  only_if_passed=False),)},
         "discuss", "Close call."),
        ([], {"thresholds": {"communication": 50}}, "below", "No evidence for Customer"),
    ],
)
def test_role_verdict_status_and_reasons(reports: list[ScoreReport], kw: dict[str, Any],
                                         status: str, reason: str) -> None:
    verdict = role_verdict(profile(**kw), reports, FRAMEWORK)
    assert verdict.status == status
    assert any(reason in r for r in verdict.reasons), verdict.reasons


def test_reports_outside_the_profile_are_ignored() -> None:
    reports = [report("s1", {"troubleshooting": 90, "communication": 90}),
               report("s2", {"troubleshooting": 90}), report("other", {"troubleshooting": 0})]
    verdict = role_verdict(profile(), reports)
    assert verdict.status == "pass" and verdict.scenarios == ("s1", "s2")
    assert verdict.competencies["troubleshooting"] == 90.0


def test_verdict_to_dict_is_json_safe_and_frozen() -> None:
    verdict = role_verdict(profile(), [report("s1", {"troubleshooting": 70})])
    data = verdict.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["missing"] == ["s2"] and data["status"] == "below"
    with pytest.raises(AttributeError):
        verdict.status = "pass"  # type: ignore[misc]
