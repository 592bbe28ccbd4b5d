"""an index of the views no one has replied to, for My work's "overdue" figure

Revision ID: a8d4f2c6e1b3
Revises: e3c1a7b5d9f2
Create Date: 2026-12-07 11:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "a8d4f2c6e1b3"
down_revision = "e3c1a7b5d9f2"
branch_labels = None
depends_on = None

UNANSWERED = sa.text("withdrawn_at IS NULL AND first_response_at IS NULL")


def upgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_overdue",
            ["community_id", "submitted_at"],
            unique=False,
            postgresql_where=UNANSWERED,
            sqlite_where=UNANSWERED,
        )


def downgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_overdue")
