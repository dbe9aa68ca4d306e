"""Results per assessment: final scores with overrides, verdicts and a fast summary table.

``InvitationSummary`` holds one denormalised row per invitation (overall, verdict,
competencies, flags, counts, decision) so the results page sorts, filters and pages
100,000 attempts from indexes. ``refresh_invitation_summary`` rebuilds a row; call it
whenever an attempt of the invitation finishes (candidate services) or a review
record changes (this package does). The page also refreshes missing or stale rows
lazily.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from simulator.domain.overrides import apply_overrides, report_from_dict
from simulator.domain.session import ScoreReport
from simulator.services import library
from simulator.services.clock import utcnow
from simulator.services.errors import NotFound
from simulator.store.db import db
from simulator.store.models import Assessment, Attempt, AutoScore, IntegritySignal, Invitation
from simulator.store.review_models import Decision, HumanScore, InvitationSummary

SORTS: dict[str, Any] = {
    "overall": InvitationSummary.overall,
    "name": InvitationSummary.sort_name,
    "verdict": InvitationSummary.verdict,
    "flags": InvitationSummary.flagged,
    "signals": InvitationSummary.signal_count,
    "finished": InvitationSummary.finished_at,
}
STATUSES = ("invited", "started", "finished", "expired", "revoked")
VERDICTS = ("pass", "discuss", "below", "none")
PER_PAGE = 25
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class ResultFilters:
    """What the results page was asked for (already validated)."""

    status: str = ""
    verdict: str = ""
    flagged: bool = False
    search: str = ""
    sort: str = "overall"
    descending: bool = True
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class ResultRow:
    """One candidate line on the results page."""

    summary: InvitationSummary
    invitation: Invitation
    status: str


@dataclass(frozen=True)
class ResultsPage:
    """A page of results plus what the template needs to page and sort."""

    assessment: Assessment
    rows: list[ResultRow]
    total: int
    filters: ResultFilters
    competencies: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Return the number of pages (at least 1)."""
        return max(1, -(-self.total // self.filters.per_page))

    @property
    def page(self) -> int:
        """Return the current page number."""
        return self.filters.page

    @property
    def has_prev(self) -> bool:
        """Return True when there is a previous page."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Return True when there is a next page."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """Return the previous page number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """Return the next page number."""
        return self.page + 1


@dataclass(frozen=True)
class Standing:
    """The combined result of one invitation's scored attempts."""

    overall: float | None
    verdict: str | None
    competencies: dict[str, float]
    reasons: list[str]


def visible_assessment(user: Any, assessment_id: int) -> Assessment:
    """Return the assessment if ``user`` may review it (admins: all; others: their own)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("No such assessment.")
    if user.role != "admin" and assessment.created_by_id != user.id:
        raise NotFound("No such assessment.")
    return assessment


def latest_overrides(attempt_ids: Iterable[int]) -> dict[int, dict[str, HumanScore]]:
    """Return {attempt id: {criterion id: latest HumanScore}}."""
    ids = list(attempt_ids)
    out: dict[int, dict[str, HumanScore]] = defaultdict(dict)
    if not ids:
        return out
    rows = db.session.scalars(
        sa.select(HumanScore).where(HumanScore.attempt_id.in_(ids)).order_by(HumanScore.id)
    )
    for row in rows:
        out[row.attempt_id][row.criterion_id] = row
    return out


def final_report(
    attempt: Attempt, auto: AutoScore, overrides: dict[str, HumanScore]
) -> ScoreReport:
    """Return the automatic report with the latest human levels applied."""
    report = report_from_dict(auto.report)
    if not overrides:
        return report
    rubric = library.rubric_for_hash(attempt.rubric_hash)
    return apply_overrides(report, rubric, {cid: hs.level_id for cid, hs in overrides.items()})


def _role_profile(profile_id: str | None) -> Any:
    """Return the role profile with this id from the library (None if absent)."""
    if not profile_id:
        return None
    framework = library.catalog().framework
    return next((role for role in framework.roles if role.id == profile_id), None)


def standing(assessment: Assessment, reports: Sequence[ScoreReport]) -> Standing:
    """Return the overall/verdict/competencies of an invitation's final reports."""
    if not reports:
        return Standing(None, None, {}, [])
    profile = _role_profile(assessment.role_profile_id)
    if profile is not None:
        from simulator.domain.verdict import role_verdict

        # The verdict expects the scenarios this assessment set, which may be a subset
        # of the role profile's list (a custom set judged against the role's bar).
        expected = tuple(assessment.scenario_ids or profile.scenarios)
        profile = dataclasses.replace(profile, scenarios=expected)
        verdict = role_verdict(profile, list(reports), library.catalog().framework)
        return Standing(round(float(verdict.overall), 2), verdict.status,
                        {k: round(float(v), 2) for k, v in verdict.competencies.items()},
                        [str(r) for r in verdict.reasons])
    sums: dict[str, list[float]] = defaultdict(list)
    for report in reports:
        for competency, value in report.competencies.items():
            sums[competency].append(float(value))
    overall = sum(r.total for r in reports) / len(reports)
    return Standing(round(overall, 2), None,
                    {k: round(sum(v) / len(v), 2) for k, v in sums.items()}, [])


def invitation_reports(invitation_id: int) -> list[tuple[Attempt, AutoScore, ScoreReport]]:
    """Return (attempt, auto score, final report) for every scored attempt, in order."""
    pairs = db.session.execute(
        sa.select(Attempt, AutoScore)
        .join(AutoScore, AutoScore.attempt_id == Attempt.id)
        .where(Attempt.invitation_id == invitation_id)
        .order_by(Attempt.position, Attempt.id)
    ).all()
    overrides = latest_overrides(a.id for a, _ in pairs)
    return [(a, s, final_report(a, s, overrides.get(a.id, {}))) for a, s in pairs]


def _counts(invitation_id: int) -> tuple[int, int]:
    """Return (integrity signals, overridden criteria) over the invitation's attempts."""
    attempt_ids = sa.select(Attempt.id).where(Attempt.invitation_id == invitation_id)
    signals = db.session.scalar(
        sa.select(sa.func.count(IntegritySignal.id))
        .where(IntegritySignal.attempt_id.in_(attempt_ids))
    )
    pairs = sa.select(HumanScore.attempt_id, HumanScore.criterion_id).distinct().where(
        HumanScore.attempt_id.in_(attempt_ids)
    )
    overridden = db.session.scalar(sa.select(sa.func.count()).select_from(pairs.subquery()))
    return int(signals or 0), int(overridden)


def latest_decision(invitation_id: int) -> Decision | None:
    """Return the latest decision on an invitation."""
    return db.session.scalar(
        sa.select(Decision).where(Decision.invitation_id == invitation_id)
        .order_by(Decision.id.desc()).limit(1)
    )


def base_status(invitation: Invitation) -> str:
    """Return the invitation's status ignoring expiry (revoked|finished|started|invited)."""
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.finished_at is not None:
        return "finished"
    return "started" if invitation.consented_at is not None else "invited"


def refresh_invitation_summary(
    invitation_id: int | None, now: datetime | None = None
) -> InvitationSummary | None:
    """Rebuild the summary row of one invitation and commit it (None: nothing to do).

    Call after an attempt of the invitation finishes and after the invitation's
    status changes (consent, finish, revoke); review actions call it themselves.
    The results page also rebuilds missing rows and stale rows it shows.
    """
    if invitation_id is None:
        return None
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    summary = _rebuild(invitation, now or utcnow())
    db.session.commit()
    return summary


def _rebuild(invitation: Invitation, now: datetime) -> InvitationSummary:
    """Recompute (without committing) the summary row of ``invitation``."""
    scored = invitation_reports(invitation.id)
    reports = [report for _, _, report in scored]
    result = standing(invitation.assessment, reports)
    signals, overridden = _counts(invitation.id)
    flags = sorted({flag.id for report in reports for flag in report.flags})
    reviewed = latest_overrides(a.id for a, _, _ in scored)
    pending = sum(
        1 for a, _, r in scored for cid in r.needs_review if cid not in reviewed.get(a.id, {})
    )
    decision = latest_decision(invitation.id)
    summary = db.session.scalar(
        sa.select(InvitationSummary).where(InvitationSummary.invitation_id == invitation.id)
    )
    if summary is None:
        summary = InvitationSummary(
            invitation_id=invitation.id, assessment_id=invitation.assessment_id
        )
        db.session.add(summary)
    summary.candidate_name = invitation.candidate_name
    summary.sort_name = invitation.candidate_name.casefold()[:120]
    summary.overall = result.overall
    summary.verdict = result.verdict
    summary.competencies = result.competencies
    summary.reasons = result.reasons
    summary.flags = flags
    summary.flag_count = len(flags)
    summary.flagged = bool(flags)
    summary.base_status = base_status(invitation)
    summary.expires_at = invitation.expires_at
    summary.signal_count = signals
    summary.override_count = overridden
    summary.attempts_scored = len(scored)
    summary.needs_review = pending
    summary.decision = decision.decision if decision else None
    summary.finished_at = invitation.finished_at
    summary.updated_at = now
    return summary


def assessment_competencies(assessment: Assessment) -> list[str]:
    """Return the competency ids the assessment's scenarios cover, in framework order."""
    scenarios = library.catalog().scenarios
    covered = {c for sid in assessment.scenario_ids or () if sid in scenarios
               for c in scenarios[sid].competencies}
    order = [c.id for c in library.catalog().framework.competencies]
    return [c for c in order if c in covered] + sorted(covered - set(order))


def invitation_counts(assessment_ids: list[int]) -> dict[int, int]:
    """Return {assessment id: number of invitations}."""
    if not assessment_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Invitation.assessment_id, sa.func.count(Invitation.id))
        .where(Invitation.assessment_id.in_(assessment_ids))
        .group_by(Invitation.assessment_id)
    ).all())
