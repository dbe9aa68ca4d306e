"""Review use cases: transcript review, overrides, notes, decisions, compare, quality.

Every write is a new row (HumanScore, ReviewNote, Decision) plus an AuditLog entry;
nothing an interviewer does mutates the automatic score or the transcript.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from simulator.domain.agreement import Agreement, agreement
from simulator.domain.model import Criterion, Rubric
from simulator.domain.overrides import OverrideError, level_index, report_from_dict
from simulator.domain.session import CriterionScore, ScoreReport
from simulator.services import library, results, results_query
from simulator.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from simulator.store.db import db
from simulator.store.models import Attempt, AttemptEvent, AutoScore, IntegritySignal, Invitation
from simulator.store.review_models import (
    DECISIONS,
    AuditLog,
    Decision,
    HumanScore,
    InvitationSummary,
    ReviewNote,
)

MAX_REASON = 2000
MIN_REASON = 3
MAX_NOTE = 5000
MIN_COMPARE, MAX_COMPARE = 2, 5


@dataclass(frozen=True)
class CriterionView:
    """One rubric criterion beside the transcript."""

    criterion: Criterion
    auto: CriterionScore | None
    final: CriterionScore | None
    human: HumanScore | None
    history: list[HumanScore]
    hidden: bool  # blind mode: the automatic level is not shown yet


@dataclass(frozen=True)
class AttemptReview:
    """Everything the transcript review page shows."""

    attempt: Attempt
    invitation: Invitation | None
    scenario_title: str
    events: list[AttemptEvent]
    auto: ScoreReport | None
    final: ScoreReport | None
    criteria: list[CriterionView]
    turn_criteria: dict[int, list[str]]
    signals: list[IntegritySignal]
    notes: list[ReviewNote]
    blind: bool
    levels: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    step_kinds: dict[str, str] = field(default_factory=dict)
    persona: str = "Caller"


def audit(actor_id: int | None, action: str, object_type: str, object_id: int,
          detail: dict[str, Any], now: datetime) -> AuditLog:
    """Append an audit entry (the caller commits)."""
    entry = AuditLog(actor_id=actor_id, action=action, object_type=object_type,
                     object_id=object_id, detail=detail, created_at=now)
    db.session.add(entry)
    return entry


def visible_attempt(user: Any, attempt_id: int) -> Attempt:
    """Return the attempt if ``user`` may review it; 404 otherwise."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound("No such attempt.")
    if attempt.assessment_id is None:
        if user.role != "admin":
            raise NotFound("No such attempt.")
        return attempt
    results.visible_assessment(user, attempt.assessment_id)
    return attempt


def visible_invitation(user: Any, invitation_id: int) -> Invitation:
    """Return the invitation if ``user`` may review its assessment; 404 otherwise."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("No such candidate.")
    results.visible_assessment(user, invitation.assessment_id)
    return invitation


def _auto_score(attempt_id: int) -> AutoScore | None:
    """Return the automatic score of an attempt."""
    return db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt_id))


def _rubric(attempt: Attempt) -> Rubric | None:
    """Return the rubric snapshot the attempt was scored with (None if unavailable)."""
    try:
        return library.rubric_for_hash(attempt.rubric_hash)
    except (KeyError, LookupError, NotFound):
        return None


def _history(attempt_id: int) -> dict[str, list[HumanScore]]:
    """Return every human score per criterion, oldest first."""
    out: dict[str, list[HumanScore]] = defaultdict(list)
    for row in db.session.scalars(
        sa.select(HumanScore).where(HumanScore.attempt_id == attempt_id).order_by(HumanScore.id)
    ):
        out[row.criterion_id].append(row)
    return out


def _criterion_views(rubric: Rubric, auto: ScoreReport | None, final: ScoreReport | None,
                     history: dict[str, list[HumanScore]], blind: bool) -> list[CriterionView]:
    """Return the criteria, needs-review first, with auto/final/human levels."""
    autos = {c.id: c for c in auto.criteria} if auto else {}
    finals = {c.id: c for c in final.criteria} if final else {}
    views = []
    for criterion in rubric.criteria:
        rows = history.get(criterion.id, [])
        needs = criterion.needs_review or bool(autos.get(criterion.id)
                                                and autos[criterion.id].needs_review)
        views.append(CriterionView(
            criterion, autos.get(criterion.id), finals.get(criterion.id),
            rows[-1] if rows else None, rows, hidden=blind and needs and not rows,
        ))
    views.sort(key=lambda v: (not (v.criterion.needs_review or (v.auto and v.auto.needs_review)),))
    return views


def attempt_review(user: Any, attempt_id: int, blind: bool = False) -> AttemptReview:
    """Return the transcript review of one attempt."""
    attempt = visible_attempt(user, attempt_id)
    events = list(db.session.scalars(
        sa.select(AttemptEvent).where(AttemptEvent.attempt_id == attempt.id)
        .order_by(AttemptEvent.index)
    ))
    auto_row = _auto_score(attempt.id)
    rubric = _rubric(attempt)
    history = _history(attempt.id)
    auto = report_from_dict(auto_row.report) if auto_row else None
    final = None
    if auto_row is not None:
        final = results.final_report(attempt, auto_row, {k: v[-1] for k, v in history.items()})
    criteria = _criterion_views(rubric, auto, final, history, blind) if rubric else []
    turn_criteria: dict[int, list[str]] = defaultdict(list)
    for view in criteria:
        if view.auto and not view.hidden:
            for index in view.auto.evidence:
                turn_criteria[index].append(view.criterion.id)
    levels = {c.id: [(lv.id, lv.label, lv.points) for lv in c.levels]
              for c in (rubric.criteria if rubric else ())}
    scenario = _scenario(attempt)
    return AttemptReview(
        attempt=attempt, invitation=attempt.invitation,
        scenario_title=scenario.title if scenario else attempt.scenario_id,
        step_kinds={s.id: s.kind for s in scenario.steps} if scenario else {},
        persona=scenario.persona.name if scenario else "Caller",
        events=events, auto=auto, final=final,
        criteria=criteria, turn_criteria=dict(turn_criteria),
        signals=list(db.session.scalars(sa.select(IntegritySignal).where(
            IntegritySignal.attempt_id == attempt.id).order_by(IntegritySignal.at))),
        notes=list(db.session.scalars(sa.select(ReviewNote).where(
            ReviewNote.attempt_id == attempt.id).order_by(ReviewNote.id))),
        blind=blind, levels=levels,
    )


def _scenario(attempt: Attempt) -> Any:
    """Return the scenario snapshot the attempt ran against (None when unavailable)."""
    try:
        return library.scenario_for_hash(attempt.scenario_hash)
    except (KeyError, LookupError, NotFound):
        return None


def _clean(text: str | None, label: str, low: int, high: int, name: str) -> str:
    """Return stripped text of an acceptable length or raise InvalidInput."""
    value = (text or "").strip()
    if len(value) < low:
        raise InvalidInput(f"{label} is required (at least {low} characters).", name)
    if len(value) > high:
        raise InvalidInput(f"{label} must be at most {high} characters.", name)
    return value


def save_override(user: Any, attempt_id: int, criterion_id: str, level_id: str,
                  reason: str, now: datetime, blind: bool = False) -> HumanScore:
    """Record a human level for a criterion (new row + audit entry) and refresh results."""
    attempt = visible_attempt(user, attempt_id)
    reason = _clean(reason, "A reason", MIN_REASON, MAX_REASON, "reason")
    auto_row = _auto_score(attempt.id)
    rubric = _rubric(attempt)
    if auto_row is None or rubric is None:
        raise Conflict("This attempt has not been scored yet.")
    criterion = next((c for c in rubric.criteria if c.id == criterion_id), None)
    if criterion is None:
        raise NotFound("No such criterion.")
    if not criterion.levels:
        raise InvalidInput("This criterion is feedback-only and has no levels.", "level")
    try:
        level = criterion.levels[level_index(criterion, level_id)]
    except OverrideError as error:
        raise InvalidInput("Choose one of the criterion's levels.", "level") from error
    before = _current_level(attempt.id, auto_row, criterion_id)
    score = HumanScore(attempt_id=attempt.id, criterion_id=criterion.id, level_id=level.id,
                       points=level.points, reason=reason, author_id=user.id,
                       created_at=now, blind=blind)
    db.session.add(score)
    db.session.flush()
    audit(user.id, "override", "attempt", attempt.id, {
        "criterion": criterion.id, "from": before, "to": level.id, "points": level.points,
        "reason": reason, "blind": blind, "human_score_id": score.id,
    }, now)
    db.session.commit()
    _refresh(attempt.invitation_id, now)
    return score


def _current_level(attempt_id: int, auto_row: AutoScore, criterion_id: str) -> str:
    """Return the level that applies now (latest human level, else the automatic one)."""
    latest = db.session.scalar(
        sa.select(HumanScore.level_id).where(
            HumanScore.attempt_id == attempt_id, HumanScore.criterion_id == criterion_id
        ).order_by(HumanScore.id.desc()).limit(1)
    )
    if latest:
        return latest
    for row in auto_row.report.get("criteria", ()):
        if row.get("id") == criterion_id:
            return str(row.get("level", ""))
    return ""


def _refresh(invitation_id: int | None, now: datetime) -> None:
    """Rebuild and commit the invitation's results row, after the review record is saved."""
    if invitation_id is not None:
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is not None:
            results._rebuild(invitation, now)
            results_query._commit()


def add_note(user: Any, text: str, now: datetime, invitation_id: int | None = None,
             attempt_id: int | None = None) -> ReviewNote:
    """Add a note to an invitation or an attempt (exactly one) and audit it."""
    if (invitation_id is None) == (attempt_id is None):
        raise InvalidInput("A note belongs to one candidate or one attempt.")
    if attempt_id is not None:
        visible_attempt(user, attempt_id)
    else:
        visible_invitation(user, int(invitation_id or 0))
    text = _clean(text, "The note", 1, MAX_NOTE, "text")
    note = ReviewNote(invitation_id=invitation_id, attempt_id=attempt_id, author_id=user.id,
                      text=text, created_at=now)
    db.session.add(note)
    db.session.flush()
    object_type, object_id = (("attempt", attempt_id) if attempt_id is not None
                              else ("invitation", invitation_id))
    audit(user.id, "note", str(object_type), int(object_id or 0), {"note_id": note.id}, now)
    db.session.commit()
    return note


def record_decision(user: Any, invitation_id: int, decision: str, note: str,
                    now: datetime) -> Decision:
    """Record advance|hold|reject for a candidate (latest applies) and audit it."""
    invitation = visible_invitation(user, invitation_id)
    if decision not in DECISIONS:
        raise InvalidInput("Choose advance, hold or reject.", "decision")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"The note must be at most {MAX_NOTE} characters.", "note")
    row = Decision(invitation_id=invitation.id, decision=decision, note=note,
                   author_id=user.id, created_at=now)
    db.session.add(row)
    db.session.flush()
    audit(user.id, "decision", "invitation", invitation.id,
          {"decision": decision, "decision_id": row.id}, now)
    db.session.commit()
    _refresh(invitation.id, now)
    return row


def audit_trail(object_type: str, object_ids: list[int]) -> list[AuditLog]:
    """Return the audit entries of some objects, newest first."""
    if not object_ids:
        return []
    return list(db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == object_type,
                                  AuditLog.object_id.in_(object_ids))
        .order_by(AuditLog.id.desc())
    ))


def compare(user: Any, invitation_ids: list[int], now: datetime) -> list[InvitationSummary]:
    """Return the summaries of 2-5 visible candidates, in the order asked."""
    unique = list(dict.fromkeys(invitation_ids))
    if not MIN_COMPARE <= len(unique) <= MAX_COMPARE:
        raise InvalidInput(f"Choose {MIN_COMPARE} to {MAX_COMPARE} candidates to compare.")
    out = []
    for invitation_id in unique:
        invitation = visible_invitation(user, invitation_id)
        out.append(results._rebuild(invitation, now))
    results_query._commit()
    return out


@dataclass(frozen=True)
class QualityRow:
    """Agreement between automatic and human levels for one criterion."""

    rubric_id: str
    criterion_id: str
    label: str
    figures: Agreement


def scoring_quality(user: Any) -> tuple[list[QualityRow], Agreement]:
    """Return agreement per criterion and overall over every human-rated criterion."""
    if user.role != "admin":
        raise Forbidden()
    latest: dict[tuple[int, str], HumanScore] = {}
    for row in db.session.scalars(sa.select(HumanScore).order_by(HumanScore.id)):
        latest[(row.attempt_id, row.criterion_id)] = row
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    labels: dict[tuple[str, str], str] = {}
    for attempt_id in sorted({a for a, _ in latest}):
        _collect_pairs(attempt_id, latest, pairs, labels)
    rows = [QualityRow(rid, cid, labels[(rid, cid)], agreement(values))
            for (rid, cid), values in sorted(pairs.items())]
    overall = agreement([pair for values in pairs.values() for pair in values])
    return rows, overall


def _collect_pairs(attempt_id: int, latest: dict[tuple[int, str], HumanScore],
                   pairs: dict[tuple[str, str], list[tuple[int, int]]],
                   labels: dict[tuple[str, str], str]) -> None:
    """Add the (auto, human) level positions of one attempt's rated criteria."""
    attempt = db.session.get(Attempt, attempt_id)
    auto_row = _auto_score(attempt_id)
    rubric = _rubric(attempt) if attempt else None
    if auto_row is None or rubric is None:
        return
    autos = {c["id"]: c.get("level", "") for c in auto_row.report.get("criteria", ())}
    for criterion in rubric.criteria:
        human = latest.get((attempt_id, criterion.id))
        if human is None or criterion.id not in autos or not criterion.levels:
            continue
        try:
            pair = (level_index(criterion, autos[criterion.id]),
                    level_index(criterion, human.level_id))
        except OverrideError:
            continue
        pairs[(rubric.id, criterion.id)].append(pair)
        labels[(rubric.id, criterion.id)] = criterion.label


def decisions_for(invitation_id: int) -> list[Decision]:
    """Return the decisions on an invitation, newest first."""
    return list(db.session.scalars(
        sa.select(Decision).where(Decision.invitation_id == invitation_id)
        .order_by(Decision.id.desc())))


def notes_for(invitation_id: int) -> list[ReviewNote]:
    """Return the notes on an invitation, oldest first."""
    return list(db.session.scalars(
        sa.select(ReviewNote).where(ReviewNote.invitation_id == invitation_id)
        .order_by(ReviewNote.id)))


def author_names(ids: set[int]) -> dict[int, str]:
    """Return {user id: name} for some users."""
    from simulator.store.models import User

    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def competency_names() -> dict[str, str]:
    """Return {competency id: name} from the framework."""
    return {c.id: c.name for c in library.catalog().framework.competencies}
