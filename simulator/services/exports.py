"""Exports: CSV per assessment, JSON per attempt, xAPI statements.

Scores in every export are final scores (latest human overrides applied); the JSON
export also carries the automatic score and every override for the audit trail.
CSV cells that a spreadsheet would read as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from simulator.domain.overrides import apply_overrides, report_from_dict
from simulator.services import library, results, results_query
from simulator.services.errors import Conflict
from simulator.services.xapi import AttemptFacts, iso_timestamp, statement
from simulator.store.db import db
from simulator.store.models import Attempt, AutoScore, IntegritySignal, Invitation, User
from simulator.store.review_models import HumanScore, InvitationSummary

EXPORT_SCHEMA_ID = "https://helpdesk-simulator.example/schemas/export-attempt.schema.json"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BASE_COLUMNS = (
    "attempt_id", "invitation_id", "candidate_name", "candidate_email", "assessment_id",
    "assessment_title", "scenario_id", "position", "status", "started_at", "finished_at",
    "auto_total", "final_total", "passed", "flags", "overridden_criteria",
    "integrity_signals", "verdict", "decision",
)


def safe_cell(value: Any) -> Any:
    """Return ``value`` with a leading quote if a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _iso(moment: datetime | None) -> str:
    """Return an ISO 8601 UTC string ('' for None)."""
    return iso_timestamp(moment) if moment is not None else ""


def _override_map(attempt_ids: list[int]) -> dict[int, dict[str, str]]:
    """Return {attempt id: {criterion id: latest level id}} for some attempts."""
    latest = results.latest_overrides(attempt_ids)
    return {aid: {cid: hs.level_id for cid, hs in rows.items()} for aid, rows in latest.items()}


def _signal_counts(assessment_id: int) -> dict[int, int]:
    """Return {attempt id: integrity signal count} for an assessment."""
    return dict(db.session.execute(
        sa.select(IntegritySignal.attempt_id, sa.func.count(IntegritySignal.id))
        .join(Attempt, Attempt.id == IntegritySignal.attempt_id)
        .where(Attempt.assessment_id == assessment_id)
        .group_by(IntegritySignal.attempt_id)
    ).all())


def _overridden_finals(assessment_id: int
                       ) -> tuple[dict[int, dict[str, str]], dict[int, Any]]:
    """Return the overrides and the final reports of an assessment's overridden attempts."""
    attempt_ids = db.session.scalars(
        sa.select(HumanScore.attempt_id).join(Attempt, Attempt.id == HumanScore.attempt_id)
        .where(Attempt.assessment_id == assessment_id).distinct()).all()
    overrides = _override_map(list(attempt_ids))
    finals: dict[int, Any] = {}
    for start in range(0, len(attempt_ids), 500):
        batch = attempt_ids[start:start + 500]
        for attempt_id, rubric_hash, raw in db.session.execute(
            sa.select(Attempt.id, Attempt.rubric_hash, AutoScore.report)
            .join(AutoScore, AutoScore.attempt_id == Attempt.id)
            .where(Attempt.id.in_(batch))
        ):
            rubric = library.rubric_for_hash(rubric_hash)
            finals[attempt_id] = apply_overrides(report_from_dict(raw or {}), rubric,
                                                 overrides[attempt_id])
    return overrides, finals


CSV_QUERY_COLUMNS = (
    Attempt.id, Attempt.invitation_id, Attempt.assessment_id, Attempt.scenario_id,
    Attempt.position, Attempt.status, Attempt.started_at, Attempt.finished_at,
    AutoScore.total, AutoScore.passed, AutoScore.competencies, AutoScore.flags,
    Invitation.candidate_name, Invitation.candidate_email, InvitationSummary.verdict,
    InvitationSummary.decision,
)


def csv_rows(user: Any, assessment_id: int, now: datetime) -> Iterator[str]:
    """Yield the CSV export of an assessment, header first, one line per attempt."""
    assessment = results.visible_assessment(user, assessment_id)
    results_query.ensure_summaries(assessment_id, now)  # verdicts for never-viewed rows
    competencies = results.assessment_competencies(assessment)
    overrides, finals = _overridden_finals(assessment_id)
    signals = _signal_counts(assessment_id)
    rows = db.session.execute(
        sa.select(*CSV_QUERY_COLUMNS)
        .outerjoin(AutoScore, AutoScore.attempt_id == Attempt.id)
        .outerjoin(Invitation, Invitation.id == Attempt.invitation_id)
        .outerjoin(InvitationSummary, InvitationSummary.invitation_id == Attempt.invitation_id)
        .where(Attempt.assessment_id == assessment_id)
        .order_by(Attempt.invitation_id, Attempt.position, Attempt.id)
        .execution_options(yield_per=2000)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*BASE_COLUMNS, *(f"competency:{c}" for c in competencies)])
    for index, row in enumerate(rows, start=1):
        writer.writerow(_csv_line(row, assessment.title, overrides.get(row[0], {}),
                                  finals.get(row[0]), signals.get(row[0], 0), competencies))
        if index % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
    yield buffer.getvalue()


def _csv_line(row: Any, title: str, applied: Mapping[str, str], final: Any, signals: int,
              competencies: list[str]) -> list[Any]:
    """Return one attempt's CSV cells; every free-text cell is formula-safe."""
    (attempt_id, invitation_id, assessment_id, scenario_id, position, status, started_at,
     finished_at, total, passed, comps, flags, name, email, verdict, decision) = row
    if final is not None:
        final_total, final_comps, final_passed = final.total, final.competencies, final.passed
    else:
        final_total, final_comps, final_passed = total, comps or {}, passed
    return [
        attempt_id, invitation_id or "", safe_cell(name or ""), safe_cell(email or ""),
        assessment_id, safe_cell(title), safe_cell(scenario_id), position, status,
        _iso(started_at), _iso(finished_at), "" if total is None else round(total, 2),
        "" if final_total is None else round(final_total, 2),
        "" if final_passed is None else ("true" if final_passed else "false"),
        safe_cell(";".join(flags or ())), safe_cell(";".join(sorted(applied))), signals,
        verdict or "", decision or "",
        *(final_comps.get(c, "") for c in competencies),
    ]


def attempt_document(user: Any, attempt_id: int, now: datetime) -> dict[str, Any]:
    """Return the JSON export of one attempt (see schemas/export-attempt.schema.json)."""
    from simulator.services.review import attempt_review

    view = attempt_review(user, attempt_id)
    attempt, invitation = view.attempt, view.invitation
    return {
        "$schema": EXPORT_SCHEMA_ID,
        "format": "helpdesk-simulator/attempt-export",
        "version": 1,
        "exported_at": iso_timestamp(now),
        "attempt": {
            "id": attempt.id, "mode": attempt.mode, "status": attempt.status,
            "scenario_id": attempt.scenario_id, "scenario_title": view.scenario_title,
            "scenario_hash": attempt.scenario_hash, "rubric_hash": attempt.rubric_hash,
            "position": attempt.position, "started_at": _iso(attempt.started_at),
            "finished_at": _iso(attempt.finished_at) or None,
            "time_limit_seconds": attempt.time_limit_seconds,
        },
        "candidate": None if invitation is None else {
            "invitation_id": invitation.id, "name": invitation.candidate_name,
            "email": invitation.candidate_email, "assessment_id": invitation.assessment_id,
        },
        "transcript": [
            {"index": e.index, "at": e.at, "type": e.type, "actor": e.actor, "step": e.step,
             "text": e.text, "data": dict(e.data or {})} for e in view.events
        ],
        "auto_score": view.auto.to_dict() if view.auto else None,
        "final_score": view.final.to_dict() if view.final else None,
        "overrides": _overrides_json(attempt.id),
        "integrity_signals": [
            {"kind": s.kind, "at": s.at, "detail": dict(s.detail or {})} for s in view.signals
        ],
    }


def _overrides_json(attempt_id: int) -> list[dict[str, Any]]:
    """Return every human score of an attempt, oldest first, for the JSON export."""
    history = db.session.scalars(
        sa.select(HumanScore).where(HumanScore.attempt_id == attempt_id).order_by(HumanScore.id)
    ).all()
    authors = _author_names({h.author_id for h in history})
    return [
        {"criterion_id": h.criterion_id, "level_id": h.level_id, "points": h.points,
         "reason": h.reason, "author": authors.get(h.author_id, ""), "blind": h.blind,
         "created_at": _iso(h.created_at)} for h in history
    ]


def _author_names(ids: set[int]) -> dict[int, str]:
    """Return {user id: name} for some users."""
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def xapi_statements(user: Any, assessment_id: int, base_iri: str) -> list[dict[str, Any]]:
    """Return one xAPI statement per scored attempt of an assessment."""
    assessment = results.visible_assessment(user, assessment_id)
    pairs = db.session.execute(
        sa.select(Attempt, AutoScore, Invitation)
        .join(AutoScore, AutoScore.attempt_id == Attempt.id)
        .join(Invitation, Invitation.id == Attempt.invitation_id)
        .where(Attempt.assessment_id == assessment_id)
        .order_by(Attempt.id)
    ).all()
    overrides = results.latest_overrides(a.id for a, _, _ in pairs)
    titles = {sid: s.title for sid, s in library.catalog().scenarios.items()}
    out = []
    for attempt, score, invitation in pairs:
        final = results.final_report(attempt, score, overrides.get(attempt.id, {}))
        out.append(statement(AttemptFacts(
            attempt_id=attempt.id, invitation_id=invitation.id,
            actor_name=invitation.candidate_name, actor_email=invitation.candidate_email,
            scenario_id=attempt.scenario_id,
            scenario_title=titles.get(attempt.scenario_id, attempt.scenario_id),
            assessment_id=assessment.id, assessment_title=assessment.title,
            total=final.total, passed=final.passed, completed=attempt.status == "finished",
            started_at=attempt.started_at, finished_at=attempt.finished_at or score.created_at,
        ), base_iri))
    return out


def require_scored(document: Mapping[str, Any]) -> None:
    """Raise Conflict when an export has no score to report."""
    if document.get("auto_score") is None:
        raise Conflict("This attempt has not been scored yet.")

