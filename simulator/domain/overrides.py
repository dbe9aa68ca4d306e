"""Apply human level overrides to an automatic score report (pure: stdlib only).

An override names a criterion and the level a human awards instead of the
automatic one. The final report re-runs the contract's scoring maths with the
overridden points: per-competency and overall 0-100 = sum(points*weight) /
sum(max*weight); total = raw - hint penalty (floor 0); critical flags cap it;
passed = total >= pass_mark and no ``fail`` flag. Evidence and flags stay as the
engine found them: a human changes levels, never the transcript.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from simulator.domain.model import Criterion, Rubric
from simulator.domain.scoring import percent
from simulator.domain.session import CriterionScore, FlagHit, ScoreReport


class OverrideError(ValueError):
    """An override names an unknown criterion or level."""


def criterion_from_dict(raw: Mapping[str, Any]) -> CriterionScore:
    """Rebuild a criterion score from ``CriterionScore.to_dict`` output."""
    return CriterionScore(
        id=str(raw["id"]),
        label=str(raw.get("label", raw["id"])),
        competency=str(raw.get("competency", "")),
        level=str(raw.get("level", "")),
        level_label=str(raw.get("level_label", "")),
        points=int(raw.get("points", 0)),
        max=int(raw.get("max", 0)),
        weight=float(raw.get("weight", 1.0)),
        evidence=tuple(int(i) for i in raw.get("evidence", ())),
        needs_review=bool(raw.get("needs_review", False)),
    )


def flag_from_dict(raw: Mapping[str, Any]) -> FlagHit:
    """Rebuild a flag hit from ``FlagHit.to_dict`` output."""
    return FlagHit(
        id=str(raw["id"]),
        label=str(raw.get("label", raw["id"])),
        effect=str(raw.get("effect", "fail")),
        cap=int(raw.get("cap", 0)),
        evidence=tuple(int(i) for i in raw.get("evidence", ())),
    )


def report_from_dict(raw: Mapping[str, Any]) -> ScoreReport:
    """Rebuild a score report from ``ScoreReport.to_dict`` output."""
    details = raw.get("flag_details")
    if details is None:
        details = [{"id": flag_id} for flag_id in raw.get("flags", ())]
    return ScoreReport(
        scenario_id=str(raw.get("scenario_id", "")),
        rubric_id=str(raw.get("rubric_id", "")),
        scenario_hash=str(raw.get("scenario_hash", "")),
        rubric_hash=str(raw.get("rubric_hash", "")),
        total=float(raw.get("total", 0.0)),
        raw_total=float(raw.get("raw_total", 0.0)),
        passed=bool(raw.get("passed", False)),
        pass_mark=int(raw.get("pass_mark", 0)),
        competencies={str(k): float(v) for k, v in raw.get("competencies", {}).items()},
        criteria=tuple(criterion_from_dict(c) for c in raw.get("criteria", ())),
        flags=tuple(flag_from_dict(f) for f in details),
        hint_penalty=int(raw.get("hint_penalty", 0)),
        hints_used=tuple(str(h) for h in raw.get("hints_used", ())),
        time_used=float(raw.get("time_used", 0.0)),
        result=str(raw.get("result", "")),
        needs_review=tuple(str(c) for c in raw.get("needs_review", ())),
    )


def level_index(criterion: Criterion, level_id: str) -> int:
    """Return the ordinal position of a level in its criterion (lowest = 0)."""
    for position, level in enumerate(criterion.levels):
        if level.id == level_id:
            return position
    raise OverrideError(f"criterion {criterion.id!r} has no level {level_id!r}")


def _overridden(score: CriterionScore, criterion: Criterion, level_id: str) -> CriterionScore:
    """Return the criterion score with the human's level applied."""
    level = criterion.levels[level_index(criterion, level_id)]
    return replace(
        score,
        level=level.id,
        level_label=level.label,
        points=level.points,
        max=criterion.max_points,
        weight=criterion.weight,
    )


def _total(raw_total: float, hint_penalty: int, flags: tuple[FlagHit, ...]) -> float:
    """Return the total after hint penalties (floor 0) and flag caps, as scoring does."""
    total = max(0.0, raw_total - hint_penalty)
    for flag in flags:
        total = min(total, float(flag.cap))
    return round(total, 1)


def apply_overrides(
    report: ScoreReport, rubric: Rubric, overrides: Mapping[str, str]
) -> ScoreReport:
    """Return the final report with ``{criterion id: level id}`` overrides applied.

    Raises OverrideError for an unknown criterion or level, or for a feedback-only
    criterion (it has no levels to award).
    """
    by_id = {criterion.id: criterion for criterion in rubric.criteria}
    for criterion_id in overrides:
        if criterion_id not in by_id:
            raise OverrideError(f"rubric {rubric.id!r} has no criterion {criterion_id!r}")
        if not by_id[criterion_id].levels:
            raise OverrideError(f"criterion {criterion_id!r} is feedback-only")
    criteria = [
        _overridden(score, by_id[score.id], overrides[score.id])
        if score.id in overrides
        else score
        for score in report.criteria
    ]
    if not overrides:
        return report
    competencies = dict(report.competencies)
    for competency in {c.competency for c in criteria}:
        value = percent([c for c in criteria if c.competency == competency])
        if value is not None:
            competencies[competency] = round(value, 1)
    raw = percent(criteria) or 0.0
    total = _total(raw, report.hint_penalty, report.flags)
    failed = any(flag.effect == "fail" for flag in report.flags)
    return replace(
        report,
        criteria=tuple(criteria),
        competencies=competencies,
        raw_total=round(raw, 1),
        total=total,
        passed=total >= report.pass_mark and not failed,
    )
