"""summary rows of each community's figures by month, kept with the writes

Revision ID: c4d2a9e81f37
Revises: 7b1e0c2f5a90
Create Date: 2026-12-07 09:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "c4d2a9e81f37"
down_revision = "7b1e0c2f5a90"
branch_labels = None
depends_on = None

COUNTS = (
    "lay_partners_joined",
    "lay_partners_left",
    "contributions",
    "on_decided",
    "loop_closed",
    "shaped",
    "minutes",
)


def upgrade():
    op.create_table(
        "community_month_figures",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *[sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in COUNTS],
        sa.Column("payments_pence", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("expenses_pence", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_month_figures_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "month", name=op.f("pk_community_month_figures")),
    )


def downgrade():
    op.drop_table("community_month_figures")
