"""Play a scenario: start an attempt, submit turns, resume.

An attempt's whole session state lives in its row (``Attempt.state``), so one turn is
one SELECT of the attempt, one bulk INSERT of the engine's events and one UPDATE of
the attempt, all in a single transaction. The transcript (``AttemptEvent``) is
append-only; the UniqueConstraint on ``(attempt_id, index)`` makes two racing turns on
the same attempt collide so only the first applies.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from simulator.domain import engine, scoring
from simulator.domain.session import Action, Event, SessionState
from simulator.services import library, results
from simulator.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from simulator.store.db import db
from simulator.store.models import (
    Assessment,
    Attempt,
    AttemptEvent,
    AutoScore,
    Invitation,
    User,
)

log = logging.getLogger(__name__)

MODES = ("assessment", "practice")
#: event fields a player (candidate or trainee) may see; never data/tags/rule ids
PUBLIC_EVENT_KEYS = ("type", "actor", "text", "step")
#: one UPDATE per turn, built once (statement construction is measurable per request)
SAVE_STATE = (
    update(Attempt.__table__)
    .where(Attempt.__table__.c.id == bindparam("attempt_id"))
    .values(state=bindparam("new_state"))
)
INSERT_EVENTS = insert(AttemptEvent.__table__)
STALE_MESSAGE = "This turn was already answered. The page has been refreshed."
CLOSED_MESSAGE = "This scenario has already ended."


class StaleTurn(Conflict):
    """The turn was already answered (another tab, a double click, a race)."""


class TurnRefused(InvalidInput):
    """The engine refused the action (wrong shape, session over); nothing changed."""

    status_code = 422

    def __init__(self, message: str) -> None:
        """Keep the engine's readable reason."""
        super().__init__(message)


@dataclass(frozen=True)
class Play:
    """What a player sees after a turn or on resume."""

    attempt: Attempt
    events: tuple[dict[str, Any], ...]
    view: dict[str, Any]
    ended: bool

    def to_json(self) -> dict[str, Any]:
        """Return the turn endpoint's JSON body."""
        return {"events": list(self.events), "view": self.view, "ended": self.ended}


def clock(now: datetime) -> float:
    """Return the engine clock (epoch seconds) for an aware datetime."""
    return now.timestamp()


def time_limit_seconds(
    scenario_maximum_minutes: int,
    assessment: Assessment | None,
    invitation: Invitation | None,
) -> int:
    """Return the seconds allowed: assessment limit or scenario maximum, plus extra time."""
    minutes = scenario_maximum_minutes
    if assessment is not None and assessment.time_limit_minutes:
        minutes = int(assessment.time_limit_minutes)
    if invitation is not None and invitation.extra_minutes:
        minutes += int(invitation.extra_minutes)
    return max(60, minutes * 60)


def start_attempt(
    user: User,
    scenario_id: str,
    mode: str,
    invitation: Invitation | None = None,
    *,
    now: datetime,
    position: int | None = None,
) -> Attempt:
    """Start ``scenario_id`` for ``user``; pin the scenario and rubric content hashes."""
    if mode not in MODES:
        raise InvalidInput(f"Unknown mode {mode!r}.")
    assessment, slot = _assessment_slot(invitation, scenario_id)
    position = slot if position is None else position
    scenario = library.catalog().scenarios.get(scenario_id)
    rubric = library.catalog().rubrics.get(scenario_id)
    if scenario is None or rubric is None:
        raise NotFound(f"No scenario {scenario_id!r} in the library.")
    scenario_hash, rubric_hash = _pin(scenario, rubric)
    limit = time_limit_seconds(scenario.maximum_minutes, assessment, invitation)
    result = engine.start(scenario, clock(now))
    state = dataclasses.replace(result.state, time_limit=float(limit))
    attempt = Attempt(
        user_id=user.id,
        invitation_id=invitation.id if invitation is not None else None,
        assessment_id=assessment.id if assessment is not None else None,
        mode=mode,
        position=position,
        scenario_id=scenario_id,
        scenario_hash=scenario_hash,
        rubric_hash=rubric_hash,
        state=state.to_dict(),
        status="in_progress",
        started_at=now,
        time_limit_seconds=limit,
    )
    invitation_id = attempt.invitation_id
    try:
        db.session.add(attempt)
        db.session.flush()
        _insert_events(attempt.id, result.events, now)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        twin = _part_attempt(invitation_id, position)
        if twin is None:
            raise
        return twin
    return attempt


def _part_attempt(invitation_id: int | None, position: int) -> Attempt | None:
    """Return the attempt a racing request created for this assessment part, if any."""
    if invitation_id is None:
        return None
    return db.session.execute(
        select(Attempt).where(Attempt.invitation_id == invitation_id,
                              Attempt.position == position)
    ).scalar_one_or_none()


def _pin(scenario: Any, rubric: Any) -> tuple[str, str]:
    """Snapshot the scenario and rubric text by hash and commit (a racing twin wins)."""
    for attempt_no in range(3):
        try:
            hashes = library.snapshot_scenario(scenario), library.snapshot_rubric(rubric)
            db.session.commit()
            return hashes
        except IntegrityError:
            db.session.rollback()
            if attempt_no == 2:
                raise
    raise AssertionError("unreachable")


def _assessment_slot(
    invitation: Invitation | None, scenario_id: str
) -> tuple[Assessment | None, int]:
    """Return the invitation's assessment and the scenario's position in it."""
    if invitation is None:
        return None, 0
    assessment = db.session.get(Assessment, invitation.assessment_id)
    if assessment is None or scenario_id not in list(assessment.scenario_ids or []):
        raise InvalidInput("That scenario is not part of this assessment.")
    return assessment, list(assessment.scenario_ids).index(scenario_id)


def _insert_events(attempt_id: int, events: Sequence[Event], now: datetime) -> None:
    """Bulk-insert the engine's events for one attempt (no ORM objects)."""
    if not events:
        return
    rows = [
        {
            "attempt_id": attempt_id,
            "index": event.index,
            "at": float(event.at),
            "type": event.type,
            "actor": event.actor,
            "step": event.step,
            "text": event.text,
            "data": dict(event.data),
            "created_at": now,
        }
        for event in events
    ]
    db.session.connection().execute(INSERT_EVENTS, rows)


def _columns(model: Any) -> list[tuple[str, Any]]:
    """Return (attribute key, column) of each column attribute of ``model``."""
    return [(prop.key, prop.columns[0]) for prop in sa_inspect(model).column_attrs]


_USER_COLUMNS = _columns(User)
_ATTEMPT_COLUMNS = _columns(Attempt)
#: the play endpoints' one query: the signed-in user and (only if theirs) the attempt
USER_AND_ATTEMPT = (
    select(*(col for _, col in _USER_COLUMNS), *(col for _, col in _ATTEMPT_COLUMNS))
    .select_from(User.__table__.outerjoin(
        Attempt.__table__,
        (Attempt.__table__.c.id == bindparam("attempt_id"))
        & (Attempt.__table__.c.user_id == User.__table__.c.id),
    ))
    .where(User.__table__.c.id == bindparam("user_id"))
)


def _attach(model: Any, keys: Sequence[str], values: Sequence[Any]) -> Any:
    """Return a session-attached instance built from one Core row (no ORM query)."""
    mapper = sa_inspect(model)
    known = db.session.identity_map.get(mapper.identity_key_from_primary_key([values[0]]))
    if known is not None:
        return known
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(zip(keys, values, strict=True))
    make_transient_to_detached(instance)
    db.session.add(instance)
    return instance


def user_and_attempt(user_id: int, attempt_id: int) -> tuple[User | None, Attempt | None]:
    """Return the user and their attempt in ONE Core query (None for others' attempts)."""
    row = db.session.connection().execute(
        USER_AND_ATTEMPT, {"user_id": user_id, "attempt_id": attempt_id}
    ).one_or_none()
    if row is None:
        return None, None
    split = len(_USER_COLUMNS)
    user = _attach(User, [key for key, _ in _USER_COLUMNS], row[:split])
    if row[split] is None:
        return user, None
    attempt = _attach(Attempt, [key for key, _ in _ATTEMPT_COLUMNS], row[split:])
    return user, attempt


def get_attempt(user: User, attempt_id: int) -> Attempt:
    """Return the user's attempt, or raise NotFound (also for other users' attempts)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("No such attempt.")
    return attempt


def submit_action(
    attempt: Attempt,
    action: Action,
    now: datetime,
    expected_index: int | None = None,
) -> Play:
    """Apply one action; append its events and the new state in ONE transaction."""
    state = SessionState.from_dict(attempt.state)
    if expected_index is not None and expected_index != state.event_count:
        raise StaleTurn(STALE_MESSAGE)
    if attempt.status != "in_progress" or state.ended:
        raise TurnRefused(CLOSED_MESSAGE)
    if action.type == "hint" and attempt.mode != "practice":
        raise TurnRefused("Hints are not available in an assessment.")
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    result = engine.submit(scenario, state, action, clock(now))
    if result.error:
        raise TurnRefused(result.error)
    return _apply(attempt, state, result.state, result.events, now)


def _apply(
    attempt: Attempt,
    before: SessionState,
    after: SessionState,
    events: Sequence[Event],
    now: datetime,
) -> Play:
    """Store events + state (+ score when the session ended) and commit once.

    Core INSERT/UPDATE statements skip the ORM unit of work, and nothing of the
    (commit-expired) attempt is read afterwards, so a turn costs no extra SELECT.
    """
    attempt_id, mode, scenario_hash = attempt.id, attempt.mode, attempt.scenario_hash
    state = after.to_dict()
    try:
        _insert_events(attempt_id, events, now)
        db.session.connection().execute(SAVE_STATE, {"attempt_id": attempt_id, "new_state": state})
        if after.ended:
            _finish(attempt, after, now)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise StaleTurn(STALE_MESSAGE) from exc
    except OperationalError:
        # SQLite refuses a write whose snapshot another writer has moved past
        db.session.rollback()
        db.session.refresh(attempt)
        if int(attempt.state.get("event_count", -1)) != before.event_count:
            raise StaleTurn(STALE_MESSAGE) from None
        raise
    set_committed_value(attempt, "state", state)
    if after.ended and mode == "assessment":
        refresh_summary(attempt.invitation_id, now)
    scenario = library.scenario_for_hash(scenario_hash)
    view = public_view(mode, scenario, after, now)
    return Play(attempt=attempt, events=public_events(events, mode), view=view,
                ended=after.ended)


def refresh_summary(invitation_id: int | None, now: datetime) -> None:
    """Update the reviewers' cached invitation summary; never fail the candidate's turn."""
    try:
        results.refresh_invitation_summary(invitation_id, now)
    except Exception:  # the results page rebuilds stale summaries anyway
        db.session.rollback()
        log.exception("could not refresh the summary of invitation %s", invitation_id)


def _finish(attempt: Attempt, state: SessionState, now: datetime) -> None:
    """Score the stored transcript against the pinned rubric and close the attempt."""
    db.session.flush()
    report = score_attempt(attempt)
    attempt.status = _status_for(state.result)
    attempt.finished_at = now
    db.session.add(
        AutoScore(
            attempt_id=attempt.id,
            total=float(report.total),
            passed=bool(report.passed),
            competencies=dict(report.competencies),
            flags=[flag.id for flag in report.flags],
            report=report.to_dict(),
            created_at=now,
        )
    )


def _status_for(result: str) -> str:
    """Map the engine's end result onto an attempt status."""
    if result == "timed_out":
        return "timed_out"
    if result == "left":
        return "abandoned"
    return "finished"


def stored_events(attempt_id: int) -> list[Event]:
    """Return the attempt's transcript in index order."""
    rows = db.session.execute(
        select(AttemptEvent)
        .where(AttemptEvent.attempt_id == attempt_id)
        .order_by(AttemptEvent.index)
    ).scalars()
    return [
        Event(
            index=row.index,
            at=row.at,
            type=row.type,
            actor=row.actor,
            step=row.step,
            text=row.text or "",
            data=dict(row.data or {}),
        )
        for row in rows
    ]


def score_attempt(attempt: Attempt) -> Any:
    """Return the ScoreReport of the stored transcript against the pinned rubric."""
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    rubric = library.rubric_for_hash(attempt.rubric_hash)
    return scoring.score(stored_events(attempt.id), scenario, rubric)


def expire_if_due(attempt: Attempt, now: datetime) -> bool:
    """Close an in-progress attempt whose time is up; return True if it was closed."""
    if attempt.status != "in_progress":
        return False
    state = SessionState.from_dict(attempt.state)
    if state.ended or clock(now) < state.started_at + state.time_limit:
        return False
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    result = engine.expire(scenario, state, clock(now))
    if result.error or not result.state.ended:
        return False
    try:
        _apply(attempt, state, result.state, result.events, now)
    except StaleTurn:
        db.session.refresh(attempt)
    return True


def resume(attempt: Attempt, now: datetime) -> Play:
    """Rebuild what the player sees from the stored state and transcript."""
    expire_if_due(attempt, now)
    state = SessionState.from_dict(attempt.state)
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    view = public_view(attempt.mode, scenario, state, now)
    shown = public_events(stored_events(attempt.id), attempt.mode)
    return Play(attempt=attempt, events=shown, view=view, ended=state.ended)


def public_view(mode: str, scenario: Any, state: SessionState, now: datetime) -> dict[str, Any]:
    """Return the engine's public view, without hints in an assessment."""
    view = dict(engine.public_view(scenario, state, clock(now)))
    view["event_count"] = state.event_count
    view["mode"] = mode
    if mode != "practice":
        view["hints"] = []
    return view


def public_events(events: Iterable[Event], mode: str) -> tuple[dict[str, Any], ...]:
    """Return only type/actor/text/step (+ who) of each event (no feedback in assessments)."""
    hidden = {"feedback", "hint"} if mode != "practice" else set()
    return tuple(_public_event(event) for event in events if event.type not in hidden)


#: A persona line written as `Richard: "..."` is spoken by someone other than the persona
#: (a call-back, a colleague); authoring.md documents the convention.
_SPEAKER_LINE = re.compile(r"^(?P<who>[A-Z][\w.' -]{0,40}): (?P<rest>[\"“(].*)$", re.DOTALL)


def _public_event(event: Event) -> dict[str, Any]:
    """Return the public fields of one event, splitting off a named speaker."""
    out = {key: getattr(event, key) for key in PUBLIC_EVENT_KEYS}
    out["who"] = ""
    if event.actor == "persona":
        found = _SPEAKER_LINE.match(event.text)
        if found:
            out["who"], out["text"] = found["who"], found["rest"]
    return out
