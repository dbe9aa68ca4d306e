"""The assessment flow: invitation link -> consent -> scenarios in order -> finished."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from simulator.services import assessments
from simulator.services.attempts import expire_if_due, refresh_summary, start_attempt
from simulator.services.errors import Forbidden, InvalidInput
from simulator.store.db import db
from simulator.store.models import Attempt, Invitation, User


def open_invitation(token: str, now: datetime) -> Invitation:
    """Return the usable invitation for a link token (InvitationError otherwise)."""
    invitation = assessments.invitation_for_token(token, now)
    return assessments.mark_opened(invitation, now)


def candidate_for(invitation: Invitation) -> User:
    """Return the invitation's candidate user, creating it on first open."""
    if invitation.candidate_user_id is not None:
        user = db.session.get(User, invitation.candidate_user_id)
        if user is not None:
            return user
    try:
        user = assessments.candidate_user(invitation)
    except InvalidInput as error:  # a staff e-mail: the link cannot sign anyone in
        raise Forbidden(str(error)) from error
    invitation.candidate_user_id = user.id
    db.session.commit()
    return user


def consent(invitation: Invitation, now: datetime) -> None:
    """Record that the candidate read what is recorded and chose to start."""
    assessments.mark_consented(invitation, now)
    refresh_summary(invitation.id, now)


def invitation_attempts(invitation: Invitation) -> dict[int, Attempt]:
    """Return the invitation's attempts by position (the latest per position)."""
    rows = db.session.execute(
        select(Attempt).where(Attempt.invitation_id == invitation.id).order_by(Attempt.id)
    ).scalars()
    return {attempt.position: attempt for attempt in rows}


def next_attempt(invitation: Invitation, user: User, now: datetime) -> Attempt | None:
    """Return the attempt to play now (resume or start the next); None when all are done."""
    if invitation.consented_at is None:
        raise Forbidden("Read the instructions and confirm before you start.")
    done = invitation_attempts(invitation)
    for position, scenario_id in enumerate(invitation.assessment.scenario_ids or []):
        attempt = done.get(position)
        if attempt is not None:
            expire_if_due(attempt, now)
        if attempt is None:
            return start_attempt(
                user, scenario_id, "assessment", invitation, now=now, position=position
            )
        if attempt.status == "in_progress":
            return attempt
    if invitation.finished_at is None:
        assessments.mark_finished(invitation, now)
        refresh_summary(invitation.id, now)
    return None
