"""Initial schema: users, content snapshots, assessments, invitations, attempts,
transcript events, automatic scores and integrity signals.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_user"),
        sa.UniqueConstraint("email", name="uq_user_email"),
    )
    op.create_table(
        "content_snapshot",
        sa.Column("hash", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("content_id", sa.String(120), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("hash", name="pk_content_snapshot"),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("role_profile_id", sa.String(120), nullable=True),
        sa.Column("scenario_ids", sa.JSON(), nullable=False),
        sa.Column("time_limit_minutes", sa.Integer(), nullable=True),
        _ts("opens_at"),
        _ts("closes_at", nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name="fk_assessment_created_by_id_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessment"),
    )
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("candidate_name", sa.String(120), nullable=False),
        sa.Column("candidate_email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _ts("expires_at"),
        _ts("revoked_at", nullable=True),
        _ts("opened_at", nullable=True),
        _ts("consented_at", nullable=True),
        _ts("finished_at", nullable=True),
        sa.Column("extra_minutes", sa.Integer(), nullable=False),
        sa.Column("candidate_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name="fk_invitation_assessment_id_assessment"
        ),
        sa.ForeignKeyConstraint(
            ["candidate_user_id"], ["user.id"], name="fk_invitation_candidate_user_id_user"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name="fk_invitation_created_by_id_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invitation"),
        sa.UniqueConstraint("token_hash", name="uq_invitation_token_hash"),
    )
    op.create_index("ix_invitation_assessment_id", "invitation", ["assessment_id"])
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(120), nullable=False),
        sa.Column("scenario_hash", sa.String(80), nullable=False),
        sa.Column("rubric_hash", sa.String(80), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _ts("started_at"),
        _ts("finished_at", nullable=True),
        sa.Column("time_limit_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name="fk_attempt_assessment_id_assessment"
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["invitation.id"], name="fk_attempt_invitation_id_invitation"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_attempt_user_id_user"),
        sa.PrimaryKeyConstraint("id", name="pk_attempt"),
    )
    op.create_index("ix_attempt_assessment_status", "attempt", ["assessment_id", "status"])
    op.create_index("ix_attempt_user_mode", "attempt", ["user_id", "mode"])
    op.create_index("ix_attempt_invitation_id", "attempt", ["invitation_id"])
    op.create_table(
        "attempt_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(20), nullable=False),
        sa.Column("step", sa.String(120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"], name="fk_attempt_event_attempt_id_attempt"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attempt_event"),
        sa.UniqueConstraint("attempt_id", "index", name="uq_attempt_event_attempt_id"),
    )
    op.create_table(
        "auto_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"], name="fk_auto_score_attempt_id_attempt"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_auto_score"),
        sa.UniqueConstraint("attempt_id", name="uq_auto_score_attempt_id"),
    )
    op.create_table(
        "integrity_signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"], name="fk_integrity_signal_attempt_id_attempt"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_integrity_signal"),
    )
    op.create_index("ix_integrity_signal_attempt_id", "integrity_signal", ["attempt_id"])


def downgrade() -> None:
    op.drop_index("ix_integrity_signal_attempt_id", table_name="integrity_signal")
    op.drop_table("integrity_signal")
    op.drop_table("auto_score")
    op.drop_table("attempt_event")
    op.drop_index("ix_attempt_invitation_id", table_name="attempt")
    op.drop_index("ix_attempt_user_mode", table_name="attempt")
    op.drop_index("ix_attempt_assessment_status", table_name="attempt")
    op.drop_table("attempt")
    op.drop_index("ix_invitation_assessment_id", table_name="invitation")
    op.drop_table("invitation")
    op.drop_table("assessment")
    op.drop_table("content_snapshot")
    op.drop_table("user")
