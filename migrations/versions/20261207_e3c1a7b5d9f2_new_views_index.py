"""an index of the views no one has looked at yet, for the header's "waiting" figure

Revision ID: e3c1a7b5d9f2
Revises: 5e8a1c3b7d42
Create Date: 2026-12-07 12:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "e3c1a7b5d9f2"
down_revision = "5e8a1c3b7d42"
branch_labels = None
depends_on = None

NEW_VIEW = sa.text("withdrawn_at IS NULL AND review_status = 'new'")


def upgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_new_views",
            ["community_id"],
            unique=False,
            postgresql_where=NEW_VIEW,
            sqlite_where=NEW_VIEW,
        )


def downgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_new_views")
