"""Review: human scores, decisions, notes, audit log, invitation summaries.

Revision ID: 0002_review
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_review"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def _when() -> sa.DateTime:
    """Return the timestamp column type (timezone-aware)."""
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the review tables and their indexes."""
    op.create_table(
        "human_score",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey(
            "attempt.id", name="fk_human_score_attempt_id_attempt"), nullable=False),
        sa.Column("criterion_id", sa.String(120), nullable=False),
        sa.Column("level_id", sa.String(120), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey(
            "user.id", name="fk_human_score_author_id_user"), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_human_score"),
    )
    op.create_index("ix_human_score_attempt_criterion", "human_score",
                    ["attempt_id", "criterion_id", "id"])
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invitation_id", sa.Integer(), sa.ForeignKey(
            "invitation.id", name="fk_decision_invitation_id_invitation"), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey(
            "user.id", name="fk_decision_author_id_user"), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decision"),
    )
    op.create_index("ix_decision_invitation_id", "decision", ["invitation_id"])
    op.create_table(
        "review_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invitation_id", sa.Integer(), sa.ForeignKey(
            "invitation.id", name="fk_review_note_invitation_id_invitation"), nullable=True),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey(
            "attempt.id", name="fk_review_note_attempt_id_attempt"), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey(
            "user.id", name="fk_review_note_author_id_user"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_note"),
    )
    op.create_index("ix_review_note_invitation_id", "review_note", ["invitation_id"])
    op.create_index("ix_review_note_attempt_id", "review_note", ["attempt_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey(
            "user.id", name="fk_audit_log_actor_id_user"), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"])
    _create_summary()


def _create_summary() -> None:
    """Create the denormalised results table and its sort/filter indexes."""
    op.create_table(
        "invitation_summary",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invitation_id", sa.Integer(), sa.ForeignKey(
            "invitation.id", name="fk_invitation_summary_invitation_id_invitation"),
            nullable=False),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey(
            "assessment.id", name="fk_invitation_summary_assessment_id_assessment"),
            nullable=False),
        sa.Column("candidate_name", sa.String(120), nullable=False),
        sa.Column("sort_name", sa.String(120), nullable=False),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("flag_count", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("base_status", sa.String(20), nullable=False),
        sa.Column("expires_at", _when(), nullable=False),
        sa.Column("signal_count", sa.Integer(), nullable=False),
        sa.Column("override_count", sa.Integer(), nullable=False),
        sa.Column("attempts_scored", sa.Integer(), nullable=False),
        sa.Column("needs_review", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("finished_at", _when(), nullable=True),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invitation_summary"),
        sa.UniqueConstraint("invitation_id", name="uq_invitation_summary_invitation_id"),
    )
    for name, columns in (
        ("ix_invitation_summary_overall", ["assessment_id", "overall"]),
        ("ix_invitation_summary_verdict", ["assessment_id", "verdict", "overall"]),
        ("ix_invitation_summary_name", ["assessment_id", "sort_name"]),
        ("ix_invitation_summary_flagged", ["assessment_id", "flagged", "overall"]),
        ("ix_invitation_summary_status", ["assessment_id", "base_status", "overall"]),
        ("ix_invitation_summary_expiry", ["assessment_id", "base_status", "expires_at"]),
        ("ix_invitation_summary_signals", ["assessment_id", "signal_count"]),
        ("ix_invitation_summary_finished", ["assessment_id", "finished_at"]),
    ):
        op.create_index(name, "invitation_summary", columns)


def downgrade() -> None:
    """Drop the review tables."""
    for name in ("invitation_summary", "audit_log", "review_note", "decision", "human_score"):
        op.drop_table(name)
