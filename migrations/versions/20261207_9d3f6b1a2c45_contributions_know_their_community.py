"""contributions keep their proposal's community, for an inbox that reads its first page
from an index

Revision ID: 9d3f6b1a2c45
Revises: c4d2a9e81f37
Create Date: 2026-12-07 09:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "9d3f6b1a2c45"
down_revision = "c4d2a9e81f37"
branch_labels = None
depends_on = None

NOT_WITHDRAWN = sa.text("withdrawn_at IS NULL")


def upgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
    proposals = sa.table("proposals", sa.column("id"), sa.column("community_id"))
    contributions = sa.table("contributions", sa.column("proposal_id"), sa.column("community_id"))
    op.execute(
        contributions.update().values(
            community_id=sa.select(proposals.c.community_id)
            .where(proposals.c.id == contributions.c.proposal_id)
            .scalar_subquery()
        )
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.alter_column("community_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_contributions_community_id_communities"),
            "communities",
            ["community_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_index("ix_contributions_inbox")
        batch_op.create_index(
            "ix_contributions_inbox",
            ["proposal_id", "submitted_at", "id"],
            unique=False,
            postgresql_where=NOT_WITHDRAWN,
            sqlite_where=NOT_WITHDRAWN,
        )
        batch_op.create_index(
            "ix_contributions_community_inbox",
            ["community_id", "submitted_at", "id"],
            unique=False,
            postgresql_where=NOT_WITHDRAWN,
            sqlite_where=NOT_WITHDRAWN,
        )
        batch_op.create_index(
            "ix_contributions_newest",
            ["submitted_at", "id"],
            unique=False,
            postgresql_where=NOT_WITHDRAWN,
            sqlite_where=NOT_WITHDRAWN,
        )


def downgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_newest")
        batch_op.drop_index("ix_contributions_community_inbox")
        batch_op.drop_index("ix_contributions_inbox")
        batch_op.create_index(
            "ix_contributions_inbox", ["proposal_id", "withdrawn_at", "submitted_at"], unique=False
        )
        batch_op.drop_constraint(
            batch_op.f("fk_contributions_community_id_communities"), type_="foreignkey"
        )
        batch_op.drop_column("community_id")
