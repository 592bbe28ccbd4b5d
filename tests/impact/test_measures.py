"""Impact measures, each figure worked out by hand from data made for it."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.consultations.models import Contribution
from portal.dates import twelve_months_to
from portal.impact.measures import measures
from portal.impact.models import ChangeStatusEntry, ServiceChange
from tests import factories

JUNE = (date(2025, 6, 1), date(2025, 6, 30))
_keys = itertools.count(1)


def at(day, hour=12):
    return datetime(2025, 6, day, hour, tzinfo=UTC)


@pytest.fixture
def place(make_user):
    """Community C with a decided and an undecided proposal, and community D beside it."""
    c = factories.make_community(name="Gamma", slug="gamma")
    d = factories.make_community(name="Delta", slug="delta")
    author = make_user(display_name="Author")
    factories.make_membership(author, c, "professional")
    factories.make_membership(author, d, "professional")
    decided = factories.make_proposal(c, author, status="closed", title="Decided")
    decided.decided_at = at(28)
    undecided = factories.make_proposal(c, author, status="closed", title="Undecided")
    elsewhere = factories.make_proposal(d, author, status="closed", title="Elsewhere")
    db.session.flush()
    return {"c": c, "d": d, "decided": decided, "undecided": undecided, "elsewhere": elsewhere}


def give(proposal, submitted_at, *, replied_after=None, **fields):
    """A contribution made by hand: when it came, when it had a reply, what it changed."""
    contribution = Contribution(
        proposal_id=proposal.id,
        identity="anonymous",
        idempotency_key=f"hand-{next(_keys)}",
        submitted_at=submitted_at,
        first_response_at=submitted_at + replied_after if replied_after is not None else None,
        **fields,
    )
    db.session.add(contribution)
    db.session.flush()
    return contribution


def june(place, **options):
    return measures(place["c"].id, *JUNE, **options)


def test_contributions_and_people_heard_count_the_period_only(place):
    decided, undecided = place["decided"], place["undecided"]
    give(decided, at(10))
    give(undecided, at(11), people_count=12, source="meeting")  # a meeting of twelve
    give(decided, at(12), withdrawn_at=at(13))  # withdrawn: not counted
    give(decided, at(14), hidden_at=at(15))  # hidden: still part of the record
    give(place["elsewhere"], at(10))  # another community
    # June in UK time is BST (UTC+1): 23:30 UTC on 31 May is already 1 June,
    # and 23:30 UTC on 30 June is 1 July.
    give(decided, datetime(2025, 5, 31, 23, 30, tzinfo=UTC))
    give(decided, datetime(2025, 6, 30, 23, 30, tzinfo=UTC))
    give(decided, datetime(2025, 5, 31, 22, 30, tzinfo=UTC))  # 23:30 on 31 May, UK time

    found = june(place)
    assert (found.contributions, found.people_heard) == (4, 15)


def test_no_contributions_gives_zero_counts_and_no_rates(place):
    found = june(place)
    assert found.values() == {
        "contributions": 0,
        "people_heard": 0,
        "closing_the_loop_percent": None,
        "shaped_percent": None,
        "median_days_to_first_reply": None,
        "changes_implemented": 0,
        "changes_evaluated": 0,
    }


def test_closing_the_loop_counts_decided_proposals_only(place):
    decided, undecided = place["decided"], place["undecided"]
    for outcome in ("shaped", "not_adopted", "awaiting", "awaiting", "awaiting"):
        give(decided, at(5), outcome=outcome)
    give(decided, at(6), outcome="awaiting", withdrawn_at=at(7))  # withdrawn: left out
    give(undecided, at(5), outcome="awaiting")  # no decision yet: left out
    give(undecided, at(5), outcome="shaped")

    found = june(place)
    assert (found.on_decided, found.loop_closed) == (5, 2)
    assert found.closing_rate == 40


def test_closing_the_loop_is_empty_without_decided_proposals(place):
    give(place["undecided"], at(5), outcome="shaped")
    assert june(place).closing_rate is None


def test_shaped_share_is_of_all_contributions_in_the_period(place):
    give(place["decided"], at(5), outcome="shaped")
    give(place["undecided"], at(5), outcome="shaped")
    give(place["undecided"], at(5), outcome="not_adopted")
    give(place["decided"], at(5))
    give(place["decided"], at(5), outcome="shaped", withdrawn_at=at(6))
    give(place["decided"], datetime(2025, 7, 2, tzinfo=UTC), outcome="shaped")  # July

    found = june(place)
    assert found.shaped_share == 50
    give(place["decided"], at(8))
    give(place["decided"], at(8))
    assert june(place).shaped_share == 33.3


@pytest.mark.parametrize(
    ("reply_days", "median"),
    [
        ([3], 3),
        ([10, 1, 3], 3),  # odd: the middle one
        ([10, 1, 4, 2], 3),  # even: the mean of the two middle ones
        ([0.5, 1], 0.8),  # 0.75 days, rounded to one decimal place
        ([2.5, 7, 1, 40, 0.25], 2.5),
    ],
)
def test_median_days_to_a_first_reply(place, reply_days, median):
    for day in reply_days:
        give(place["decided"], at(3), replied_after=timedelta(days=day))
    give(place["decided"], at(3))  # no reply yet: left out
    give(place["decided"], at(3), replied_after=timedelta(days=99), withdrawn_at=at(4))
    assert june(place).median_days == median


def test_median_is_empty_when_nothing_has_a_reply(place):
    give(place["decided"], at(3))
    found = june(place)
    assert found.replied == 0 and found.median_days is None


def _change(community, visibility="public", **steps):
    change = ServiceChange(
        community_id=community.id,
        title="A change",
        description="What changes.",
        service_area="Cancer care",
        visibility=visibility,
    )
    db.session.add(change)
    db.session.flush()
    for status, days in steps.items():
        for day in days if isinstance(days, list) else [days]:
            db.session.add(ChangeStatusEntry(change_id=change.id, status=status, occurred_on=day))
    db.session.flush()
    return change


def test_changes_done_and_evaluated_in_the_period_count_each_change_once(place):
    c = place["c"]
    _change(c, implemented=date(2025, 6, 1), evaluated=date(2025, 6, 30))
    _change(c, implemented=[date(2025, 6, 3), date(2025, 6, 20)])  # marked done twice
    _change(c, implemented=date(2025, 5, 31), evaluated=date(2025, 6, 10))
    _change(c, implemented=date(2025, 7, 1))  # after the period
    _change(c, planned=date(2025, 6, 2), in_progress=date(2025, 6, 5))  # not done yet
    _change(c, "members", implemented=date(2025, 6, 15))
    _change(place["d"], implemented=date(2025, 6, 15), evaluated=date(2025, 6, 16))

    found = june(place)
    assert (found.changes_implemented, found.changes_evaluated) == (3, 2)
    public = june(place, public_changes_only=True)
    assert (public.changes_implemented, public.changes_evaluated) == (2, 2)


def _bulk(proposal, count):
    """`count` replied, decided, shaped contributions, inserted in one statement."""
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "identity": "anonymous",
                "idempotency_key": f"bulk-{i}",
                "submitted_at": at(4),
                "first_response_at": at(4) + timedelta(hours=i % 50),
                "outcome": "shaped" if i % 3 else "awaiting",
            }
            for i in range(first, first + count)
        ],
    )


def test_the_figures_cost_one_statement_for_5_or_300_contributions(place, count_queries):
    _bulk(place["decided"], 5)
    _change(place["c"], implemented=date(2025, 6, 1))
    with count_queries() as few:
        small = june(place)
    _bulk(place["decided"], 295)
    with count_queries() as many:
        large = june(place)
    assert (small.contributions, large.contributions) == (5, 300)
    assert large.median_days is not None and large.changes_implemented == 1
    assert len(few) == len(many) == 1


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (date(2026, 11, 26), date(2025, 11, 27)),
        (date(2028, 2, 29), date(2027, 3, 1)),
        (date(2026, 1, 1), date(2025, 1, 2)),
    ],
)
def test_the_last_twelve_months_end_today(today, start):
    assert twelve_months_to(today) == (start, today)


def test_the_community_page_figures_are_worked_out_once_a_minute(place, app, monkeypatch):
    from cachelib import SimpleCache

    from portal import caching
    from portal.impact import report_views

    monkeypatch.setitem(app.extensions["cache"], caching.cache, SimpleCache())
    day = datetime.now(UTC) - timedelta(days=3)
    give(place["undecided"], day)
    app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 60
    try:
        first = report_views._recent_figures(place["c"].id, True)
        give(place["undecided"], day)
        assert report_views._recent_figures(place["c"].id, True) == first
        app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 0
        assert report_views._recent_figures(place["c"].id, True) != first
    finally:
        app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 0
