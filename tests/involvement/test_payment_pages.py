"""Payments on the coordinators' pages: offered, accepted or declined, approved, exported
for the finance team and marked paid; the approvals queue; money totals."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import db
from portal.involvement import expenses, services
from portal.involvement.models import ExpenseClaim, Payment
from portal.involvement.queries import working_days_between
from portal.involvement.reminders import working_days_before
from tests.conftest import post_form, sign_in_as

MAY = "start=2026-05-01&end=2026-05-31"


def payments_of(activity):
    db.session.expire_all()  # pages write in their own session
    return {
        p.user_id: p
        for p in db.session.scalars(sa.select(Payment).where(Payment.activity_id == activity.id))
    }


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def claim(world, **changes):
    fields = {
        "category": "travel",
        "amount": Decimal("12.40"),
        "spent_on": date(2026, 5, 1),
        "description": "Bus to the meeting and back",
    }
    fields.update(changes)
    return expenses.submit(world["people"]["lay"], world["a"], **fields)


def approved(world, meeting, count=2):
    """`count` of the meeting's people with approved payments."""
    coordinator, a = world["people"]["coordinator"], world["a"]
    people = meeting["others"][:count]
    services.record_attendance(coordinator, meeting["activity"], a, [p.id for p in people])
    for payment in payments_of(meeting["activity"]).values():
        services.move_payment(coordinator, payment, a, "accept")
        services.move_payment(coordinator, payment, a, "approve")
    return payments_of(meeting["activity"])


# The story: six lay partners, one declines, the rest are approved, exported and paid ----------


def test_a_meeting_with_six_lay_partners_is_paid_through_to_finance(client, world, meeting):
    activity = meeting["activity"]
    six = [world["people"]["lay"], *meeting["others"]]
    sign_in_as(client, world["people"]["coordinator"])

    response = post_form(
        client, f"/activities/{activity.id}/attendance", {"people": [str(p.id) for p in six]}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/activities/{activity.id}")
    assert "6 people added or changed." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    offered = payments_of(activity)
    assert set(offered) == {p.id for p in six}
    # 90 minutes at the £30 an hour in force on 1 May 2026 (not the older £25).
    assert {(p.units, p.amount, p.status) for p in offered.values()} == {
        (Decimal("1.50"), Decimal("45.00"), "offered")
    }

    decliner, *others = six
    assert post_form(client, f"/payments/{offered[decliner.id].id}/decline").status_code == 302
    for person in others:
        payment_id = offered[person.id].id
        assert post_form(client, f"/payments/{payment_id}/accept").status_code == 302
        assert post_form(client, f"/payments/{payment_id}/approve").status_code == 302
    statuses = {user_id: p.status for user_id, p in payments_of(activity).items()}
    assert statuses.pop(decliner.id) == "declined"
    assert set(statuses.values()) == {"approved"}

    page = client.get(f"/communities/alpha/payments-due?{MAY}").get_data(as_text=True)
    assert "Total due: £225.00" in page and "Lay Person" not in page
    rows = csv_rows(client.get(f"/communities/alpha/payments-due.csv?{MAY}"))
    assert [row[0] for row in rows[1:-1]] == sorted(p.display_name for p in others)
    assert {row[4] for row in rows[1:-1]} == {"45.00"} and rows[-1][4] == "225.00"

    for person in others:
        payment_id = offered[person.id].id
        response = post_form(
            client,
            f"/payments/{payment_id}/pay",
            {
                f"pay-{payment_id}-paid_on-day": "20",
                f"pay-{payment_id}-paid_on-month": "5",
                f"pay-{payment_id}-paid_on-year": "2026",
                f"pay-{payment_id}-reference": f"BACS-{payment_id}",
            },
        )
        assert response.status_code == 302
    paid = [p for p in payments_of(activity).values() if p.status == "paid"]
    assert len(paid) == 5 and {p.paid_on for p in paid} == {date(2026, 5, 20)}
    page = client.get(f"/communities/alpha/payments-due?{MAY}").get_data(as_text=True)
    assert "Nothing is due in this period." in page
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert f"reference BACS-{paid[0].id}" in page


# Moving payments on the activity page ---------------------------------------------------------


def test_a_pay_form_in_error_keeps_what_was_typed(client, world, meeting):
    payment = next(iter(approved(world, meeting, 1).values()))
    sign_in_as(client, world["people"]["coordinator"])
    tomorrow = date.today() + timedelta(days=1)
    response = post_form(
        client,
        f"/payments/{payment.id}/pay",
        {
            f"pay-{payment.id}-paid_on-day": str(tomorrow.day),
            f"pay-{payment.id}-paid_on-month": str(tomorrow.month),
            f"pay-{payment.id}-paid_on-year": str(tomorrow.year),
            f"pay-{payment.id}-reference": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error:" in page
    assert "The date it was paid must be today or in the past" in page
    assert f'href="#pay-{payment.id}-paid_on"' in page
    year_box = f'name="pay-{payment.id}-paid_on-year" type="text" inputmode="numeric"'
    assert f'{year_box} value="{tomorrow.year}"' in page
    assert payments_of(meeting["activity"])[payment.user_id].status == "approved"


def test_a_step_a_payment_cannot_take_is_refused_on_the_page(client, world, meeting):
    coordinator = world["people"]["coordinator"]
    services.record_attendance(
        coordinator, meeting["activity"], world["a"], [meeting["others"][0].id]
    )
    payment = next(iter(payments_of(meeting["activity"]).values()))
    sign_in_as(client, coordinator)
    response = post_form(client, f"/payments/{payment.id}/approve")
    assert response.status_code == 400
    assert "This payment cannot be changed that way now." in response.get_data(as_text=True)
    assert payments_of(meeting["activity"])[payment.user_id].status == "offered"
    assert post_form(client, f"/payments/{payment.id}/refund").status_code == 404


def test_only_the_communitys_coordinators_move_its_payments(client, world, meeting):
    payment = next(iter(approved(world, meeting, 1).values()))
    paths = [f"/payments/{payment.id}/accept", f"/payments/{payment.id}/pay"]
    for role, status in (("lay", 403), ("professional", 403), ("other_coordinator", 404)):
        sign_in_as(client, world["people"][role])
        for path in paths:
            assert post_form(client, path).status_code == status, (role, path)
    assert post_form(client, "/payments/999999/accept").status_code == 404
    assert payments_of(meeting["activity"])[payment.user_id].status == "approved"


# The approvals queue ------------------------------------------------------------------------------


def test_the_queue_shows_waiting_payments_and_claims_oldest_first(client, world, meeting):
    coordinator, a = world["people"]["coordinator"], world["a"]
    payments = approved(world, meeting, 1)
    services.record_attendance(coordinator, meeting["activity"], a, [meeting["others"][1].id])
    waiting = claim(world)
    decided = claim(world, category="carer_cover", amount=Decimal("30"), description="Sitter")
    expenses.decide(
        coordinator, decided, a, decision="part", approved_amount=Decimal("20"), reason="Capped"
    )
    rejected = claim(world, category="childcare", description="Nursery")
    expenses.decide(coordinator, rejected, a, decision="reject", reason="Not on that day")
    monday = date(2026, 11, 2)
    waiting.submitted_at = datetime(2026, 10, 26, 9, tzinfo=UTC)  # a Monday
    db.session.flush()

    sign_in_as(client, coordinator)
    page = client.get("/communities/alpha/approvals").get_data(as_text=True)
    assert "Partner 0" in page and "Partner 1" in page and "Patient panel" in page
    assert "Approved" in page and "Offered" in page and "£45.00" in page
    assert f"/expenses/{waiting.id}" in page and f"/expenses/{decided.id}" in page
    assert f"/expenses/{rejected.id}" not in page
    assert "£20.00" in page and "of £30.00 claimed" in page
    assert page.index(f"/expenses/{waiting.id}") < page.index(f"/expenses/{decided.id}")
    days = working_days_between(date(2026, 10, 26), date.today())
    assert f"{days} working days" in page
    assert working_days_between(date(2026, 10, 26), monday) == 5
    assert len(payments) == 1


def test_payments_and_claims_turn_their_pages_separately(client, world, meeting):
    for number in range(26):
        claim(world, description=f"Bus number {number}")
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get("/communities/alpha/approvals").get_data(as_text=True)
    assert "claims_page=2" in page and "No payments are waiting." in page
    second = client.get("/communities/alpha/approvals?claims_page=2")
    assert second.status_code == 200 and second.get_data(as_text=True).count("/expenses/") == 1
    assert client.get("/communities/alpha/approvals?claims_page=3").status_code == 404


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Friday to Monday
        (date(2026, 11, 23), date(2026, 11, 23), 0),
        (date(2026, 11, 23), date(2026, 12, 7), 10),
        (date(2026, 11, 28), date(2026, 11, 29), 0),  # a weekend
    ],
)
def test_working_days_between_two_dates(start, end, days):
    assert working_days_between(start, end) == days


def test_working_days_between_undoes_working_days_before():
    day = date(2026, 11, 26)
    for count in (1, 5, 10, 20):
        assert working_days_between(working_days_before(day, count), day) == count


# Payments due for the finance team --------------------------------------------------------------


def test_payments_due_page_and_csv_show_the_same_rows_and_total(client, world, meeting, make_user):
    coordinator, a = world["people"]["coordinator"], world["a"]
    approved(world, meeting, 2)
    part = claim(world, amount=Decimal("30"), description="Taxi, as the bus was cancelled")
    expenses.decide(
        coordinator, part, a, decision="part", approved_amount=Decimal("18.50"), reason="Bus fare"
    )
    full = claim(world, category="childcare", amount=Decimal("10.05"), description="Nursery")
    expenses.decide(coordinator, full, a, decision="approve")
    claim(world, description="Not decided yet")
    april = claim(world, spent_on=date(2026, 4, 30), description="April bus")
    expenses.decide(coordinator, april, a, decision="approve")

    sign_in_as(client, coordinator)
    page = client.get(f"/communities/alpha/payments-due?{MAY}").get_data(as_text=True)
    rows = csv_rows(client.get(f"/communities/alpha/payments-due.csv?{MAY}"))
    assert rows[0][:6] == ["Name", "Email address", "What for", "Date", "Amount (£)", "How"]
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 4 and total[0] == "Total" and total[4] == "118.55"
    assert "Total due: £118.55" in page
    for name, email, what, day, amount, method, _reference in body:
        assert name in page and email in page and what in page
        assert f"£{amount}" in page and method in page
        assert day == "2026-05-01"
    assert "Expenses (Travel): Taxi, as the bus was cancelled" in page
    assert {row[2] for row in body} == {
        "Meeting: Patient panel",
        "Expenses (Travel): Taxi, as the bus was cancelled",
        "Expenses (Childcare): Nursery",
    }
    assert "Not decided yet" not in page and "April bus" not in page


def test_the_csv_neutralises_formulas_and_is_a_download(client, world, meeting):
    person = meeting["others"][0]
    person.display_name = '=HYPERLINK("http://evil.example")'
    db.session.flush()
    approved(world, meeting, 1)
    sign_in_as(client, world["people"]["coordinator"])
    response = client.get(f"/communities/alpha/payments-due.csv?{MAY}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = csv_rows(response)
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


def test_payments_due_defaults_to_this_month_and_checks_the_dates(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = client.get("/communities/alpha/payments-due")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing is due in this period." in page
    first = date.today().replace(day=1)
    assert f'value="{first.isoformat()}"' in page
    response = client.get("/communities/alpha/payments-due?start=2026-05-31&end=2026-05-01")
    assert response.status_code == 400
    assert "The last day must be the same as or after the first day" in response.get_data(
        as_text=True
    )
    assert client.get("/communities/alpha/payments-due.csv?start=nonsense").status_code == 400


# Totals ------------------------------------------------------------------------------------------


def test_totals_show_hours_and_money_by_month(client, world, meeting):
    coordinator, a = world["people"]["coordinator"], world["a"]
    payments = approved(world, meeting, 2)
    first = next(iter(payments.values()))
    services.move_payment(
        coordinator, first, a, "pay", paid_on=date(2026, 5, 20), reference="BACS-1"
    )
    paid_claim = claim(world, amount=Decimal("7.25"), spent_on=date(2026, 6, 2))
    expenses.decide(coordinator, paid_claim, a, decision="approve")
    expenses.mark_paid(coordinator, paid_claim, a, paid_on=date(2026, 6, 5), reference="E-1")

    sign_in_as(client, coordinator)
    page = client.get("/communities/alpha/money?year=2026").get_data(as_text=True)
    assert "Money and hours in 2026" in page
    may = page[page.index(">May<") : page.index(">June<")]
    assert ">3.0<" in may.replace(" ", "").replace("\n", "")  # two people, 90 minutes each
    assert "£45.00" in may and may.count("£45.00") == 2  # one approved, one paid
    june = page[page.index(">June<") : page.index(">July<")]
    assert "£7.25" in june
    assert client.get("/communities/alpha/money?year=1990").status_code == 404


# Who may see the community's money pages -------------------------------------------------------

MONEY_PAGES = [
    "/communities/alpha/approvals",
    "/communities/alpha/payments-due",
    "/communities/alpha/payments-due.csv",
    "/communities/alpha/money",
]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("professional", 403),
        ("lay", 403),
        ("other_coordinator", 403),
        ("admin", 403),
    ],
)
def test_only_the_communitys_coordinators_see_its_money(client, world, role, status):
    sign_in_as(client, world["people"][role])
    for path in MONEY_PAGES:
        assert client.get(path).status_code == status, path


def test_money_pages_ask_signed_out_people_to_sign_in(client, world):
    for path in MONEY_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get("/communities/nowhere/approvals").status_code == 302
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get("/communities/nowhere/approvals").status_code == 404


# Statements per page --------------------------------------------------------------------------


def _bulk_money(world, meeting, count):
    """`count` more approved payments (on new activities) and approved claims, in bulk."""
    from portal.involvement.models import InvolvementActivity

    a, lay = world["a"], world["people"]["lay"]
    db.session.execute(
        sa.insert(InvolvementActivity),
        [
            {
                "community_id": a.id,
                "kind": "meeting",
                "title": f"Bulk {n}",
                "held_on": date(2026, 5, 10),
                "minutes": 60,
            }
            for n in range(count)
        ],
    )
    ids = db.session.scalars(
        sa.select(InvolvementActivity.id).where(InvolvementActivity.title.like("Bulk %"))
    ).all()
    db.session.execute(
        sa.insert(Payment),
        [
            {
                "activity_id": i,
                "user_id": lay.id,
                "units": 1,
                "amount": 25,
                "status": "approved",
                "approved_at": datetime(2026, 5, 11, tzinfo=UTC),
            }
            for i in ids[-count:]
        ],
    )
    db.session.execute(
        sa.insert(ExpenseClaim),
        [
            {
                "community_id": a.id,
                "user_id": lay.id,
                "category": "travel",
                "amount": 5,
                "approved_amount": 5,
                "spent_on": date(2026, 5, 12),
                "description": "Bus",
                "status": "approved",
            }
            for _n in range(count)
        ],
    )
    db.session.flush()


@pytest.mark.parametrize(
    "path", ["/communities/alpha/approvals", f"/communities/alpha/payments-due?{MAY}"]
)
def test_queue_and_payments_due_cost_the_same_statements_with_more_rows(
    client, world, meeting, count_queries, path
):
    _bulk_money(world, meeting, 2)
    sign_in_as(client, world["people"]["coordinator"])
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _bulk_money(world, meeting, 60)
    with count_queries() as many:
        page = client.get(path).get_data(as_text=True)
    assert len(many) == len(few)
    assert "page=2" in page
