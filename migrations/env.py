"""Alembic environment: runs on the connection the Chorus CLI or tests pass in."""

from alembic import context

from portal.consultations.search import include_name
from portal.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `flask --app portal db upgrade`.")


def run_migrations():
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def set_sqlite_foreign_keys(on):
    """Switch SQLite's foreign keys on or off, and fail if the switch did not take.

    SQLite ignores the pragma inside a transaction, so it goes straight to the driver:
    through SQLAlchemy it would come after the BEGIN that portal/db.py sends."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
        (state,) = cursor.execute("PRAGMA foreign_keys").fetchone()
    finally:
        cursor.close()
    if state != on:
        raise RuntimeError(f"SQLite foreign keys are still {'off' if on else 'on'}.")


def check_sqlite_foreign_keys():
    """Fail, so the migration rolls back, if a row points to a row that does not exist."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"Rows point to rows that do not exist: {broken}")


if connection.dialect.name == "sqlite" and not connection.in_transaction():
    # A batch migration rebuilds a table: copy, drop the old one, rename. With foreign
    # keys on, the drop deletes every row that points to the old table (ON DELETE
    # CASCADE), so SQLite's manual says to switch them off first and check after.
    # A caller that passes a connection already in a transaction (the tests, to roll
    # back) keeps its setting: SQLite cannot change it there.
    set_sqlite_foreign_keys(False)
    try:
        with connection.begin():
            run_migrations()
            check_sqlite_foreign_keys()
    finally:
        set_sqlite_foreign_keys(True)
else:
    run_migrations()
