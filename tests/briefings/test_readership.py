"""Briefing views are counted in a store every process shares, and nothing is lost or doubled.

The Redis tests use database 15 and a key prefix of their own, and delete their keys after.
They are skipped when Redis is not running, except under CI=true, where they must run.
"""

import logging
import re
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import redis
import sqlalchemy as sa

from portal import create_app, db
from portal.briefings import readership, services
from portal.briefings.models import BriefingDailyViews, BriefingReader, BriefingViewBatch
from portal.db import utcnow
from tests import factories
from tests.conftest import IN_CI, sign_in_as

REDIS_URL = "redis://127.0.0.1:6379/15"
NOWHERE = "redis://127.0.0.1:1/15"  # nothing listens here


def stored(briefing):
    """(views, signed-in readers) of a briefing, as the database holds them."""
    views = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(BriefingDailyViews.views), 0)).where(
            BriefingDailyViews.briefing_id == briefing.id
        )
    )
    readers = db.session.scalar(
        sa.select(sa.func.count()).where(BriefingReader.briefing_id == briefing.id)
    )
    return views, readers


@pytest.fixture
def shared(app, engine, monkeypatch):
    """The test app and a second one, as two processes on two machines, sharing one Redis."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        client.ping()
    except redis.ConnectionError:
        if IN_CI:
            pytest.fail(f"CI=true but Redis is not running at {REDIS_URL}")
        pytest.skip(f"Redis is not running at {REDIS_URL}")
    prefix = f"chorus-test-{uuid.uuid4().hex}:"
    settings = {"BRIEFING_VIEWS_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    other = create_app(
        {"ENGINE": engine, "DATABASE_URL": engine.url.render_as_string(False), **settings}
    )
    yield SimpleNamespace(redis=client, prefix=prefix, other=other)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_without_redis_a_view_is_stored_at_once(world):
    briefing, lay = world["briefings"]["public"], world["people"]["lay"]
    before = stored(briefing)
    services.record_view(briefing, lay)
    services.record_view(briefing, lay)
    services.record_view(briefing, None)
    assert stored(briefing) == (before[0] + 3, before[1] + 1)


def test_views_counted_by_two_processes_add_up_after_a_flush(app, world, shared):
    briefing, lay = world["briefings"]["public"], world["people"]["lay"]
    before = stored(briefing)
    services.record_view(briefing, lay)
    services.record_view(briefing, lay)
    with shared.other.app_context():
        services.record_view(briefing, None)
        services.record_view(briefing, world["people"]["coordinator"])
    assert stored(briefing) == before  # nothing written until the worker flushes
    assert readership.flush() == 4
    assert stored(briefing) == (before[0] + 4, before[1] + 2)
    assert list(shared.redis.scan_iter(f"{shared.prefix}*")) == []
    assert readership.flush() == 0
    assert stored(briefing) == (before[0] + 4, before[1] + 2)


def test_a_flush_stopped_after_its_commit_is_not_counted_again(world, shared, monkeypatch):
    briefing, lay = world["briefings"]["public"], world["people"]["lay"]
    before = stored(briefing)
    for _ in range(3):
        services.record_view(briefing, lay)

    def worker_stops(_client, _name):
        raise SystemExit("the worker stopped")

    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr(readership, "_forget", worker_stops)
        readership.flush()
    assert stored(briefing) == (before[0] + 3, before[1] + 1)
    assert shared.redis.smembers(f"{shared.prefix}briefing-views:batches")  # left behind

    services.record_view(briefing, None)
    assert readership.flush() == 1  # the batch left behind is forgotten, not added again
    assert stored(briefing) == (before[0] + 4, before[1] + 1)
    assert list(shared.redis.scan_iter(f"{shared.prefix}*")) == []


def test_a_flush_stopped_before_its_commit_is_written_by_the_next(world, shared, monkeypatch):
    briefing, lay = world["briefings"]["public"], world["people"]["lay"]
    before = stored(briefing)
    services.record_view(briefing, lay)
    services.record_view(briefing, lay)
    db.session.commit()  # as the request would: the failed flush rolls back its own work only

    def database_fails(views, readers):
        raise sa.exc.OperationalError("INSERT", {}, Exception("connection lost"))

    with monkeypatch.context() as patch:
        patch.setattr(readership, "write", database_fails)
        assert readership.flush() == 0
    assert stored(briefing) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BriefingViewBatch)) == 0
    assert readership.flush() == 2
    assert stored(briefing) == (before[0] + 2, before[1] + 1)


def test_views_of_a_briefing_deleted_before_the_flush_are_dropped(world, shared):
    briefing, lay = world["briefings"]["public"], world["people"]["lay"]
    before = stored(briefing)
    services.record_view(briefing, lay)
    readership.record(10_000_000, lay.id, briefing.published_at.date())  # no such briefing
    assert readership.flush() == 1
    assert stored(briefing) == (before[0] + 1, before[1] + 1)
    assert list(shared.redis.scan_iter(f"{shared.prefix}*")) == []


def test_reading_a_briefing_with_redis_writes_nothing_to_the_database(
    client, world, shared, count_queries
):
    briefing = world["briefings"]["public"]
    before = stored(briefing)
    sign_in_as(client, world["people"]["lay"])
    client.get(f"/briefings/{briefing.id}")
    with count_queries() as statements:
        assert client.get(f"/briefings/{briefing.id}").status_code == 200
    writes = [s for s in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.I)]
    assert writes == []
    assert stored(briefing) == before
    assert readership.flush() == 2
    assert stored(briefing) == (before[0] + 2, before[1] + 1)


def test_the_worker_and_its_command_write_the_views(app, world, shared):
    briefing = world["briefings"]["public"]
    before = stored(briefing)
    services.record_view(briefing, None)
    result = app.test_cli_runner().invoke(args=["briefings", "flush-views"])
    assert result.exit_code == 0 and "Briefing views written: 1." in result.output
    services.record_view(briefing, None)
    assert app.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
    assert stored(briefing) == (before[0] + 2, before[1])


def test_when_redis_is_down_the_view_is_written_and_the_page_answers(
    app, client, world, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "BRIEFING_VIEWS_REDIS_URL", NOWHERE)
    briefing = world["briefings"]["public"]
    before = stored(briefing)
    sign_in_as(client, world["people"]["lay"])
    with caplog.at_level(logging.WARNING, logger="portal.briefings.readership"):
        assert client.get(f"/briefings/{briefing.id}").status_code == 200
        assert readership.flush() == 0  # the worker carries on too
    assert stored(briefing) == (before[0] + 1, before[1] + 1)
    assert "Redis unreachable" in caplog.text


def test_old_ledger_rows_go_once_their_batch_is_forgotten(world, shared):
    db.session.add(BriefingViewBatch(name="old", applied_at=utcnow() - timedelta(days=2)))
    db.session.add(BriefingViewBatch(name="recent", applied_at=utcnow()))
    db.session.flush()
    services.record_view(world["briefings"]["public"], None)
    readership.flush()
    names = set(db.session.scalars(sa.select(BriefingViewBatch.name)))
    assert "old" not in names and "recent" in names and len(names) == 2


def test_without_redis_a_signed_in_view_costs_two_statements(world, count_queries):
    briefing, reader = world["briefings"]["public"], factories.make_user()
    services.record_view(briefing, reader)
    with count_queries() as statements:
        services.record_view(briefing, reader)
    assert len(statements) == 2
