"""Assessments and invitations: create, invite, revoke, resend, extra time, and the
token look-up the candidate side uses (/i/<token>)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from simulator.services.accounts import normalise_email
from simulator.services.errors import Conflict, InvalidInput, InvitationError, NotFound
from simulator.store.db import db
from simulator.store.models import Assessment, Invitation, User

DEFAULT_INVITATION_DAYS = 7
MAX_EXTRA_MINUTES = 24 * 60
MAX_TIME_LIMIT_MINUTES = 8 * 60
MAX_TITLE = 200
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


@dataclass(frozen=True)
class IssuedInvitation:
    """A freshly created (or re-sent) invitation and its one-time visible token."""

    invitation: Invitation
    token: str


def hash_token(token: str) -> str:
    """Return the sha256 hex digest stored instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """Return a fresh unguessable token (256 bits)."""
    return secrets.token_urlsafe(32)


def _is_staff_admin(user: User) -> bool:
    """Return True for admins, who may see every assessment."""
    return user.role == "admin"


def scenario_ids_for(catalog: Any, role_profile_id: str | None, custom: list[str]) -> list[str]:
    """Return the scenario ids of a role profile, or the custom set (validated)."""
    known = set(catalog.scenarios)
    if role_profile_id:
        profile = next((r for r in catalog.framework.roles if r.id == role_profile_id), None)
        if profile is None:
            raise InvalidInput("Choose a role profile from the list.", field="role_profile_id")
        ids = list(profile.scenarios)
    else:
        ids = list(dict.fromkeys(custom))
    if not ids:
        raise InvalidInput("Choose a role profile or at least one scenario.", field="scenario_ids")
    missing = [i for i in ids if i not in known]
    if missing:
        raise InvalidInput(
            "These scenarios are not in the library: " + ", ".join(missing) + ".",
            field="scenario_ids",
        )
    return ids


def create_assessment(
    creator: User, title: str, scenario_ids: list[str], opens_at: datetime,
    closes_at: datetime | None = None, time_limit_minutes: int | None = None,
    role_profile_id: str | None = None,
) -> Assessment:
    """Create an assessment; validates title, window and time limit."""
    title = title.strip()
    if not title:
        raise InvalidInput("Enter a title.", field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"Use at most {MAX_TITLE} characters.", field="title")
    if not scenario_ids:
        raise InvalidInput("Choose at least one scenario.", field="scenario_ids")
    if closes_at is not None and closes_at <= opens_at:
        raise InvalidInput("The window must close after it opens.", field="closes_at")
    if time_limit_minutes is not None and not 1 <= time_limit_minutes <= MAX_TIME_LIMIT_MINUTES:
        raise InvalidInput(
            f"Use 1 to {MAX_TIME_LIMIT_MINUTES} minutes, or leave it empty.",
            field="time_limit_minutes",
        )
    assessment = Assessment(
        title=title, role_profile_id=role_profile_id or None, scenario_ids=list(scenario_ids),
        time_limit_minutes=time_limit_minutes, opens_at=opens_at, closes_at=closes_at,
        created_by_id=creator.id,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def assessments_for(user: User) -> list[Assessment]:
    """Return the assessments ``user`` may see (admins: all), newest first."""
    query = sa.select(Assessment).order_by(Assessment.created_at.desc(), Assessment.id.desc())
    if not _is_staff_admin(user):
        query = query.where(Assessment.created_by_id == user.id)
    return list(db.session.scalars(query))


def get_assessment(user: User, assessment_id: int) -> Assessment:
    """Return the assessment if ``user`` owns it (or is admin); NotFound otherwise."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not (
        _is_staff_admin(user) or assessment.created_by_id == user.id
    ):
        raise NotFound("No such assessment.")
    return assessment


def set_window(
    user: User, assessment_id: int, opens_at: datetime, closes_at: datetime | None
) -> Assessment:
    """Change when the assessment is open (closing now = closes_at=now)."""
    assessment = get_assessment(user, assessment_id)
    if closes_at is not None and closes_at <= opens_at:
        raise InvalidInput("The window must close after it opens.", field="closes_at")
    assessment.opens_at = opens_at
    assessment.closes_at = closes_at
    db.session.commit()
    return assessment


def close_now(user: User, assessment_id: int, now: datetime) -> Assessment:
    """Close the assessment window at ``now``."""
    assessment = get_assessment(user, assessment_id)
    opens = min(assessment.opens_at, now - timedelta(seconds=1))
    return set_window(user, assessment_id, opens, now)


def reopen(user: User, assessment_id: int, now: datetime) -> Assessment:
    """Open the window from ``now`` with no closing time."""
    get_assessment(user, assessment_id)
    return set_window(user, assessment_id, now, None)


def _check_candidate(name: str, email: str) -> tuple[str, str]:
    """Validate and normalise a candidate's name and e-mail."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Enter the candidate's name.", field="candidate_name")
    if len(name) > 120:
        raise InvalidInput("Use at most 120 characters.", field="candidate_name")
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise InvalidInput("Enter a valid e-mail address.", field="candidate_email")
    staff = db.session.scalar(sa.select(User).where(User.email == email))
    if staff is not None and staff.role != "candidate":
        raise InvalidInput(
            "This e-mail belongs to a staff account; invite a candidate address.",
            field="candidate_email",
        )
    return name, email


def _check_extra(extra_minutes: int) -> int:
    """Validate per-candidate extra time in minutes."""
    if not 0 <= extra_minutes <= MAX_EXTRA_MINUTES:
        raise InvalidInput(f"Use 0 to {MAX_EXTRA_MINUTES} minutes.", field="extra_minutes")
    return extra_minutes


def invite(
    user: User, assessment_id: int, candidate_name: str, candidate_email: str, now: datetime,
    extra_minutes: int = 0, days: int = DEFAULT_INVITATION_DAYS,
) -> IssuedInvitation:
    """Create an invitation; the returned token is shown once and never stored."""
    assessment = get_assessment(user, assessment_id)
    name, email = _check_candidate(candidate_name, candidate_email)
    token = new_token()
    invitation = Invitation(
        assessment_id=assessment.id, candidate_name=name, candidate_email=email,
        token_hash=hash_token(token), expires_at=now + timedelta(days=days),
        extra_minutes=_check_extra(extra_minutes), created_by_id=user.id, created_at=now,
    )
    db.session.add(invitation)
    db.session.commit()
    return IssuedInvitation(invitation, token)


def get_invitation(user: User, invitation_id: int) -> Invitation:
    """Return the invitation if ``user`` may see its assessment; NotFound otherwise."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    get_assessment(user, invitation.assessment_id)
    return invitation


def revoke(user: User, invitation_id: int, now: datetime) -> Invitation:
    """Revoke an invitation so its link stops working."""
    invitation = get_invitation(user, invitation_id)
    if invitation.finished_at is not None:
        raise Conflict("This candidate has already finished; nothing to revoke.")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        db.session.commit()
    return invitation


def resend(
    user: User, invitation_id: int, now: datetime, days: int = DEFAULT_INVITATION_DAYS
) -> IssuedInvitation:
    """Issue a new token (the old link stops working) and a new expiry."""
    invitation = get_invitation(user, invitation_id)
    if invitation.finished_at is not None:
        raise Conflict("This candidate has already finished.")
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = now + timedelta(days=days)
    invitation.revoked_at = None
    db.session.commit()
    return IssuedInvitation(invitation, token)


def set_extra_time(user: User, invitation_id: int, extra_minutes: int) -> Invitation:
    """Set a candidate's accommodation (extra minutes per scenario)."""
    invitation = get_invitation(user, invitation_id)
    invitation.extra_minutes = _check_extra(extra_minutes)
    db.session.commit()
    return invitation


def invitation_for_token(token: str, now: datetime) -> Invitation:
    """Return the usable invitation for a link token, or raise InvitationError.

    The token is hashed and looked up by hash (the index compare is on the digest, so
    no timing leaks the token); reasons: unknown, revoked, used, expired, not_open, closed.
    """
    if not token or not TOKEN_RE.match(token):
        raise InvitationError("unknown", "This invitation link is not valid. Check you "
                              "copied the whole link, or ask for a new one.")
    digest = hash_token(token)
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == digest))
    if invitation is None or not secrets.compare_digest(invitation.token_hash, digest):
        raise InvitationError("unknown", "This invitation link is not valid. Check you "
                              "copied the whole link, or ask for a new one.")
    _check_usable(invitation, now)
    return invitation


def _check_usable(invitation: Invitation, now: datetime) -> None:
    """Raise InvitationError unless the invitation can be used at ``now``."""
    status = invitation.status_at(now)
    if status == "revoked":
        raise InvitationError("revoked", "This invitation was withdrawn. Contact the person "
                              "who invited you if you think this is a mistake.")
    if status == "finished":
        raise InvitationError("used", "You have already completed this assessment. "
                              "The link cannot be used again.")
    if status == "expired":
        raise InvitationError("expired", "This invitation has expired. Ask the person who "
                              "invited you for a new link.")
    assessment = invitation.assessment
    if now < assessment.opens_at:
        when = assessment.opens_at.strftime("%d %b %Y %H:%M UTC")
        raise InvitationError("not_open", f"This assessment opens on {when}.")
    if assessment.closes_at is not None and now >= assessment.closes_at:
        raise InvitationError("closed", "This assessment is closed.")


def mark_opened(invitation: Invitation, now: datetime) -> Invitation:
    """Record the first time the link was opened."""
    if invitation.opened_at is None:
        invitation.opened_at = now
        db.session.commit()
    return invitation


def mark_consented(invitation: Invitation, now: datetime) -> Invitation:
    """Record consent and attach a candidate user (created on first consent)."""
    _check_usable(invitation, now)
    if invitation.opened_at is None:
        invitation.opened_at = now
    if invitation.consented_at is None:
        invitation.consented_at = now
    if invitation.candidate_user_id is None:
        invitation.candidate_user_id = candidate_user(invitation).id
    db.session.commit()
    return invitation


def candidate_user(invitation: Invitation) -> User:
    """Return the candidate account for this invitation's e-mail (created if needed)."""
    user = db.session.scalar(sa.select(User).where(User.email == invitation.candidate_email))
    if user is None:
        user = User(name=invitation.candidate_name, email=invitation.candidate_email,
                    role="candidate", password_hash=None, is_active=True)
        db.session.add(user)
        db.session.flush()
    elif user.role != "candidate":
        raise InvalidInput("This invitation's e-mail belongs to a staff account.")
    return user


def mark_finished(invitation: Invitation, now: datetime) -> Invitation:
    """Record that the candidate finished (the link is used up)."""
    if invitation.revoked_at is not None:
        raise InvitationError("revoked", "This invitation was withdrawn.")
    if invitation.finished_at is None:
        invitation.finished_at = now
        db.session.commit()
    return invitation


def invitation_counts(assessment: Assessment, now: datetime) -> dict[str, int]:
    """Return how many invitations of the assessment are in each status."""
    counts = dict.fromkeys(("invited", "started", "finished", "expired", "revoked"), 0)
    for invitation in assessment.invitations:
        counts[invitation.status_at(now)] += 1
    return counts
