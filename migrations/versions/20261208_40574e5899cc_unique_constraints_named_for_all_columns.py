"""unique constraints over several columns are named for all of them

Revision ID: 40574e5899cc
Revises: cca7771c92f1
Create Date: 2026-12-08 01:10:00.000000

The naming convention's "uq" now names every column of a unique constraint, not only
the first. Only names change: the constraints, their indexes and the rows stay.

PostgreSQL renames a constraint, and its index, in place.

SQLite cannot rename a constraint, and rebuilding the tables (batch_alter_table) would
lose rows: migrations run inside a transaction with foreign keys on, where they cannot
be turned off, so dropping the old table deletes every row that refers to it with ON
DELETE CASCADE (all the answers, reviews and quotes of the contributions, for one).
SQLite keeps a constraint's name only in the table's CREATE TABLE text, so that text is
edited, as SQLite's manual describes for changes that leave the stored rows as they are
(https://www.sqlite.org/lang_altertable.html#otheralter). Nothing is rebuilt: the
answers' search triggers and FTS5 table stay as they were.
"""

import sqlalchemy as sa
from alembic import op

revision = "40574e5899cc"
down_revision = "cca7771c92f1"
branch_labels = None
depends_on = None

# (table, old name, new name)
RENAMES = [
    ("answers", "uq_answers_contribution_id", "uq_answers_contribution_id_question_id"),
    (
        "briefing_feedback",
        "uq_briefing_feedback_briefing_id",
        "uq_briefing_feedback_briefing_id_user_id",
    ),
    (
        "briefing_versions",
        "uq_briefing_versions_briefing_id",
        "uq_briefing_versions_briefing_id_number",
    ),
    ("briefings", "uq_briefings_original_id", "uq_briefings_original_id_language"),
    (
        "contributions",
        "uq_contributions_proposal_id",
        "uq_contributions_proposal_id_idempotency_key",
    ),
    (
        "impact_reports",
        "uq_impact_reports_community_id",
        "uq_impact_reports_community_id_period_start_period_end",
    ),
    ("memberships", "uq_memberships_user_id", "uq_memberships_user_id_community_id"),
    (
        "participations",
        "uq_participations_activity_id",
        "uq_participations_activity_id_user_id",
    ),
    ("payment_rates", "uq_payment_rates_kind", "uq_payment_rates_kind_effective_from"),
    ("payments", "uq_payments_activity_id", "uq_payments_activity_id_user_id"),
    (
        "timeline_events",
        "uq_timeline_events_community_id",
        "uq_timeline_events_community_id_kind_subject_id_detail_key",
    ),
]


def upgrade():
    _rename(RENAMES)


def downgrade():
    _rename([(table, new, old) for table, old, new in RENAMES])


def _rename(renames):
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for table, old, new in renames:
            op.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}")
    elif connection.dialect.name == "sqlite":
        _rename_on_sqlite(connection, renames)


def _rename_on_sqlite(connection, renames):
    """Edit each table's CREATE TABLE text, then raise the schema version so that every
    connection reads the schema again."""
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        for table, old, new in renames:
            created = connection.scalar(
                sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
                {"table": table},
            )
            clause = f"CONSTRAINT {old} UNIQUE "
            if created is None or created.count(clause) != 1:
                raise RuntimeError(f"{table} has no unique constraint named {old}")
            connection.execute(
                sa.text(
                    "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :table"
                ),
                {"sql": created.replace(clause, f"CONSTRAINT {new} UNIQUE "), "table": table},
            )
        connection.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema=OFF")
