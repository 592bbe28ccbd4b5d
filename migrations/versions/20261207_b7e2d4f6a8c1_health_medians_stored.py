"""the health dashboard's median days to a first reply, stored by the worker

Revision ID: b7e2d4f6a8c1
Revises: a8d4f2c6e1b3
Create Date: 2026-12-07 12:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2d4f6a8c1"
down_revision = "a8d4f2c6e1b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("community_month_figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("median_days", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("median_moves", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("median_of_moves", sa.Integer(), server_default="0", nullable=False)
        )
    # Rows written before this have no median yet: the worker works them out.
    op.execute("UPDATE community_month_figures SET median_moves = 1")


def downgrade():
    with op.batch_alter_table("community_month_figures", schema=None) as batch_op:
        batch_op.drop_column("median_of_moves")
        batch_op.drop_column("median_moves")
        batch_op.drop_column("median_days")
