"""Review records: human scores, decisions, notes, the audit log and result summaries.

Human scores never mutate the automatic score: each override is a new row and the
latest per (attempt, criterion) applies; older rows stay for the audit trail.
``InvitationSummary`` is a denormalised row per invitation that keeps the results
page fast with 100,000 attempts; ``simulator.services.results`` maintains it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from simulator.store.db import UTCDateTime, db, utcnow

DECISIONS: tuple[str, ...] = ("advance", "hold", "reject")
VERDICTS: tuple[str, ...] = ("pass", "discuss", "below")


class HumanScore(db.Model):  # type: ignore[name-defined,misc]
    """A reviewer's level for one criterion of one attempt (blind = rated unseen)."""

    __tablename__ = "human_score"
    __table_args__ = (
        sa.Index("ix_human_score_attempt_criterion", "attempt_id", "criterion_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"))
    criterion_id: Mapped[str] = mapped_column(sa.String(120))
    level_id: Mapped[str] = mapped_column(sa.String(120))
    points: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    blind: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class Decision(db.Model):  # type: ignore[name-defined,misc]
    """A hiring decision on an invitation; the latest one applies."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitation.id"), index=True)
    decision: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewNote(db.Model):  # type: ignore[name-defined,misc]
    """A reviewer's free-text note on an invitation or an attempt."""

    __tablename__ = "review_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("invitation.id"), nullable=True, index=True
    )
    attempt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attempt.id"), nullable=True, index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditLog(db.Model):  # type: ignore[name-defined,misc]
    """An append-only record of who did what to which object."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int] = mapped_column(sa.Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InvitationSummary(db.Model):  # type: ignore[name-defined,misc]
    """Denormalised results row per invitation, with overrides and decision applied."""

    __tablename__ = "invitation_summary"
    __table_args__ = (
        sa.Index("ix_invitation_summary_overall", "assessment_id", "overall"),
        sa.Index("ix_invitation_summary_verdict", "assessment_id", "verdict", "overall"),
        sa.Index("ix_invitation_summary_name", "assessment_id", "sort_name"),
        sa.Index("ix_invitation_summary_flagged", "assessment_id", "flagged", "overall"),
        sa.Index("ix_invitation_summary_status", "assessment_id", "base_status", "overall"),
        sa.Index("ix_invitation_summary_expiry", "assessment_id", "base_status", "expires_at"),
        sa.Index("ix_invitation_summary_signals", "assessment_id", "signal_count"),
        sa.Index("ix_invitation_summary_finished", "assessment_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitation.id"), unique=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id"))
    candidate_name: Mapped[str] = mapped_column(sa.String(120))
    sort_name: Mapped[str] = mapped_column(sa.String(120))
    overall: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    verdict: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    competencies: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    flag_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    flagged: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    #: invited|started|finished|revoked; "invited" turns "expired" at ``expires_at``
    base_status: Mapped[str] = mapped_column(sa.String(20), default="invited")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signal_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    override_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    attempts_scored: Mapped[int] = mapped_column(sa.Integer, default=0)
    needs_review: Mapped[int] = mapped_column(sa.Integer, default=0)
    decision: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
