"""ways to respond offline for each community; the date a proposal's outcome is due

Revision ID: 7b1e0c2f5a90
Revises: 39bbbd12a848
Create Date: 2026-12-07 08:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "7b1e0c2f5a90"
down_revision = "39bbbd12a848"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("respond_by_post", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("respond_by_phone", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("respond_in_person", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome_due_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("outcome_due_on")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("respond_in_person")
        batch_op.drop_column("respond_by_phone")
        batch_op.drop_column("respond_by_post")
