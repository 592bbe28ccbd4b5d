"""answers are searched by whole words, from an index: a GIN expression index on
PostgreSQL, an FTS5 table kept in step by triggers on SQLite

Revision ID: 2389761deab2
Revises: 9d3f6b1a2c45
Create Date: 2026-12-07 11:50:00.000000

The index and the FTS5 table are not described by the models (see
portal/consultations/search.py, whose `include_name` leaves them out of Alembic's
comparisons).

SQLite drops a table's triggers with the table: a later migration that rebuilds
`answers` (batch_alter_table) must create these triggers again and rebuild the FTS5
table. The search tests fail if it does not.
"""

from alembic import op

revision = "2389761deab2"
down_revision = "9d3f6b1a2c45"
branch_labels = None
depends_on = None

# 'simple': lower-cased words, no stemming or stop words, for English, Welsh and Arabic.
POSTGRESQL_INDEX = (
    "CREATE INDEX ix_answers_text_search ON answers "
    "USING gin (to_tsvector('simple'::regconfig, text))"
)

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE answers_search USING fts5("
    "text, content='answers', content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)
SQLITE_TRIGGERS = {
    "answers_search_insert": (
        "AFTER INSERT ON answers BEGIN "
        "INSERT INTO answers_search (rowid, text) VALUES (new.id, new.text); END"
    ),
    "answers_search_delete": (
        "AFTER DELETE ON answers BEGIN "
        "INSERT INTO answers_search (answers_search, rowid, text) "
        "VALUES ('delete', old.id, old.text); END"
    ),
    "answers_search_update": (
        "AFTER UPDATE OF text ON answers BEGIN "
        "INSERT INTO answers_search (answers_search, rowid, text) "
        "VALUES ('delete', old.id, old.text); "
        "INSERT INTO answers_search (rowid, text) VALUES (new.id, new.text); END"
    ),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # CREATE INDEX CONCURRENTLY cannot run inside the migration's transaction, so this
        # blocks writes to answers while it builds (half a second for 200,000 answers, so
        # a few seconds at a million contributions).
        # On a busy server, build it CONCURRENTLY by hand first, with this name: then
        # this step finds it there and does nothing.
        op.execute(POSTGRESQL_INDEX.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
    elif dialect == "sqlite":
        op.execute(SQLITE_TABLE)
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute("INSERT INTO answers_search (answers_search) VALUES ('rebuild')")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_answers_text_search")
    elif dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS answers_search")
