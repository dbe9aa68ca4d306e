"""Aggregate several scenario scores into a role verdict: pass, discuss or below.

Per-competency scores are the mean over the reports that cover the competency;
the overall score is weighted by the role's competency weights. ``pass`` needs the
overall pass mark, every threshold and no ``fail`` flag; otherwise a firing
discuss rule gives ``discuss``; otherwise ``below``. Every decision says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from simulator.domain.model import Framework, RoleProfile
from simulator.domain.session import ScoreReport

Status = Literal["pass", "discuss", "below"]


@dataclass(frozen=True)
class Verdict:
    """The outcome for one candidate against one role profile."""

    role: str
    status: Status
    overall: float
    competencies: Mapping[str, float]
    reasons: tuple[str, ...]
    scenarios: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe mapping."""
        return {
            "role": self.role,
            "status": self.status,
            "overall": self.overall,
            "competencies": dict(self.competencies),
            "reasons": list(self.reasons),
            "scenarios": list(self.scenarios),
            "missing": list(self.missing),
        }


def competency_means(reports: Sequence[ScoreReport]) -> dict[str, float]:
    """Return each competency's mean score over the reports that cover it."""
    sums: dict[str, list[float]] = {}
    for report in reports:
        for comp, value in report.competencies.items():
            sums.setdefault(comp, []).append(float(value))
    return {comp: round(sum(v) / len(v), 1) for comp, v in sums.items()}


def weighted_overall(profile: RoleProfile, scores: Mapping[str, float]) -> float:
    """Return the role-weighted overall score (plain mean when no weight applies)."""
    weights = {c: float(w) for c, w in profile.weights.items() if c in scores and w > 0}
    if not weights:
        return round(sum(scores.values()) / len(scores), 1) if scores else 0.0
    total = sum(weights.values())
    return round(sum(scores[c] * w for c, w in weights.items()) / total, 1)


def _names(framework: Framework | None) -> dict[str, str]:
    if framework is None:
        return {}
    return {c.id: c.name for c in framework.competencies}


def _threshold_gaps(profile: RoleProfile, scores: Mapping[str, float],
                    names: Mapping[str, str]) -> list[str]:
    """Return a reason for every competency threshold that is not met."""
    gaps = []
    for comp, minimum in profile.thresholds.items():
        label = names.get(comp, comp)
        if comp not in scores:
            gaps.append(f"No evidence for {label} (threshold {minimum}).")
        elif scores[comp] < minimum:
            gaps.append(f"{label} is {scores[comp]:g}, below the threshold of {minimum}.")
    return gaps


def _discuss(profile: RoleProfile, scores: Mapping[str, float], passes: bool) -> list[str]:
    """Return the messages of the discuss rules that fire."""
    fired = []
    for rule in profile.discuss:
        if rule.only_if_passed and not passes:
            continue
        if any(c in scores and scores[c] < v for c, v in rule.below.items()):
            fired.append(rule.message)
    return fired


def role_verdict(
    profile: RoleProfile,
    reports: Sequence[ScoreReport],
    framework: Framework | None = None,
) -> Verdict:
    """Aggregate one report per scenario into a verdict for a role."""
    wanted = set(profile.scenarios)
    used = [r for r in reports if not wanted or r.scenario_id in wanted]
    missing = tuple(s for s in profile.scenarios if s not in {r.scenario_id for r in used})
    scores = competency_means(used)
    overall = weighted_overall(profile, scores)
    names = _names(framework)
    fails = [f"{r.scenario_id}: {f.label} (critical)" for r in used for f in r.flags
             if f.effect == "fail"]
    gaps = _threshold_gaps(profile, scores, names)
    overall_ok = overall >= profile.pass_mark
    reasons: list[str] = [
        f"Overall {overall:g} against a pass mark of {profile.pass_mark}"
        + (" (met)." if overall_ok else " (not met).")
    ]
    reasons += [f"Not taken: {s}." for s in missing]
    reasons += fails + gaps
    passes = bool(used) and not missing and not fails and not gaps and overall_ok
    discuss = [] if fails or not used else _discuss(profile, scores, passes)
    reasons += discuss
    status: Status = "discuss" if discuss else ("pass" if passes else "below")
    return Verdict(
        role=profile.id,
        status=status,
        overall=overall,
        competencies=scores,
        reasons=tuple(reasons),
        scenarios=tuple(r.scenario_id for r in used),
        missing=missing,
    )
