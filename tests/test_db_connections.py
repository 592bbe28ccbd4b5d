"""Pooled PostgreSQL connections: checked after sitting idle, not on every request."""

import pytest
import sqlalchemy as sa

from portal import db

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def pool_engine(database_url):
    """An engine of its own with one pooled connection, checked as Chorus checks them."""
    engine = sa.create_engine(database_url, pool_size=1, max_overflow=0)
    db._check_idle_connections(engine)
    yield engine
    engine.dispose()


def _backend_pid(engine):
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def _count_pings(engine, monkeypatch):
    pings = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    return pings


def test_a_new_connection_is_pinged_once_and_then_not_while_in_steady_use(pool_engine, monkeypatch):
    pings = _count_pings(pool_engine, monkeypatch)
    first = _backend_pid(pool_engine)
    assert len(pings) == 1

    second = _backend_pid(pool_engine)

    assert second == first
    assert len(pings) == 1


def test_a_connection_idle_for_a_while_is_pinged(pool_engine, monkeypatch):
    _backend_pid(pool_engine)
    pings = _count_pings(pool_engine, monkeypatch)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0)

    _backend_pid(pool_engine)

    assert len(pings) == 1


def test_an_idle_connection_that_died_is_replaced_before_use(
    pool_engine, monkeypatch, database_url
):
    dead = _backend_pid(pool_engine)
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({dead})")
    server.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0)

    alive = _backend_pid(pool_engine)  # no error: the ping found it dead and the pool reconnected

    assert alive != dead


def test_without_the_idle_check_the_dead_connection_would_fail(pool_engine, database_url):
    """The check is what saves the request above: the same dead connection, used at once
    after its return (within the idle time), fails that one request, and the next works."""
    dead = _backend_pid(pool_engine)
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({dead})")
    server.dispose()

    with pytest.raises(sa.exc.OperationalError):
        _backend_pid(pool_engine)
    assert _backend_pid(pool_engine) != dead
