"""Slow figures are kept in a cache every process shares (Redis in production)."""

import uuid

import pytest
import redis
from cachelib import SimpleCache

from portal import caching, create_app, db
from portal.impact import influence
from tests import factories

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
    # Kept beyond the figure's time only to give while it is worked out afresh (see below).
    assert all(0 < client.ttl(key) <= 60 * caching.KEPT_FOR for key in keys)


def test_a_none_answer_is_kept_too(redis_apps):
    first, second, _client, _prefix = redis_apps
    calls = []
    with first.app_context():
        caching.remember("nothing", lambda: calls.append(1))
    with second.app_context():
        caching.remember("nothing", lambda: calls.append(1))
    assert len(calls) == 1


def test_an_old_answer_is_worked_out_afresh_by_one_process_while_the_others_give_it(
    redis_apps, monkeypatch
):
    """Once a kept figure is older than its time, the first reader works it out again;
    a reader in another process meanwhile gets the old answer at once, not a second
    slow count of its own."""
    first, second, _client, _prefix = redis_apps
    now = [1_000_000.0]
    monkeypatch.setattr(caching.time, "time", lambda: now[0])
    with first.app_context():
        assert caching.remember("health", lambda: "counted at first") == "counted at first"
    now[0] += 61  # past the figure's 60 seconds
    seen_meanwhile = []

    def slow_count():
        with second.app_context():  # another worker, asking while this one counts
            seen_meanwhile.append(caching.remember("health", lambda: "counted twice"))
        return "counted again"

    with first.app_context():
        assert caching.remember("health", slow_count) == "counted again"
    assert seen_meanwhile == ["counted at first"]
    with second.app_context():  # the new answer is recent: nobody counts again
        assert caching.remember("health", lambda: "counted twice") == "counted again"


def test_a_figure_whose_count_failed_is_counted_again_once_its_claim_lapses(
    redis_apps, monkeypatch
):
    first, second, client, prefix = redis_apps
    now = [1_000_000.0]
    monkeypatch.setattr(caching.time, "time", lambda: now[0])
    with first.app_context():
        caching.remember("health", lambda: 1)
    now[0] += 61

    def failing():
        raise RuntimeError("the database went away")

    with first.app_context(), pytest.raises(RuntimeError):
        caching.remember("health", failing)
    with second.app_context():  # the claim stands: the last answer is still given
        assert caching.remember("health", lambda: 2) == 1
    for key in client.scan_iter(f"{prefix}*:renewing"):
        client.delete(key)  # as Redis does when the claim's time is up
    with second.app_context():
        assert caching.remember("health", lambda: 2) == 2


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


def test_a_stamped_figure_is_worked_out_afresh_once_a_change_to_it_commits(redis_apps):
    """A proposal's trace counts are kept, and dropped for every process by the commit
    of a write that changes them; an uncommitted change leaves them as they were."""
    first, second, _client, _prefix = redis_apps
    answers = iter(range(1, 10))
    stamp = caching.proposal_figures(5)

    def counted():
        return caching.remember(("trace", 5), lambda: next(answers), stamp=stamp)

    with first.app_context():
        assert counted() == 1
    with second.app_context():
        assert counted() == 1  # kept: the other process reads the same answer
        caching.renew_after_commit(stamp)
        assert counted() == 1  # not committed yet: the old answer still stands
        db.session.commit()
        assert counted() == 2
    with first.app_context():
        assert counted() == 2
        caching.renew_after_commit(caching.proposal_figures(6))  # another proposal
        db.session.commit()
        assert counted() == 2


def test_writes_that_change_a_proposals_counts_renew_its_stamp(app, make_community, make_user):
    community = make_community()
    lay, author = make_user(), make_user()
    factories.make_membership(lay, community)
    factories.make_membership(author, community, role="professional")
    with app.test_request_context():
        proposal = factories.make_proposal(community, author)
        db.session.info.pop("renewed_stamps", None)
        contribution = factories.make_contribution(proposal, community, lay)
    assert caching.proposal_figures(proposal.id) in db.session.info["renewed_stamps"]

    db.session.info.pop("renewed_stamps")
    influence.refresh([contribution.id])
    assert db.session.info["renewed_stamps"] == {caching.proposal_figures(proposal.id)}
