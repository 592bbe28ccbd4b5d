"""Slow figures are kept in a cache every process shares (Redis in production)."""

import uuid

import pytest
import redis
from cachelib import SimpleCache

from portal import caching, create_app

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_apps(engine):
    """Two apps, as two gunicorn workers would be, sharing one Redis under a fresh prefix."""
    prefix = f"chorus-test-{uuid.uuid4().hex}:"
    settings = {
        "ENGINE": engine,
        "DATABASE_URL": engine.url.render_as_string(False),
        "CACHE_TYPE": "SimpleCache",  # CACHE_REDIS_URL turns it into Redis, as in production
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "COMMUNITY_FIGURES_CACHE_SECONDS": 60,
    }
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL}")
    yield create_app(settings), create_app(settings), client, prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_a_figure_worked_out_by_one_process_is_read_by_another(redis_apps):
    first, second, client, prefix = redis_apps
    calls = []

    def compute():
        calls.append(1)
        return {"contributions": 12, "median": None}

    with first.app_context():
        assert caching.remember(("health", 7), compute) == {"contributions": 12, "median": None}
    with second.app_context():
        assert caching.remember(("health", 7), compute) == {"contributions": 12, "median": None}
        assert caching.remember(("health", 8), compute) == {"contributions": 12, "median": None}
    assert len(calls) == 2  # once for community 7, once for community 8
    keys = list(client.scan_iter(f"{prefix}*"))
    assert len(keys) == 2
    assert all(0 < client.ttl(key) <= 60 for key in keys)  # kept for the configured time only


def test_a_none_answer_is_kept_too(redis_apps):
    first, second, _client, _prefix = redis_apps
    calls = []
    with first.app_context():
        caching.remember("nothing", lambda: calls.append(1))
    with second.app_context():
        caching.remember("nothing", lambda: calls.append(1))
    assert len(calls) == 1


def test_without_the_cache_the_figure_is_worked_out_and_the_page_still_answers(engine):
    app = create_app(
        {
            "ENGINE": engine,
            "DATABASE_URL": engine.url.render_as_string(False),
            "CACHE_TYPE": "SimpleCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens here
            "COMMUNITY_FIGURES_CACHE_SECONDS": 60,
        }
    )
    calls = []
    with app.app_context():
        for _ in range(2):
            assert caching.remember("k", lambda: calls.append(1) or len(calls)) == len(calls)
    assert len(calls) == 2


def test_nothing_is_kept_when_turned_off(app):
    calls = []
    with app.app_context():
        for _ in range(3):
            caching.remember("k", lambda: calls.append(1))
    assert len(calls) == 3


def test_in_development_each_process_keeps_its_own_figures(app, monkeypatch):
    kept = SimpleCache()
    monkeypatch.setitem(app.extensions["cache"], caching.cache, kept)
    app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 60
    calls = []
    try:
        with app.app_context():
            for _ in range(3):
                caching.remember("k", lambda: calls.append(1))
    finally:
        app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 0
    assert len(calls) == 1
