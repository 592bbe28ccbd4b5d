"""The health summary rows: kept with every write through the services, equal to a rebuild
from the raw rows, read by the dashboard in a fixed number of statements, and safe under
concurrent writes."""

import random
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from portal import dates, db
from portal.accounts.models import User
from portal.communities import services as communities
from portal.communities.models import Community
from portal.consultations import moderation, review
from portal.consultations import services as consultations
from portal.consultations.contributions import withdraw
from portal.health import figures, summaries
from portal.health.models import CommunityMonthFigures
from portal.impact import influence
from portal.involvement import expenses
from portal.involvement import services as involvement
from portal.involvement.models import CLAIM_PAID, PAYMENT_PAID, ExpenseClaim, Payment
from tests import factories

from .conftest import activity, history

THIS_YEAR = dates.twelve_whole_months_to(datetime.now(ZoneInfo("Europe/London")).date())


def stored_rows(community_id):
    """{month: figures} of every stored row with something in it."""
    found = summaries.stored(community_id, date(1990, 1, 1), date(2999, 1, 1))
    return {month: figures for month, figures in found.items() if any(figures.values())}


def rebuilt_rows(community_id):
    summaries.rebuild([community_id])
    return stored_rows(community_id)


@pytest.fixture
def open_place(make_user):
    """An open community with a coordinator and a professional, and an open proposal."""
    community = factories.make_community(name="Epsilon", slug="epsilon", visibility="open")
    coordinator = make_user(display_name="Coordinator")
    factories.make_membership(coordinator, community, "coordinator")
    author = make_user(display_name="Author")
    factories.make_membership(author, community, "professional")
    proposal = factories.make_proposal(community, author, status="open", title="Evenings")
    return {"c": community, "coordinator": coordinator, "author": author, "proposal": proposal}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_through_the_services_keep_the_summaries_equal_to_a_rebuild(
    open_place, make_user, seed
):
    chance = random.Random(seed)
    c, coordinator, author = open_place["c"], open_place["coordinator"], open_place["author"]
    proposal = open_place["proposal"]
    questions = consultations.questions(proposal)
    answers = {q.id: ("Evenings, please.", 4 if q.kind == "scale" else None, []) for q in questions}
    people = [make_user() for _ in range(8)]
    given = []
    meeting = involvement.create_activity(
        coordinator, c, kind="meeting", title="Panel", held_on=date.today(), minutes=90
    )
    for _step in range(40):
        person = chance.choice(people)
        membership = communities.permissions.membership(person, c)
        active = membership is not None and membership.status == "active"
        move = chance.choice(("join", "leave", "give", "offline", "withdraw", "attend", "drop"))
        if move == "join" and not active:
            communities.join(person, c, consent=True)
        elif move == "leave" and active:
            communities.leave(person, c)
        elif move == "give" and active and not any(g.author_id == person.id for g in given):
            given.append(factories.make_contribution(proposal, c, person, identity="anonymous"))
        elif move == "offline":
            given.append(
                moderation.record_offline(
                    coordinator,
                    proposal,
                    questions,
                    source="meeting",
                    source_date=date.today(),
                    people_count=chance.randint(1, 5),
                    identity="anonymous",
                    answers=answers,
                    key=uuid.uuid4().hex,
                )
            )
        elif move == "withdraw":
            online = [g for g in given if g.source == "online" and g.withdrawn_at is None]
            if online:
                chosen = chance.choice(online)
                withdraw(db.session.get(User, chosen.author_id), chosen, proposal)
        elif move == "attend" and active:
            involvement.record_attendance(
                coordinator, meeting, c, [person.id], attended=chance.random() < 0.8
            )
        elif move == "drop":
            involvement.remove_participant(coordinator, meeting, c, person.id)
    involvement.update_activity(
        coordinator,
        meeting,
        c,
        kind="meeting",
        title="Panel",
        held_on=date.today() - timedelta(days=40),
        minutes=120,
    )
    assert stored_rows(c.id) == rebuilt_rows(c.id)

    # The decision, links and their removal move the outcomes.
    decision = factories.make_decision(proposal, c, author)
    counted = [g for g in given if g.withdrawn_at is None]
    links = []
    for effect in ("adopted", "not_adopted", "informed"):
        chosen = chance.sample(counted, k=min(len(counted), 3))
        if chosen:
            links += influence.link(
                author,
                proposal,
                target=f"decision:{decision.id}",
                effect=effect,
                rationale="Because the clinic can staff two evenings.",
                contributions=chosen,
            )
    assert stored_rows(c.id) == rebuilt_rows(c.id)
    if links:
        influence.remove(author, links[0], c)

    # Money: a payment and an expense claim paid.
    helper = people[0]
    db.session.add(
        Payment(
            activity_id=meeting.id,
            user_id=helper.id,
            units=Decimal("1"),
            amount=Decimal("25.50"),
            status="approved",
        )
    )
    claim = ExpenseClaim(
        community_id=c.id,
        user_id=helper.id,
        category="travel",
        description="Bus",
        spent_on=date.today(),
        amount=Decimal("12.00"),
        approved_amount=Decimal("10.25"),
        status="part_approved",
    )
    db.session.add(claim)
    db.session.flush()
    payment = db.session.scalar(sa.select(Payment).where(Payment.activity_id == meeting.id))
    involvement.move_payment(
        coordinator, payment, c, "pay", paid_on=date.today(), reference="BACS 1"
    )
    expenses.mark_paid(coordinator, claim, c, paid_on=date.today(), reference="BACS 2")

    kept = stored_rows(c.id)
    assert kept == rebuilt_rows(c.id)
    month = date.today().replace(day=1)
    assert kept[month]["payments_pence"] == 2550 and kept[month]["expenses_pence"] == 1025


def test_the_summarised_months_equal_the_raw_computation(place, make_user):
    """Raw rows made by hand (as the other health tests make them), then a rebuild: the
    dashboard's figures from the summary rows are the raw computation's, every figure."""
    c = place["c"]
    person, other = make_user(), make_user()
    history(
        factories.make_membership(person, c),
        (datetime(2025, 1, 5, tzinfo=UTC), "active", "lay_partner"),
        (datetime(2025, 3, 9, tzinfo=UTC), "left", "lay_partner"),
    )
    factories.make_membership(other, c, created_at=datetime(2024, 11, 30, tzinfo=UTC))
    activity(c, date(2025, 2, 3), 45, [person, other])
    proposal = factories.make_proposal(c, place["author"], status="closed")
    proposal.decided_at = datetime(2025, 4, 1, tzinfo=UTC)
    factories.make_proposal(c, place["author"], status="closed")
    db.session.flush()
    for day, outcome in ((3, "shaped"), (9, "awaiting"), (17, "not_adopted")):
        db.session.add(
            figures.Contribution(
                proposal_id=proposal.id,
                identity="anonymous",
                idempotency_key=f"summary-{day}",
                submitted_at=datetime(2025, 2, day, 23, 30, tzinfo=UTC),
                first_response_at=datetime(2025, 2, day + 3, tzinfo=UTC),
                outcome=outcome,
            )
        )
    db.session.flush()
    summaries.rebuild([c.id])
    for period in ((date(2025, 1, 1), date(2025, 6, 1)), (date(2024, 11, 1), date(2026, 10, 1))):
        assert figures.summarised(c.id, *period) == figures.monthly(c.id, *period)


def test_the_dashboard_reads_the_summaries_in_the_same_few_statements_at_any_size(
    open_place, make_user, count_queries
):
    c = open_place["c"]

    def statements():
        with count_queries() as found:
            figures.summarised(c.id, *THIS_YEAR)
        return len(found)

    few = statements()
    people = [make_user() for _ in range(30)]
    for person in people:
        communities.join(person, c, consent=True)
        factories.make_contribution(open_place["proposal"], c, person)
    many = statements()
    assert few == many <= 12
    months = figures.summarised(c.id, *THIS_YEAR)
    assert months[-1].figures[figures.CONTRIBUTIONS] == 30
    assert months[-1].figures[figures.ACTIVE_LAY_PARTNERS] == 30


def test_the_rebuild_command_writes_the_rows_from_the_raw_rows(app, place, make_user):
    c = place["c"]
    activity(c, date(2025, 2, 3), 60, [make_user(), make_user()])
    db.session.execute(sa.delete(CommunityMonthFigures))
    result = CliRunner().invoke(app.cli, ["summaries", "rebuild"], catch_exceptions=False)
    assert "Summary rows written:" in result.output
    assert stored_rows(c.id)[date(2025, 2, 1)]["minutes"] == 120


@pytest.mark.postgresql_only
def test_concurrent_writes_to_one_summary_row_lose_no_update(app, engine):
    previous = app.extensions["chorus_db"]["sessionmaker"]
    app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        community = factories.make_community(slug=f"busy-{tag}")
        db.session.commit()
        community_id = community.id
        db.session.remove()
    writers, each, errors = 4, 25, []
    start = threading.Barrier(writers)

    def write():
        try:
            with app.app_context():
                start.wait(timeout=30)
                for _ in range(each):
                    summaries.add(community_id, date(2025, 1, 1), contributions=1, minutes=30)
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        with app.app_context():
            row = db.session.get(CommunityMonthFigures, (community_id, date(2025, 1, 1)))
            assert (row.contributions, row.minutes) == (writers * each, writers * each * 30)
            db.session.remove()
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Community).where(Community.id == community_id))
            db.session.commit()
            db.session.remove()
        app.extensions["chorus_db"]["sessionmaker"] = previous


def _months_ago(count, day=10):
    """Noon (UTC) on `day` of the month `count` months before this one."""
    this_month = THIS_YEAR[1]
    year, month = divmod(this_month.year * 12 + this_month.month - 1 - count, 12)
    return datetime(year, month + 1, day, 12, tzinfo=UTC)


def test_a_rebuild_of_every_community_leaves_summaries_that_match_the_raw_rows(place, make_user):
    """Rows written directly over the past year, in several communities, as the demo writes
    much of its data: after one rebuild of them all, every community's dashboard (read from
    the summary rows) equals the raw computation, every month of the year."""
    c, d, author = place["c"], place["d"], place["author"]
    factories.make_community(name="Epsilon", slug="epsilon")  # nothing in it
    early, brief, recent = make_user(), make_user(), make_user()
    history(factories.make_membership(early, c), (_months_ago(13), "active", "lay_partner"))
    history(
        factories.make_membership(brief, c),
        (_months_ago(5), "active", "lay_partner"),
        (_months_ago(2), "left", "lay_partner"),
    )
    factories.make_membership(recent, c)
    history(factories.make_membership(early, d), (_months_ago(7), "active", "lay_partner"))

    decided = factories.make_proposal(c, author, status="closed")
    decided.decided_at = _months_ago(3)
    waiting = factories.make_proposal(c, author, status="closed")
    db.session.flush()
    for proposal, months_ago, day, outcome, withdrawn in (
        (decided, 4, 3, "shaped", False),
        (decided, 4, 9, "awaiting", False),
        (decided, 4, 17, "not_adopted", False),
        (decided, 4, 20, "awaiting", True),
        (waiting, 1, 5, "awaiting", False),
    ):
        given = _months_ago(months_ago, day)
        db.session.add(
            figures.Contribution(
                proposal_id=proposal.id,
                identity="anonymous",
                idempotency_key=f"rebuild-{proposal.id}-{day}",
                submitted_at=given,
                first_response_at=given + timedelta(days=day % 5 + 1),
                withdrawn_at=given + timedelta(days=1) if withdrawn else None,
                outcome=outcome,
            )
        )

    panel = activity(c, _months_ago(6).date(), 90, [early, brief], absent=[recent])
    activity(d, _months_ago(7, 20).date(), 60, [early])
    db.session.add(
        Payment(
            activity_id=panel.id,
            user_id=early.id,
            units=Decimal("1"),
            amount=Decimal("25.50"),
            status=PAYMENT_PAID,
            paid_on=_months_ago(5).date(),
        )
    )
    db.session.add(
        ExpenseClaim(
            community_id=c.id,
            user_id=brief.id,
            category="travel",
            description="Bus",
            spent_on=_months_ago(6).date(),
            amount=Decimal("12.00"),
            approved_amount=Decimal("10.25"),
            status=CLAIM_PAID,
            paid_on=_months_ago(5).date(),
        )
    )
    db.session.flush()

    summaries.rebuild()
    for community_id in db.session.scalars(sa.select(Community.id)):
        assert figures.summarised(community_id, *THIS_YEAR) == figures.monthly(
            community_id, *THIS_YEAR
        )
    months = {month.first_day: month.figures for month in figures.summarised(c.id, *THIS_YEAR)}
    assert months[_months_ago(4).date().replace(day=1)][figures.CONTRIBUTIONS] == 3
    assert months[_months_ago(5).date().replace(day=1)][figures.PAYMENTS_PAID] == Decimal("25.50")


def _medians(community_id, month):
    """(the dashboard's median for `month`, the median worked out from the raw rows)."""
    (shown,) = figures.summarised(community_id, month, month)
    (raw,) = figures.monthly(community_id, month, month)
    return shown.figures[figures.MEDIAN_DAYS], raw.figures[figures.MEDIAN_DAYS]


def test_the_median_days_to_a_first_reply_is_stored_by_the_worker_and_right_before_it(
    app, open_place, make_user, count_queries
):
    """The median is not a sum: the worker stores it. Until it has, after a first reply or
    a replied view withdrawn, the dashboard works that month out itself, so it is never
    out of date; once stored, the dashboard reads it without ranking a single view."""
    c, author, proposal = open_place["c"], open_place["author"], open_place["proposal"]
    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    given = []
    for day in (2, 5, 9):
        person = make_user()
        factories.make_membership(person, c)
        with app.test_request_context():
            contribution = factories.make_contribution(proposal, c, person)
        contribution.submitted_at = datetime(last_month.year, last_month.month, day, tzinfo=UTC)
        given.append(contribution)
    db.session.flush()
    assert _medians(c.id, last_month) == (None, None)  # no replies yet

    with app.test_request_context():
        review.respond(author, given[:2], "Thank you: we read every view.")
    shown, raw = _medians(c.id, last_month)
    assert shown == raw and raw is not None

    assert summaries.work_out_medians() >= 1
    row = db.session.get(CommunityMonthFigures, (c.id, last_month))
    assert row.median_moves == row.median_of_moves and figures.tidy(row.median_days) == raw
    with count_queries() as statements:
        assert _medians(c.id, last_month)[0] == raw
    ranked = [s for s in statements if "row_number" in s]
    assert len(ranked) == 1  # the raw median only: the dashboard's came from the row

    with app.test_request_context():
        review.respond(author, given[2:], "Thank you: we read every view.")
    shown, later = _medians(c.id, last_month)
    assert shown == later and later != raw  # worked out again at once, before the worker

    summaries.work_out_medians()
    withdraw(db.session.get(User, given[0].author_id), given[0], proposal)
    shown, after = _medians(c.id, last_month)
    assert shown == after and after != later

    # A rebuild stores every month's median itself, with nothing left for the worker.
    summaries.rebuild([c.id])
    row = db.session.get(CommunityMonthFigures, (c.id, last_month))
    assert row.median_moves == row.median_of_moves and figures.tidy(row.median_days) == after
    assert summaries.work_out_medians() == 0
