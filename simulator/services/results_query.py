"""The results page query: sorted, filtered, paged, fast with 100,000 candidates.

Two phases: the page's summary ids come from the summary table alone (covering
indexes on (assessment_id, filter, sort column), no join, so deep pages stay cheap);
then only those rows are loaded with their invitations. Missing summary rows are built
lazily: invitations are never deleted, so an assessment whose highest invitation id
was already checked has no new invitation to summarise (checked once per process).
Rows shown on the page are compared with their invitation and attempts and rebuilt
when stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.exc import IntegrityError

from simulator.services import results
from simulator.services.results import ResultFilters, ResultRow, ResultsPage
from simulator.store.db import db
from simulator.store.models import Attempt, AutoScore, Invitation
from simulator.store.review_models import InvitationSummary

CHECKED_KEY = "simulator.results.checked"
S = InvitationSummary


def _status_clause(status: str, now: datetime) -> Any:
    """Return the WHERE clause selecting ``Invitation.status_at(now) == status``."""
    if status == "expired":
        return sa.and_(S.base_status == "invited", S.expires_at <= now)
    if status == "invited":
        return sa.and_(S.base_status == "invited", S.expires_at > now)
    return S.base_status == status


def _filters(assessment_id: int, filters: ResultFilters, now: datetime) -> list[Any]:
    """Return the WHERE clauses of the page (summary columns only)."""
    clauses: list[Any] = [S.assessment_id == assessment_id]
    if filters.status:
        clauses.append(_status_clause(filters.status, now))
    if filters.verdict == "none":
        clauses.append(S.verdict.is_(None))
    elif filters.verdict:
        clauses.append(S.verdict == filters.verdict)
    if filters.flagged:
        clauses.append(S.flagged.is_(True))
    if filters.search:
        pattern = filters.search.casefold().replace("\\", "\\\\").replace("%", "\\%")
        pattern = pattern.replace("_", "\\_")
        clauses.append(S.sort_name.like(f"%{pattern}%", escape="\\"))
    return clauses


def _order(filters: ResultFilters) -> list[Any]:
    """Return ORDER BY terms: the chosen column (no value = lowest), then id."""
    column = results.SORTS.get(filters.sort, S.overall)
    if filters.descending:
        terms = [column.desc().nulls_last(), S.id.desc()]
        if filters.sort == "flags":
            terms.insert(1, S.overall.desc().nulls_last())
        return terms
    terms = [column.asc().nulls_first(), S.id.asc()]
    if filters.sort == "flags":
        terms.insert(1, S.overall.asc().nulls_first())
    return terms


def _checked() -> dict[int, int]:
    """Return this process's {assessment id: highest invitation id known summarised}."""
    if not has_app_context():
        return {}
    return current_app.extensions.setdefault(CHECKED_KEY, {})


def ensure_summaries(assessment_id: int, now: datetime) -> int:
    """Build summary rows for invitations that have none; return how many were built."""
    newest = db.session.scalar(
        sa.select(sa.func.max(Invitation.id)).where(Invitation.assessment_id == assessment_id)
    ) or 0
    checked = _checked()
    if checked.get(assessment_id) == newest:
        return 0
    missing = db.session.scalars(
        sa.select(Invitation)
        .outerjoin(S, S.invitation_id == Invitation.id)
        .where(Invitation.assessment_id == assessment_id, S.id.is_(None))
    ).all()
    for invitation in missing:
        results._rebuild(invitation, now)
    if missing and not _commit():
        return 0
    checked[assessment_id] = newest
    return len(missing)


def _commit() -> bool:
    """Commit lazily built rows; False when a concurrent request built them first."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _stale(rows: Sequence[tuple[InvitationSummary, Invitation]]) -> list[Invitation]:
    """Return the invitations on a page whose summary lags their attempts or status."""
    ids = [invitation.id for _, invitation in rows]
    scored: dict[int, int] = {}
    if ids:
        scored = dict(db.session.execute(
            sa.select(Attempt.invitation_id, sa.func.count(AutoScore.id))
            .join(AutoScore, AutoScore.attempt_id == Attempt.id)
            .where(Attempt.invitation_id.in_(ids))
            .group_by(Attempt.invitation_id)
        ).all())
    return [
        invitation for summary, invitation in rows
        if summary.attempts_scored != scored.get(invitation.id, 0)
        or summary.finished_at != invitation.finished_at
        or summary.base_status != results.base_status(invitation)
        or summary.expires_at != invitation.expires_at
        or summary.candidate_name != invitation.candidate_name
    ]


def _page_rows(assessment_id: int, filters: ResultFilters,
               now: datetime) -> list[tuple[InvitationSummary, Invitation]]:
    """Return the (summary, invitation) pairs of the requested page, in order."""
    offset = (filters.page - 1) * filters.per_page
    ids = list(db.session.scalars(
        sa.select(S.id).where(*_filters(assessment_id, filters, now))
        .order_by(*_order(filters)).limit(filters.per_page).offset(offset)
    ))
    if not ids:
        return []
    loaded = {
        summary.id: (summary, invitation)
        for summary, invitation in db.session.execute(
            sa.select(S, Invitation).join(Invitation, Invitation.id == S.invitation_id)
            .where(S.id.in_(ids))
        ).all()
    }
    return [loaded[i] for i in ids if i in loaded]


def _total(assessment_id: int, filters: ResultFilters, now: datetime) -> int:
    """Return how many candidates match the filters."""
    return int(db.session.scalar(
        sa.select(sa.func.count(S.id)).where(*_filters(assessment_id, filters, now))
    ) or 0)


def results_page(user: Any, assessment_id: int, filters: ResultFilters,
                 now: datetime) -> ResultsPage:
    """Return one sorted, filtered page of an assessment's results (refreshing lazily)."""
    assessment = results.visible_assessment(user, assessment_id)
    ensure_summaries(assessment_id, now)
    rows = _page_rows(assessment_id, filters, now)
    stale = _stale(rows)
    if stale:
        for invitation in stale:
            results._rebuild(invitation, now)
        _commit()
        rows = _page_rows(assessment_id, filters, now)
    competencies = results.assessment_competencies(assessment)
    return ResultsPage(assessment, [ResultRow(s, i, i.status_at(now)) for s, i in rows],
                       _total(assessment_id, filters, now), filters, competencies)
