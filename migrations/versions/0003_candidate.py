"""Candidate flow: one attempt per assessment part (invitation, position).

Revision ID: 0003_candidate
Revises: 0002_review
"""

from __future__ import annotations

from alembic import op

revision = "0003_candidate"
down_revision = "0002_review"
branch_labels = None
depends_on = None

INDEX = "ix_attempt_invitation_position"


def upgrade() -> None:
    """Add the unique (invitation_id, position) index; NULL invitations stay unrestricted."""
    with op.batch_alter_table("attempt") as batch:
        batch.create_index(INDEX, ["invitation_id", "position"], unique=True)


def downgrade() -> None:
    """Drop the unique index."""
    with op.batch_alter_table("attempt") as batch:
        batch.drop_index(INDEX)
