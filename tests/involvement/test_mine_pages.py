"""A lay partner's "My involvement" and statement: only their own activities, payments and
claims, with totals that agree between the page and the spreadsheet."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import db
from portal.involvement import expenses, my_queries, services
from portal.involvement.models import (
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
)
from tests import factories
from tests.conftest import sign_in_as


def long_date(day):
    return f"{day.day} {day:%B} {day.year}"


@pytest.fixture
def involved(world, rates, make_user):
    """Today, A's lay partner attended a 90-minute meeting (paid £45) and a half-day training
    (£150 offered), was offered a day's training they did not attend, and made four claims:
    £12.40 travel paid, £45 carer cover approved in part (£30), £20 childcare waiting and
    £5 rejected. Another lay partner of A claimed £99 for a taxi."""
    lay, coordinator, a = world["people"]["lay"], world["people"]["coordinator"], world["a"]
    other = make_user(display_name="Other Partner")
    factories.make_membership(other, a)
    today = date.today()

    def activity(kind, title, minutes, people, attended=True):
        found = services.create_activity(
            coordinator, a, kind=kind, title=title, held_on=today, minutes=minutes
        )
        services.record_attendance(coordinator, found, a, people, attended=attended)
        return found

    meeting = activity("meeting", "Patient panel", 90, [lay.id, other.id])
    activity("training", "Listening skills", 480, [lay.id], attended=False)
    activity("training", "Chairing meetings", 240, [lay.id])
    paid = db.session.scalar(
        sa.select(Payment).where(Payment.activity_id == meeting.id, Payment.user_id == lay.id)
    )
    for step in ("accept", "approve"):
        services.move_payment(coordinator, paid, a, step)
    services.move_payment(coordinator, paid, a, "pay", paid_on=today, reference="PAY-1")

    def claim(person, category, amount, description):
        return expenses.submit(
            person,
            a,
            category=category,
            amount=Decimal(amount),
            spent_on=today,
            description=description,
        )

    travel = claim(lay, "travel", "12.40", "=HYPERLINK(bus)")
    expenses.decide(coordinator, travel, a, decision="approve")
    expenses.mark_paid(coordinator, travel, a, paid_on=today, reference="EXP-1")
    carer = claim(lay, "carer_cover", "45", "Carer for my dad")
    expenses.decide(
        coordinator, carer, a, decision="part", approved_amount=Decimal("30"), reason="3 hours"
    )
    claim(lay, "childcare", "20", "Childminder")
    rejected = claim(lay, "other", "5", "Coffee")
    expenses.decide(coordinator, rejected, a, decision="reject", reason="Not an expense")
    claim(other, "travel", "99", "Secret taxi")
    db.session.commit()
    return {"lay": lay, "other": other, "carer": carer, "travel": travel}


def add_many(world, user, count, tag):
    """`count` more workshops attended and paid, and `count` more claims, in bulk."""
    a, today = world["a"], date.today()
    db.session.execute(
        sa.insert(InvolvementActivity),
        [
            {
                "community_id": a.id,
                "kind": "workshop",
                "title": f"{tag} {n}",
                "held_on": today,
                "minutes": 60,
                "notes": "",
            }
            for n in range(count)
        ],
    )
    ids = db.session.scalars(
        sa.select(InvolvementActivity.id).where(InvolvementActivity.title.like(f"{tag} %"))
    ).all()
    db.session.execute(
        sa.insert(Participation), [{"activity_id": id_, "user_id": user.id} for id_ in ids]
    )
    db.session.execute(
        sa.insert(Payment),
        [
            {
                "activity_id": id_,
                "user_id": user.id,
                "units": Decimal("1"),
                "amount": Decimal("25"),
                "status": "offered",
            }
            for id_ in ids
        ],
    )
    db.session.execute(
        sa.insert(ExpenseClaim),
        [
            {
                "community_id": a.id,
                "user_id": user.id,
                "category": "travel",
                "amount": Decimal("3.10"),
                "spent_on": today,
                "description": f"{tag} bus {n}",
                "status": "submitted",
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def this_tax_year():
    start, end = my_queries.tax_year(date.today())
    return {"start": start.isoformat(), "end": end.isoformat()}


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# Who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/my/involvement", "/my/involvement/statement", "/my/involvement/statement.csv"]
)
def test_anonymous_people_are_asked_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_my_involvement_shows_only_my_activities_payments_claims_and_training(
    client, world, involved
):
    sign_in_as(client, involved["lay"])
    page = client.get("/my/involvement").get_data(as_text=True)
    for words in ("Patient panel", "Listening skills", "Chairing meetings", "Coffee"):
        assert words in page
    assert "Training · offered" in page and "Training · attended" in page
    assert "Not attended" in page
    assert "£45.00" in page and "£150.00" in page and "PAY-1" in page
    assert "Approved in part" in page and "Rejected" in page and "Waiting for a decision" in page
    assert f'href="/expenses/{involved["carer"].id}"' in page
    assert "Secret taxi" not in page and "£99.00" not in page
    assert page.count("Listening skills") == 2  # in the activities and in the training history


def test_my_involvement_adds_up_hours_and_money(client, world, involved):
    sign_in_as(client, involved["lay"])
    page = client.get("/my/involvement").get_data(as_text=True)
    since = my_queries.tax_year(date.today())[0]
    assert '<dd class="nhsuk-summary-list__value" id="total-hours">5.5</dd>' in page
    assert f"Paid to you since {long_date(since)}" in page
    assert 'id="total-paid">£57.40</dd>' in page  # £45 payment and £12.40 travel
    assert 'id="total-waiting">£180.00</dd>' in page  # £150 training and £30 carer cover
    assert 'id="total-undecided">£20.00</dd>' in page


def test_my_involvement_links_to_claims_where_i_am_a_lay_partner_and_the_statement(
    client, world, make_community
):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    page = client.get("/my/involvement").get_data(as_text=True)
    assert 'href="/communities/alpha/expenses/new"' in page
    assert "Claim expenses from Alpha clinic" in page
    assert "/communities/beta/expenses/new" not in page
    assert 'href="/my/involvement/statement"' in page
    assert "You have not claimed expenses yet." in page


def test_each_list_is_paged_through_on_its_own(client, world, involved):
    add_many(world, involved["lay"], 25, "Extra")
    sign_in_as(client, involved["lay"])
    overview = client.get("/my/involvement").get_data(as_text=True)
    assert overview.count('<tr role="row" class="nhsuk-table__row"') == 5 * 3 + 2
    assert 'href="/my/involvement?show=claims"' in overview
    first = client.get("/my/involvement?show=claims").get_data(as_text=True)
    assert first.count('id="claim-') == 20 and "Next" in first
    assert "<h1>Your expense claims</h1>" in first
    second = client.get("/my/involvement?show=claims&page=2").get_data(as_text=True)
    assert second.count('id="claim-') == 29 - 20
    assert client.get("/my/involvement?show=claims&page=3").status_code == 404
    assert client.get("/my/involvement?show=everything").status_code == 404
    training = client.get("/my/involvement?show=training").get_data(as_text=True)
    assert "Listening skills" in training and "Extra 1" not in training


# The statement ------------------------------------------------------------------------------


def test_the_statement_shows_this_tax_year_unless_asked_and_only_my_own(client, world, involved):
    start, end = my_queries.tax_year(date.today())
    sign_in_as(client, involved["lay"])
    page = client.get("/my/involvement/statement").get_data(as_text=True)
    assert f"From {long_date(start)} to {long_date(end)}." in page
    assert f'value="{start.isoformat()}"' in page and f'value="{end.isoformat()}"' in page
    assert "Print command" in page and 'class="chorus-no-print"' in page
    assert "<script" not in page.split('id="maincontent"')[1]
    for words in ("Patient panel", "Chairing meetings", "Carer for my dad", "PAY-1", "EXP-1"):
        assert words in page
    assert "Secret taxi" not in page
    csv_link = f"/my/involvement/statement.csv?start={start.isoformat()}&amp;end={end.isoformat()}"
    assert csv_link in page


def test_the_statement_page_and_its_csv_hold_the_same_totals(client, world, involved):
    sign_in_as(client, involved["lay"])
    page = client.get("/my/involvement/statement", query_string=this_tax_year()).get_data(
        as_text=True
    )
    shown = {
        "total-hours": "5.5",
        "total-payments-paid": "£45.00",
        "total-payments-waiting": "£150.00",
        "total-claimed": "£82.40",
        "total-approved": "£42.40",
        "total-claims-paid": "£12.40",
    }
    for id_, value in shown.items():
        assert f'id="{id_}">{value}</dd>' in page
    assert 'id="total-paid"><strong>£57.40</strong>' in page

    response = client.get("/my/involvement/statement.csv", query_string=this_tax_year())
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = csv_rows(response)
    header, totals = rows[0], {row[3]: row for row in rows if row[0] == "Total"}
    assert header[:5] == ["Type", "Date", "Community", "What", "Hours"]
    assert Decimal(totals["Activities"][4]) == Decimal("5.5")
    assert Decimal(totals["Activities"][8]) == Decimal("45.00")
    assert [Decimal(cell) for cell in totals["Expenses"][6:9]] == [
        Decimal("82.40"),
        Decimal("42.40"),
        Decimal("12.40"),
    ]
    assert Decimal(totals["Paid to you"][8]) == Decimal("57.40")
    described = [row[3] for row in rows]
    assert "'=HYPERLINK(bus)" in described  # a formula is neutralised
    assert "Secret taxi" not in described
    assert len(rows) == 1 + 3 + 4 + 3  # header, activities, claims, totals


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "same as or after the first day"),
        ({"start": "2025-01-01", "end": "2026-06-01"}, "Choose a period of one year or less"),
        ({"start": "2026-05-01"}, "Enter the last day of the period"),
        ({"start": "soon", "end": "2026-06-01"}, "Not a valid date value"),
    ],
)
def test_a_wrong_period_is_explained(client, world, period, message):
    sign_in_as(client, world["people"]["lay"])
    response = client.get("/my/involvement/statement", query_string=period)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert client.get("/my/involvement/statement.csv", query_string=period).status_code == 400


def test_a_period_holds_only_what_happened_in_it(client, world, involved):
    sign_in_as(client, involved["lay"])
    page = client.get(
        "/my/involvement/statement", query_string={"start": "2001-01-01", "end": "2001-12-31"}
    ).get_data(as_text=True)
    assert "No activities in this period." in page and "No expense claims in this period." in page
    assert 'id="total-paid"><strong>£0.00</strong>' in page


# A constant number of SQL statements ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/my/involvement",
        "/my/involvement?show=activities",
        "/my/involvement?show=payments",
        "/my/involvement?show=claims",
        "/my/involvement/statement",
        "/my/involvement/statement.csv",
    ],
)
def test_pages_cost_the_same_statements_with_few_or_many_rows(
    client, world, involved, count_queries, path
):
    sign_in_as(client, involved["lay"])
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_many(world, involved["lay"], 40, "More")
    with count_queries() as many:
        response = client.get(path)
    assert response.status_code == 200 and len(many) == len(few)
    text = response.get_data(as_text=True)
    assert "More 39" in text or "More bus 39" in text  # the newest rows are shown
