"""notification reads, digests and follows

In-app notifications can be marked read (with an index for the unread count);
people choose per kind how they are told (at once, daily or weekly digest, or
in Chorus only); they can follow a proposal or a service change.

Revision ID: 1cc2d421dddd
Revises: 6374b322388c
Create Date: 2026-12-06 19:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import portal.db

revision = "1cc2d421dddd"
down_revision = "6374b322388c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("outcomes", sa.String(length=10), nullable=False),
        sa.Column("replies", sa.String(length=10), nullable=False),
        sa.Column("following", sa.String(length=10), nullable=False),
        sa.Column("consultations", sa.String(length=10), nullable=False),
        sa.Column("membership", sa.String(length=10), nullable=False),
        sa.Column("involvement", sa.String(length=10), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("updated_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(proposal_id IS NULL) <> (change_id IS NULL)", name=op.f("ck_follows_one_target")
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["service_changes.id"],
            name=op.f("fk_follows_change_id_service_changes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_follows_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint("user_id", "change_id", name="uq_follows_user_change"),
        sa.UniqueConstraint("user_id", "proposal_id", name="uq_follows_user_proposal"),
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index("ix_follows_change", ["change_id"], unique=False)
        batch_op.create_index("ix_follows_proposal", ["proposal_id"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("read_at", portal.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("digest", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("digest_due_at", portal.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("event_key", sa.String(length=120), nullable=True))
        batch_op.create_index(
            "ix_outbox_messages_digest_due", ["status", "digest_due_at"], unique=False
        )
        batch_op.create_index("ix_outbox_messages_event", ["user_id", "event_key"], unique=False)
        batch_op.create_index(
            "ix_outbox_messages_unread", ["user_id", "in_app", "read_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_unread")
        batch_op.drop_index("ix_outbox_messages_event")
        batch_op.drop_index("ix_outbox_messages_digest_due")
        batch_op.drop_column("event_key")
        batch_op.drop_column("digest_due_at")
        batch_op.drop_column("digest")
        batch_op.drop_column("read_at")

    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index("ix_follows_proposal")
        batch_op.drop_index("ix_follows_change")

    op.drop_table("follows")
    op.drop_table("notification_settings")
