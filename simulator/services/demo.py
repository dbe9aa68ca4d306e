"""Demo data for a local try-out: three accounts, a demo assessment and one invitation.

Only for the embedded default database: refused when DATABASE_URL is set or when
FLASK_ENV / SIMULATOR_ENV says production. Idempotent: running it again keeps the
accounts (passwords are printed only when created or when SIMULATOR_DEMO_PASSWORD is set).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from simulator.services import accounts, assessments
from simulator.services.errors import ServiceError
from simulator.store.db import db
from simulator.store.models import Assessment, Invitation, User

DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin@demo.local", "Ada Admin", "admin"),
    ("interviewer@demo.local", "Ian Interviewer", "interviewer"),
    ("trainee@demo.local", "Tess Trainee", "trainee"),
)
DEMO_ASSESSMENT_TITLE = "Demo: entry-level help desk assessment"
DEMO_CANDIDATE = ("Casey Candidate", "casey.candidate@demo.local")
PASSWORD_ENV = "SIMULATOR_DEMO_PASSWORD"


class DemoRefused(RuntimeError):
    """Seeding demo data is not allowed in this environment."""


@dataclass
class DemoResult:
    """What the seeding did; passwords and token are shown once on the console."""

    passwords: dict[str, str | None] = field(default_factory=dict)
    assessment_id: int | None = None
    invitation_token: str | None = None
    notes: list[str] = field(default_factory=list)


def refusal_reason(environ: Mapping[str, str] | None = None) -> str | None:
    """Return why demo data may not be seeded here, or None when it may."""
    env = os.environ if environ is None else environ
    if env.get("DATABASE_URL"):
        return "DATABASE_URL is set: demo data is only seeded into the embedded SQLite database."
    for name in ("FLASK_ENV", "SIMULATOR_ENV"):
        if env.get(name, "").strip().lower() == "production":
            return f"{name}=production: demo data is never seeded in production."
    return None


def seed(catalog: Any, now: datetime, environ: Mapping[str, str] | None = None) -> DemoResult:
    """Create (or keep) the demo accounts, assessment and one invitation."""
    env = os.environ if environ is None else environ
    reason = refusal_reason(env)
    if reason:
        raise DemoRefused(reason)
    result = DemoResult()
    fixed = env.get(PASSWORD_ENV) or None
    users = {email: _ensure_user(email, name, role, fixed, result)
             for email, name, role in DEMO_ACCOUNTS}
    assessment = _ensure_assessment(users["interviewer@demo.local"], catalog, now, result)
    if assessment is not None:
        result.assessment_id = assessment.id
        result.invitation_token = _ensure_invitation(
            users["interviewer@demo.local"], assessment, now
        )
    return result


def _ensure_user(
    email: str, name: str, role: str, fixed: str | None, result: DemoResult
) -> User:
    """Create the demo user, or reset it to the fixed password when one is given."""
    user = accounts.find_by_email(email)
    if user is None:
        user, generated = accounts.create_user(name, email, role, fixed)
        result.passwords[email] = fixed or generated
        return user
    if fixed:
        accounts.reset_password(user.id, fixed)
        result.passwords[email] = fixed
    else:
        result.passwords[email] = None
    return user


def _demo_scenarios(catalog: Any) -> tuple[str | None, list[str]]:
    """Return (role profile id, scenario ids) usable for the demo assessment."""
    known = set(getattr(catalog, "scenarios", {}) or {})
    for profile in getattr(getattr(catalog, "framework", None), "roles", ()) or ():
        if profile.scenarios and all(s in known for s in profile.scenarios):
            return profile.id, list(profile.scenarios)
    return None, sorted(known)


def _ensure_assessment(
    interviewer: User, catalog: Any, now: datetime, result: DemoResult
) -> Assessment | None:
    """Return the demo assessment, creating it from the bundled scenarios if needed."""
    existing = db.session.scalar(
        sa.select(Assessment).where(Assessment.title == DEMO_ASSESSMENT_TITLE)
    )
    if existing is not None:
        return existing
    profile_id, scenario_ids = _demo_scenarios(catalog)
    if not scenario_ids:
        result.notes.append("No valid scenarios in the library: demo assessment not created.")
        return None
    return assessments.create_assessment(
        interviewer, DEMO_ASSESSMENT_TITLE, scenario_ids, opens_at=now - timedelta(minutes=1),
        closes_at=None, time_limit_minutes=None, role_profile_id=profile_id,
    )


def _ensure_invitation(interviewer: User, assessment: Assessment, now: datetime) -> str | None:
    """Return a fresh token for the demo invitation (re-issued on every run)."""
    name, email = DEMO_CANDIDATE
    invitation = db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.assessment_id == assessment.id, Invitation.candidate_email == email)
        .order_by(Invitation.id.desc())
    )
    try:
        if invitation is not None and invitation.consented_at is None:
            return assessments.resend(interviewer, invitation.id, now).token
        return assessments.invite(interviewer, assessment.id, name, email, now).token
    except ServiceError:
        return None


def format_result(result: DemoResult, base_url: str) -> list[str]:
    """Return the console lines announcing the demo accounts and link."""
    lines = ["Demo accounts (passwords are shown only now):"]
    for email, _name, role in DEMO_ACCOUNTS:
        password = result.passwords.get(email)
        shown = password if password else "(unchanged — use `simulator users reset-password`)"
        lines.append(f"  {role:<12} {email:<26} {shown}")
    if result.invitation_token:
        lines.append(f"Demo candidate link: {base_url.rstrip('/')}/i/{result.invitation_token}")
    lines.extend(result.notes)
    return lines
