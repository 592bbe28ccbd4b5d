"""The site admins' payment rates page: every rate by kind, which is in force, adding one."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import db
from portal.involvement import services
from portal.involvement.models import Payment, PaymentRate
from tests.conftest import post_form, sign_in_as

PATH = "/admin/payment-rates"


def rate_form(**changes):
    data = {
        "kind": "meeting",
        "unit": "hour",
        "amount": "£32.50",
        "effective_from-day": "1",
        "effective_from-month": "1",
        "effective_from-year": "2027",
        "note": "Agreed by the board",
    }
    data.update(changes)
    return data


def stored_rates(kind="meeting"):
    db.session.expire_all()  # pages write in their own session
    return db.session.scalars(
        sa.select(PaymentRate).where(PaymentRate.kind == kind).order_by(PaymentRate.effective_from)
    ).all()


@pytest.mark.parametrize("role", ["coordinator", "professional", "lay"])
def test_only_site_admins_keep_the_rates(client, world, role):
    sign_in_as(client, world["people"][role])
    assert client.get(PATH).status_code == 403
    assert post_form(client, PATH, rate_form()).status_code == 403
    assert len(stored_rates()) == 0


def test_signed_out_people_are_asked_to_sign_in(client):
    response = client.get(PATH)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_every_rate_is_listed_by_kind_newest_first_with_the_one_in_force(client, world, rates):
    services.add_rate(
        world["people"]["admin"],
        kind="meeting",
        unit="hour",
        amount=Decimal("99"),
        effective_from=date(2099, 1, 1),
        note="Planned rise",
    )
    sign_in_as(client, world["people"]["admin"])
    page = client.get(PATH).get_data(as_text=True)
    assert "examples" in page and "never changes payments already offered" in page
    meeting = page[page.index("<h2>Meeting</h2>") : page.index("<h2>Training</h2>")]
    assert meeting.index("£99.00") < meeting.index("£30.00") < meeting.index("£25.00")
    assert "Planned rise" in meeting and "Not yet" in meeting and "Replaced" in meeting
    in_force = meeting[meeting.index("£30.00") : meeting.index("£25.00")]
    assert "In force" in in_force
    training = page[page.index("<h2>Training</h2>") :]
    assert "£150.00 per day" in training and "In force" in training


def test_an_admin_adds_a_rate_and_earlier_payments_keep_their_amounts(client, world, meeting):
    coordinator = world["people"]["coordinator"]
    services.record_attendance(
        coordinator, meeting["activity"], world["a"], [meeting["others"][0].id]
    )
    sign_in_as(client, world["people"]["admin"])
    response = post_form(client, PATH, rate_form())
    assert response.status_code == 302 and response.headers["Location"].endswith(PATH)
    newest = stored_rates()[-1]
    assert (newest.unit, newest.amount, newest.effective_from, newest.note) == (
        "hour",
        Decimal("32.50"),
        date(2027, 1, 1),
        "Agreed by the board",
    )
    assert "The rate is added." in client.get(PATH).get_data(as_text=True)
    payment = db.session.scalar(sa.select(Payment))
    assert payment.amount == Decimal("45.00")


def test_a_rate_with_bad_input_keeps_what_was_typed(client, world):
    sign_in_as(client, world["people"]["admin"])
    response = post_form(
        client,
        PATH,
        rate_form(amount="12.345", unit="", **{"effective_from-year": "", "note": "Kept note"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error:" in page
    assert "Enter an amount from £0 to £10,000, in pounds and pence" in page
    assert 'value="12.345"' in page
    assert "Choose what the rate is paid per" in page
    assert "Enter a full date" in page and "Kept note" in page
    assert stored_rates() == []


def test_two_rates_cannot_start_on_the_same_day(client, world, rates):
    sign_in_as(client, world["people"]["admin"])
    response = post_form(
        client,
        PATH,
        rate_form(**{"effective_from-month": "4", "effective_from-year": "2026"}),
    )
    assert response.status_code == 400
    assert "A rate for this kind of activity already starts on that date" in response.get_data(
        as_text=True
    )
    assert [rate.amount for rate in stored_rates()] == [Decimal("25.00"), Decimal("30.00")]
