"""Typed SQLAlchemy models shared by every web area (see the web architecture brief)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from simulator.store.db import UTCDateTime, db, utcnow

ROLES: tuple[str, ...] = ("admin", "interviewer", "candidate", "trainee")
Role = Literal["admin", "interviewer", "candidate", "trainee"]
INVITATION_STATUSES: tuple[str, ...] = ("invited", "started", "finished", "expired", "revoked")
ATTEMPT_STATUSES: tuple[str, ...] = ("in_progress", "finished", "timed_out", "abandoned")
SIGNAL_KINDS: tuple[str, ...] = ("paste", "blur", "focus", "long_pause", "devtools")

JSONValue = Any


class User(db.Model):  # type: ignore[name-defined,misc]
    """A person who signs in (staff, trainee) or takes an invited assessment (candidate)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        """Return True: a loaded user is authenticated."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Return False: a loaded user is never anonymous."""
        return False

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session."""
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ContentSnapshot(db.Model):  # type: ignore[name-defined,misc]
    """The exact YAML an attempt ran against, keyed by its content hash."""

    __tablename__ = "content_snapshot"

    hash: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    content_id: Mapped[str] = mapped_column(sa.String(120))
    source_text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assessment(db.Model):  # type: ignore[name-defined,misc]
    """A set of scenarios an interviewer sends to candidates."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    role_profile_id: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    scenario_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    time_limit_minutes: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="assessment", order_by="Invitation.id"
    )

    def is_open(self, now: datetime) -> bool:
        """Return True when candidates may take the assessment at ``now``."""
        if now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    """A single-use, expiring, revocable link inviting one candidate to one assessment."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id"), index=True)
    candidate_name: Mapped[str] = mapped_column(sa.String(120))
    candidate_email: Mapped[str] = mapped_column(sa.String(254))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    extra_minutes: Mapped[int] = mapped_column(sa.Integer, default=0)
    candidate_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id"), nullable=True
    )
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="invitations")
    candidate_user: Mapped[User | None] = relationship(foreign_keys=[candidate_user_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    def status_at(self, now: datetime) -> str:
        """Return invited|started|finished|expired|revoked as seen at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.finished_at is not None:
            return "finished"
        if self.consented_at is not None:
            return "started"
        if now >= self.expires_at:
            return "expired"
        return "invited"

    @property
    def status(self) -> str:
        """Return the status now (see ``status_at``)."""
        return self.status_at(utcnow())


class Attempt(db.Model):  # type: ignore[name-defined,misc]
    """One run of one scenario by one user (assessment or practice)."""

    __tablename__ = "attempt"
    __table_args__ = (
        sa.Index("ix_attempt_assessment_status", "assessment_id", "status"),
        sa.Index("ix_attempt_user_mode", "user_id", "mode"),
        # one attempt per assessment part; practice rows (NULL invitation) are unaffected
        sa.Index("ix_attempt_invitation_position", "invitation_id", "position", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("invitation.id"), nullable=True, index=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment.id"), nullable=True
    )
    mode: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    scenario_id: Mapped[str] = mapped_column(sa.String(120))
    scenario_hash: Mapped[str] = mapped_column(sa.String(80))
    rubric_hash: Mapped[str] = mapped_column(sa.String(80))
    state: Mapped[dict[str, JSONValue]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(20), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    time_limit_seconds: Mapped[int] = mapped_column(sa.Integer)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invitation: Mapped[Invitation | None] = relationship()
    assessment: Mapped[Assessment | None] = relationship()
    events: Mapped[list[AttemptEvent]] = relationship(
        back_populates="attempt", order_by="AttemptEvent.index"
    )
    auto_score: Mapped[AutoScore | None] = relationship(back_populates="attempt")


class AttemptEvent(db.Model):  # type: ignore[name-defined,misc]
    """One append-only transcript entry (never updated or deleted)."""

    __tablename__ = "attempt_event"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"))
    index: Mapped[int] = mapped_column(sa.Integer)
    at: Mapped[float] = mapped_column(sa.Float)
    type: Mapped[str] = mapped_column(sa.String(20))
    actor: Mapped[str] = mapped_column(sa.String(20))
    step: Mapped[str] = mapped_column(sa.String(120))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict[str, JSONValue]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="events")


class AutoScore(db.Model):  # type: ignore[name-defined,misc]
    """The automatic score of a finished attempt (human overrides live elsewhere)."""

    __tablename__ = "auto_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), unique=True)
    total: Mapped[float] = mapped_column(sa.Float)
    passed: Mapped[bool] = mapped_column(sa.Boolean)
    competencies: Mapped[dict[str, JSONValue]] = mapped_column(sa.JSON, default=dict)
    flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    report: Mapped[dict[str, JSONValue]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="auto_score")


class IntegritySignal(db.Model):  # type: ignore[name-defined,misc]
    """A browser signal (paste, blur, ...) recorded during an attempt, for reviewers."""

    __tablename__ = "integrity_signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    at: Mapped[float] = mapped_column(sa.Float)
    detail: Mapped[dict[str, JSONValue]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
