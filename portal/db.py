"""The database: declarative base, engine per app, and one session per request.

Services add and flush. The request (or CLI command) commits once at the end
and rolls back on any error: see `init_app`.
"""

import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask.globals import app_ctx
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow():
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on both SQLite and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("Chorus stores aware datetimes only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _session_factory() -> Session:
    return current_app.extensions["chorus_db"]["sessionmaker"]()


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]  # the proxy's object


# One session per application context (so per request, or per CLI command).
# (scoped_session takes any function that makes a session, not only a sessionmaker.)
session: scoped_session[Session] = scoped_session(
    _session_factory,  # type: ignore[arg-type]
    scopefunc=_app_context_id,
)


SQLITE_BUSY_TIMEOUT_MS = 5000


# A pooled database connection unused for longer than this is checked before a request
# uses it; see `_check_idle_connections`.
PING_AFTER_IDLE_SECONDS = 10


def make_engine(url):
    options = {"future": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False}
    engine = sa.create_engine(url, **options)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    else:
        _check_idle_connections(engine)
    return engine


def _check_idle_connections(engine):
    """Ping a pooled connection before use only if it has sat idle for a while.

    A connection can die while it waits in the pool: the server restarted, or a
    firewall dropped it. Pinging on every checkout (`pool_pre_ping`) would catch
    that, at the cost of one more round trip to the database on every request.
    A connection in steady use is known to be alive, so only one idle for
    PING_AFTER_IDLE_SECONDS is pinged. If a ping fails, the pool replaces the
    connection before the request sees it. If the server goes away while
    connections are busy, the request that meets the broken connection fails,
    and SQLAlchemy then discards every connection of the pool, so the next
    requests connect afresh.
    """

    @sa.event.listens_for(engine, "checkin")
    def note_return(_dbapi_connection, record):
        record.info["returned_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy):
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError() from error


def _sqlite_pragmas(dbapi_connection, _record):
    # Let SQLAlchemy, not the sqlite3 driver, decide when transactions begin,
    # so that savepoints and rollbacks behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Several threads or gunicorn workers share one file: with a write-ahead log, readers
    # never wait for a writer, and a writer waits its turn (up to SQLITE_BUSY_TIMEOUT_MS)
    # instead of failing at once with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection):
    connection.exec_driver_sql("BEGIN")


def listen_once(*hooks):
    """Connect each (target, event name, function) hook, unless it already is: several
    apps in one process (the tests) share the same models and sessions."""
    for target, name, hook in hooks:
        if not sa.event.contains(target, name, hook):
            sa.event.listen(target, name, hook)


def init_app(app, engine=None):
    """Bind an engine to the app and commit once per request."""
    engine = engine or make_engine(app.config["DATABASE_URL"])
    app.extensions["chorus_db"] = {
        "engine": engine,
        "sessionmaker": sessionmaker(bind=engine, expire_on_commit=False),
    }

    @app.after_request
    def commit_session(response):
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
        return response

    @app.teardown_appcontext
    def remove_session(_exc):
        session.remove()


def engine():
    return current_app.extensions["chorus_db"]["engine"]
