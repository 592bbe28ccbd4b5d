"""consultation window moves (close early, extend, pause), held outcomes, what we heard

Revision ID: 510b4a9b100a
Revises: 4589ccbef0d4
Create Date: 2026-12-06 19:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import portal.db

revision = "510b4a9b100a"
down_revision = "4589ccbef0d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proposal_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("old_closes_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("new_closes_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_proposal_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_events_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_events")),
    )
    with op.batch_alter_table("proposal_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_proposal_events_proposal", ["proposal_id", "created_at"], unique=False
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paused_at", portal.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("outcomes_released_at", portal.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("heard_published_at", portal.db.UTCDateTime(timezone=True), nullable=True)
        )
    # Proposals already closed told their outcomes at once, as links were made.
    proposals = sa.table(
        "proposals",
        sa.column("closes_at", portal.db.UTCDateTime(timezone=True)),
        sa.column("decided_at", portal.db.UTCDateTime(timezone=True)),
        sa.column("published_at", portal.db.UTCDateTime(timezone=True)),
        sa.column("outcomes_released_at", portal.db.UTCDateTime(timezone=True)),
    )
    now = portal.db.utcnow()
    op.execute(
        proposals.update()
        .where(
            proposals.c.published_at.is_not(None),
            sa.or_(proposals.c.decided_at.is_not(None), proposals.c.closes_at <= now),
        )
        .values(outcomes_released_at=now)
    )


def downgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("heard_published_at")
        batch_op.drop_column("outcomes_released_at")
        batch_op.drop_column("paused_at")
    with op.batch_alter_table("proposal_events", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_events_proposal")
    op.drop_table("proposal_events")
