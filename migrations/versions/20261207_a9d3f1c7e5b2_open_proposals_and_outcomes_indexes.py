"""indexes for what is open in a community and for a person's views by outcome

Revision ID: a9d3f1c7e5b2
Revises: b7e2d4f6a8c1
Create Date: 2026-12-07 15:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "a9d3f1c7e5b2"
down_revision = "b7e2d4f6a8c1"
branch_labels = None
depends_on = None

UNDECIDED = sa.text("published_at IS NOT NULL AND decided_at IS NULL")
NOT_WITHDRAWN = sa.text("withdrawn_at IS NULL")


def upgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        for name, column in (
            ("ix_proposals_undecided_closing", "closes_at"),
            ("ix_proposals_undecided_opening", "opens_at"),
        ):
            batch_op.create_index(
                name,
                ["community_id", column, "id"],
                unique=False,
                postgresql_where=UNDECIDED,
                sqlite_where=UNDECIDED,
            )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_author_outcome",
            ["author_id", "outcome", "proposal_id"],
            unique=False,
            postgresql_where=NOT_WITHDRAWN,
            sqlite_where=NOT_WITHDRAWN,
        )


def downgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_author_outcome")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_undecided_opening")
        batch_op.drop_index("ix_proposals_undecided_closing")
