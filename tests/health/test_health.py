"""The health figures, month by month, each worked out by hand from data made for it; and the
dashboard page and its file."""

import csv
import io
import itertools
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import dates, db
from portal.consultations.models import Contribution
from portal.health import figures, summaries
from portal.impact.measures import measures
from portal.involvement.models import (
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
)
from tests import factories
from tests.conftest import sign_in_as

from .conftest import JANUARY_TO_JUNE, activity, answers, at, history

_keys = itertools.count(1)


def series(key, months):
    return [month.figures[key] for month in months]


def january_to_june(place):
    return figures.monthly(place["c"].id, *JANUARY_TO_JUNE)


# People -----------------------------------------------------------------------------------


def test_active_lay_partners_and_who_joined_and_left_follow_the_membership_history(
    place, make_user
):
    c, d = place["c"], place["d"]

    def member(role="lay_partner", status="active", community=c, **fields):
        return factories.make_membership(make_user(), community, role, status, **fields)

    history(member(), (at(2025, 1, 10), "active", "lay_partner"))  # since January
    history(
        member(status="left"),
        (at(2025, 1, 5), "pending", "lay_partner"),
        (at(2025, 2, 3), "active", "lay_partner"),
        (at(2025, 4, 20), "left", "lay_partner"),
    )
    history(
        member(role="coordinator"),
        (at(2025, 3, 1), "active", "lay_partner"),
        (at(2025, 5, 15), "active", "coordinator"),  # another role: no longer a lay partner
    )
    history(member(role="professional"), (at(2025, 1, 1), "active", "professional"))
    member(created_at=at(2024, 12, 1))  # no history: counted from when it was made
    # 23:30 UTC on 31 May is 00:30 on 1 June, UK time.
    history(member(), (datetime(2025, 5, 31, 23, 30, tzinfo=UTC), "active", "lay_partner"))
    history(member(community=d), (at(2025, 1, 10), "active", "lay_partner"))  # elsewhere

    months = january_to_june(place)
    assert series(figures.ACTIVE_LAY_PARTNERS, months) == [2, 3, 4, 3, 2, 3]
    assert series(figures.JOINED, months) == [1, 1, 1, 0, 0, 1]
    assert series(figures.LEFT, months) == [0, 0, 0, 1, 1, 0]


# Voices -----------------------------------------------------------------------------------


@pytest.fixture
def proposals(place):
    decided = factories.make_proposal(place["c"], place["author"], status="closed", title="A")
    decided.decided_at = at(2025, 6, 20)
    undecided = factories.make_proposal(place["c"], place["author"], status="closed", title="B")
    elsewhere = factories.make_proposal(place["d"], place["author"], status="closed", title="C")
    db.session.flush()
    return {"decided": decided, "undecided": undecided, "elsewhere": elsewhere}


def give(proposal, submitted_at, *, replied_after=None, **fields):
    contribution = Contribution(
        proposal_id=proposal.id,
        identity="anonymous",
        idempotency_key=f"health-{next(_keys)}",
        submitted_at=submitted_at,
        first_response_at=submitted_at + replied_after if replied_after is not None else None,
        **fields,
    )
    db.session.add(contribution)
    db.session.flush()
    return contribution


def test_contributions_replies_and_outcomes_by_month(place, proposals):
    decided, undecided = proposals["decided"], proposals["undecided"]
    give(decided, at(2025, 1, 10), replied_after=timedelta(days=2), outcome="shaped")
    give(undecided, at(2025, 1, 12), replied_after=timedelta(days=6))
    give(decided, at(2025, 1, 14), withdrawn_at=at(2025, 1, 15))  # withdrawn: not counted
    # Nothing in February.
    give(decided, at(2025, 3, 2), replied_after=timedelta(days=1), outcome="not_adopted")
    give(decided, at(2025, 3, 3), replied_after=timedelta(days=3))
    give(decided, at(2025, 3, 4), replied_after=timedelta(days=10), outcome="shaped")
    give(decided, at(2025, 3, 5))
    give(proposals["elsewhere"], at(2025, 3, 5), outcome="shaped")  # another community

    months = january_to_june(place)
    assert series(figures.CONTRIBUTIONS, months) == [2, 0, 4, 0, 0, 0]
    assert series(figures.MEDIAN_DAYS, months) == [4, None, 3, None, None, None]
    # January: 1 of 1 on a decided proposal has an outcome; March: 2 of 4.
    assert series(figures.CLOSING_THE_LOOP, months) == [100, None, 50, None, None, None]
    assert series(figures.SHAPED_SHARE, months) == [50, None, 25, None, None, None]


def test_each_month_agrees_with_the_impact_measures_of_that_month(place, proposals):
    for day, outcome in ((3, "shaped"), (9, "awaiting"), (17, "not_adopted"), (28, "awaiting")):
        for month in (1, 4, 5):
            give(
                proposals["decided" if day % 2 else "undecided"],
                at(2025, month, day),
                replied_after=timedelta(days=day % 5, hours=month),
                outcome=outcome,
            )
    for month in january_to_june(place):
        impact = measures(place["c"].id, month.first_day, month.last_day)
        assert month.figures[figures.CONTRIBUTIONS] == impact.contributions
        assert month.figures[figures.MEDIAN_DAYS] == impact.median_days
        assert month.figures[figures.CLOSING_THE_LOOP] == impact.closing_rate
        assert month.figures[figures.SHAPED_SHARE] == impact.shaped_share


# Involvement and money ----------------------------------------------------------------------


def test_hours_count_each_lay_partner_who_attended(place, make_user):
    people = [make_user() for _ in range(3)]
    activity(place["c"], date(2025, 1, 31), 90, people[:2], absent=people[2:])
    activity(place["c"], date(2025, 3, 1), 45, people[:1])  # 0.75 hours: 0.8
    activity(place["c"], date(2025, 7, 1), 600, people)  # after the period
    activity(place["d"], date(2025, 1, 10), 600, people)  # another community

    months = january_to_june(place)
    assert series(figures.HOURS, months) == [
        Decimal("3.0"),
        Decimal("0.0"),
        Decimal("0.8"),
        Decimal("0.0"),
        Decimal("0.0"),
        Decimal("0.0"),
    ]


def test_payments_and_expenses_count_in_the_month_they_were_paid(place, make_user):
    person = make_user()
    meeting = activity(place["c"], date(2025, 1, 10), 60, [person])
    elsewhere = activity(place["d"], date(2025, 1, 10), 60, [person])
    payment = {"user_id": person.id, "units": Decimal("1"), "status": "paid"}
    db.session.add_all(
        [
            Payment(
                activity_id=meeting.id, amount=Decimal("25.00"), paid_on=date(2025, 2, 3), **payment
            ),
            Payment(
                activity_id=elsewhere.id,
                amount=Decimal("90.00"),
                paid_on=date(2025, 2, 3),
                **payment,
            ),
        ]
    )
    second = activity(place["c"], date(2025, 1, 20), 60, [person])
    db.session.add(
        Payment(
            activity_id=second.id,
            user_id=person.id,
            units=Decimal("1"),
            amount=Decimal("12.50"),
            status="approved",  # not paid yet
        )
    )
    claim = {
        "user_id": person.id,
        "category": "travel",
        "description": "Bus",
        "spent_on": date(2025, 1, 9),
    }
    db.session.add_all(
        [
            ExpenseClaim(
                community_id=place["c"].id,
                amount=Decimal("10.00"),
                approved_amount=Decimal("10.00"),
                status="paid",
                paid_on=date(2025, 2, 10),
                **claim,
            ),
            # Approved in part: what was paid is the approved part.
            ExpenseClaim(
                community_id=place["c"].id,
                amount=Decimal("40.00"),
                approved_amount=Decimal("30.25"),
                status="paid",
                paid_on=date(2025, 4, 30),
                **claim,
            ),
            ExpenseClaim(
                community_id=place["c"].id, amount=Decimal("99.00"), status="rejected", **claim
            ),
            ExpenseClaim(
                community_id=place["d"].id,
                amount=Decimal("5.00"),
                approved_amount=Decimal("5.00"),
                status="paid",
                paid_on=date(2025, 2, 10),
                **claim,
            ),
        ]
    )
    db.session.flush()

    months = january_to_june(place)
    zero = Decimal("0.00")
    assert series(figures.PAYMENTS_PAID, months) == [zero, Decimal("25.00"), zero, zero, zero, zero]
    assert series(figures.EXPENSES_PAID, months) == [
        zero,
        Decimal("10.00"),
        zero,
        Decimal("30.25"),
        zero,
        zero,
    ]


def test_a_period_is_one_to_24_months():
    assert dates.month_count(date(2025, 1, 1), date(2026, 12, 1)) == 24
    assert dates.months_between(date(2024, 12, 1), date(2025, 2, 1)) == [
        (date(2024, 12, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
    ]
    assert dates.twelve_whole_months_to(date(2026, 3, 15)) == (date(2025, 4, 1), date(2026, 3, 1))
    with pytest.raises(ValueError):
        figures.monthly(1, date(2025, 1, 1), date(2027, 1, 1))


# The page ---------------------------------------------------------------------------------

PAGE = "/communities/alpha/health"
FILE = "/communities/alpha/health.csv"


def this_month():
    return date.today().strftime("%Y-%m")


def cells(page):
    """{(figure, month): text} of every figure in the page's tables."""
    found = re.findall(r'data-figure="(\w+)" data-month="([\d-]+)">(.*?)</td>', page, re.S)
    return {(figure, month): re.sub(r"<[^>]+>", "", text).strip() for figure, month, text in found}


def groups(page):
    return dict(re.findall(r'data-group="([\w.]+)">([^<]*)</td>', page))


def rows_of(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("path", [PAGE, FILE])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("lay", 403),
        ("professional", 403),
        ("other_coordinator", 403),
        ("admin", 403),
    ],
)
def test_only_the_community_coordinators_see_the_dashboard(client, world, path, who, status):
    sign_in_as(client, world["people"][who])
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", [PAGE, FILE])
def test_the_dashboard_asks_visitors_to_sign_in_and_unknown_communities_are_not_found(
    client, world, path
):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get(path.replace("alpha", "nowhere")).status_code == 404


@pytest.fixture
def busy(world, make_user):
    """Community A this month: six lay partners who answered the equality questions (one
    of them 65 to 74), an activity they attended, and a payment."""
    a = world["a"]
    people = [make_user(display_name=f"Answerer {n}") for n in range(6)]
    for number, person in enumerate(people):
        factories.make_membership(person, a)
        answers(
            person,
            age_band="65_74" if number == 0 else "45_54",
            gender="woman",
        )
    held = activity(a, date.today(), 150, people)
    db.session.add(
        Payment(
            activity_id=held.id,
            user_id=people[0].id,
            units=Decimal("2.5"),
            amount=Decimal("62.50"),
            status="paid",
            paid_on=date.today(),
        )
    )
    db.session.flush()
    summaries.rebuild()  # the rows above were made by hand, not through the services
    return {**world, "answerers": people}


def test_the_dashboard_shows_each_figure_with_a_chart_a_summary_and_a_table(client, busy):
    sign_in_as(client, busy["people"]["coordinator"])
    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<h1>") == 1 and "Community health" in page
    assert page.count('role="img"') == 7 and page.count("<table") == 7 + 5
    assert page.count("Show the figures as a table") == 7
    shown = cells(page)
    month = this_month()
    # The world's lay partner and the six who answered.
    assert shown[("active_lay_partners", month)] == "7"
    assert shown[("contributions", month)] == "1"
    assert shown[("hours_of_involvement", month)] == "15"
    assert shown[("payments_paid", month)] == "£62.50"
    assert "Hours of involvement went up from 0 in" in page or "Hours of involvement in" in page
    assert 'href="/communities/alpha/health.csv?start=' in page


def test_small_groups_are_hidden_on_the_page_and_in_the_file(client, busy):
    sign_in_as(client, busy["people"]["coordinator"])
    page = client.get(PAGE).get_data(as_text=True)
    shown = groups(page)
    # One person is 65 to 74: hidden, and so is the next smallest group, so that it
    # cannot be worked out from the total.
    assert shown["age_band.65_74"] == "fewer than 5"
    assert shown["age_band.45_54"] == "fewer than 5"
    assert shown["gender.woman"] == "6"
    assert shown["gender.man"] == "0"
    assert "6 of the 7 lay partners who were members on" in page

    rows = {row[3]: row for row in rows_of(client.get(FILE))[1:]}
    assert rows["age_band.65_74"][2] == "fewer than 5"
    assert rows["age_band.45_54"][2] == "fewer than 5"
    assert rows["gender.woman"][2] == "6"
    assert rows["equality_answered"][2] == "6"


def test_fewer_than_five_answers_hide_every_group(client, world, make_user):
    for _ in range(3):
        person = make_user()
        factories.make_membership(person, world["a"])
        answers(person, gender="man")
    summaries.rebuild()  # the memberships above were made by hand, not through the services
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get(PAGE).get_data(as_text=True)
    assert groups(page)["gender.man"] == "fewer than 5"
    who = page[page.index('<h2 id="who">') :]
    who = who[: who.index("<h2", 5)]
    assert "Fewer than 5 of the 4 lay partners" in who
    assert ">3<" not in who and all(
        count in ("0", "fewer than 5") for count in groups(who).values()
    )


def test_the_page_and_the_file_show_the_same_figures(client, busy):
    sign_in_as(client, busy["people"]["coordinator"])
    page = client.get(PAGE).get_data(as_text=True)
    response = client.get(FILE)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="health-alpha-')
    rows = rows_of(response)
    assert rows[0] == ["Month", "Measure", "Value", "Code"]
    in_file = {(code, month): value for month, _measure, value, code in rows[1:]}
    shown = cells(page)
    assert len(shown) == 12 * len(figures.KEYS)
    for (figure, month), text in shown.items():
        written = text.replace("£", "").replace("%", "").replace(",", "")
        expected = in_file[(figure, month)]
        if expected == "":
            assert text.startswith("—")
        else:
            assert Decimal(written) == Decimal(expected), (figure, month)
    assert all(value == groups(page)[code] for (code, _m), value in in_file.items() if "." in code)


def months_ago(count):
    """ "YYYY-MM" of the month `count` months before this one."""
    today = date.today()
    year, month = divmod(today.year * 12 + today.month - 1 - count, 12)
    return f"{year}-{month + 1:02d}"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (2, 6, "The last month must be the same as or after the first month"),
        (24, 0, "Choose a period of 24 months or less"),
        ("1999-01", 0, "Choose a month from the list"),
        ("soon", 0, "Choose a month from the list"),
        (0, "2999-01", "Choose a month from the list"),
    ],
)
def test_a_wrong_period_is_explained_in_the_error_summary(client, world, start, end, message):
    query = "?start={}&end={}".format(
        *(months_ago(value) if isinstance(value, int) else value for value in (start, end))
    )
    sign_in_as(client, world["people"]["coordinator"])
    for path in (PAGE, FILE):
        response = client.get(path + query)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "There is a problem" in page and message in page
        assert 'role="img"' not in page


def test_a_chosen_period_shows_its_months_only(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    chosen = [months_ago(count) for count in (26, 25, 24, 23)]
    page = client.get(PAGE + f"?start={chosen[0]}&end={chosen[-1]}").get_data(as_text=True)
    assert {month for _figure, month in cells(page)} == set(chosen)
    first = date.fromisoformat(chosen[0] + "-01").strftime("%B %Y")
    assert f'<option value="{chosen[0]}" selected>{first}</option>' in page


@pytest.mark.parametrize(("locale", "direction"), [("cy", "ltr"), ("ar", "rtl")])
def test_the_dashboard_reads_in_welsh_and_arabic(client, busy, locale, direction):
    coordinator = busy["people"]["coordinator"]
    coordinator.locale = locale
    db.session.flush()
    sign_in_as(client, coordinator)
    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{locale}" dir="{direction}">' in page
    assert page.count('role="img"') == 7
    assert client.get(FILE).status_code == 200


def test_the_dashboard_costs_the_same_statements_for_5_or_300_rows(client, world, count_queries):
    a, proposal = world["a"], world["proposals"]["open"]
    lay = world["people"]["lay"]

    def bulk(count):
        now = datetime.now(UTC)
        db.session.execute(
            sa.insert(Contribution),
            [
                {
                    "proposal_id": proposal.id,
                    "identity": "anonymous",
                    "idempotency_key": f"bulk-{next(_keys)}",
                    "submitted_at": now - timedelta(days=n % 300),
                    "first_response_at": now - timedelta(days=n % 300) + timedelta(days=2),
                    "outcome": ("shaped", "awaiting", "not_adopted")[n % 3],
                }
                for n in range(count)
            ],
        )
        first = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(InvolvementActivity.id), 0))
        )
        db.session.execute(
            sa.insert(InvolvementActivity),
            [
                {
                    "community_id": a.id,
                    "kind": "meeting",
                    "title": "Bulk",
                    "held_on": date.today() - timedelta(days=n % 300),
                    "minutes": 60,
                }
                for n in range(count)
            ],
        )
        ids = db.session.scalars(
            sa.select(InvolvementActivity.id).where(InvolvementActivity.id > first)
        ).all()
        db.session.execute(
            sa.insert(Participation), [{"activity_id": i, "user_id": lay.id} for i in ids]
        )
        summaries.rebuild([a.id])  # inserted in bulk, not through the services

    bulk(5)
    sign_in_as(client, world["people"]["coordinator"])
    client.get(PAGE)
    with count_queries() as few:
        assert client.get(PAGE).status_code == 200
    bulk(295)
    with count_queries() as many:
        page = client.get(PAGE).get_data(as_text=True)
    assert len(many) == len(few) <= 12
    assert (
        sum(int(text) for (figure, _m), text in cells(page).items() if figure == "contributions")
        == 301
    )


# The community's page ---------------------------------------------------------------------


def test_members_see_the_health_summary_and_coordinators_a_link_to_the_dashboard(client, busy):
    for who, link in (("lay", False), ("coordinator", True)):
        sign_in_as(client, busy["people"][who])
        page = client.get("/communities/alpha").get_data(as_text=True)
        assert '<h2 id="health">Community health</h2>' in page
        assert re.search(r'data-figure="active_lay_partners">7<', page)
        assert re.search(r'data-figure="hours_of_involvement">15<', page)
        assert re.search(r'data-figure="activities">1<', page)
        assert ('href="/communities/alpha/health"' in page) is link


def test_people_outside_the_community_see_no_health_summary(client, busy):
    assert 'id="health"' not in client.get("/communities/alpha").get_data(as_text=True)
    sign_in_as(client, busy["people"]["other_coordinator"])
    assert 'id="health"' not in client.get("/communities/alpha").get_data(as_text=True)
