"""decision kinds, owners and target dates; service change owners, start and target dates

Revision ID: 39bbbd12a848
Revises: 1cc2d421dddd
Create Date: 2026-12-06 19:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "39bbbd12a848"
down_revision = "1cc2d421dddd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        # Decisions recorded before kinds existed approved what was proposed.
        batch_op.add_column(
            sa.Column("kind", sa.String(length=25), nullable=False, server_default="approved")
        )
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_decisions_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_decisions_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # The person who recorded an earlier decision answers for it until someone is chosen.
    decisions = sa.table(
        "decisions", sa.column("owner_id", sa.Integer()), sa.column("created_by_id", sa.Integer())
    )
    op.execute(decisions.update().values(owner_id=decisions.c.created_by_id))
    with op.batch_alter_table("service_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("target_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_service_changes_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_service_changes_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )
    changes = sa.table(
        "service_changes",
        sa.column("owner_id", sa.Integer()),
        sa.column("created_by_id", sa.Integer()),
    )
    op.execute(changes.update().values(owner_id=changes.c.created_by_id))


def downgrade():
    with op.batch_alter_table("service_changes", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_service_changes_owner_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_service_changes_owner_id"))
        batch_op.drop_column("target_on")
        batch_op.drop_column("starts_on")
        batch_op.drop_column("owner_id")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_decisions_owner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_decisions_owner_id"))
        batch_op.drop_column("target_on")
        batch_op.drop_column("owner_id")
        batch_op.drop_column("kind")
