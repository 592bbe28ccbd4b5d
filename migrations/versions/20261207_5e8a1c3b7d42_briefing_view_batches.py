"""a ledger of the batches of briefing views moved from Redis, so a batch retried after a
worker stopped is counted once

Revision ID: 5e8a1c3b7d42
Revises: 2389761deab2
Create Date: 2026-12-07 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import portal.db

revision = "5e8a1c3b7d42"
down_revision = "2389761deab2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "briefing_view_batches",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("applied_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_briefing_view_batches")),
    )
    op.create_index(
        op.f("ix_briefing_view_batches_applied_at"),
        "briefing_view_batches",
        ["applied_at"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_briefing_view_batches_applied_at"), table_name="briefing_view_batches")
    op.drop_table("briefing_view_batches")
