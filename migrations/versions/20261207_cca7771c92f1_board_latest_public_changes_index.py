"""an index of the service changes by visibility and latest update, for the board

Revision ID: cca7771c92f1
Revises: a9d3f1c7e5b2
Create Date: 2026-12-07 15:55:00.000000
"""

from alembic import op

revision = "cca7771c92f1"
down_revision = "a9d3f1c7e5b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("service_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_changes_public_latest",
            ["visibility", "updated_at", "id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("service_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_service_changes_public_latest")
