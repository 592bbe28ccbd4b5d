"""Rates by date, payments offered once and fixed, and sums to the penny."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities.services import NotAllowed, Refused
from portal.involvement import money, services
from portal.involvement.models import Payment
from portal.outbox import OutboxMessage


def payments_of(activity):
    return {
        p.user_id: p
        for p in db.session.scalars(sa.select(Payment).where(Payment.activity_id == activity.id))
    }


@pytest.mark.parametrize(
    ("unit", "minutes", "units"),
    [
        ("hour", 90, "1.50"),
        ("hour", 50, "0.83"),
        ("hour", 1, "0.02"),
        ("half_day", 240, "1"),
        ("half_day", 241, "2"),
        ("day", 30, "1"),
        ("day", 481, "2"),
        ("task", 600, "1"),
    ],
)
def test_units_of_an_activity(unit, minutes, units):
    assert money.units_for(unit, minutes) == Decimal(units)


def test_amounts_round_to_the_penny_with_decimals_never_floats():
    units, amount = money.amount_for(Decimal("25.00"), "hour", 50)
    assert (units, amount) == (Decimal("0.83"), Decimal("20.75"))
    assert isinstance(amount, Decimal)
    assert money.pence(Decimal("2.345")) == Decimal("2.35")
    assert money.pence(Decimal("2.344")) == Decimal("2.34")


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.5", "12.5"),
        ("£1,200.00", "1200.00"),
        (" 3 ", "3"),
        ("", None),
        ("abc", None),
        ("1.234", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_typed_amounts(typed, value):
    assert money.parse_amount(typed) == (Decimal(value) if value else None)


def test_the_rate_in_force_on_the_activity_date_is_used(rates):
    assert services.rate_on("meeting", date(2024, 12, 31)) is None
    assert services.rate_on("meeting", date(2025, 1, 1)) == rates["old"]
    assert services.rate_on("meeting", date(2026, 3, 31)) == rates["old"]
    assert services.rate_on("meeting", date(2026, 4, 1)) == rates["new"]
    assert services.rate_on("training", date(2026, 4, 1)) == rates["training"]


def test_only_site_admins_keep_rates_and_two_rates_cannot_start_the_same_day(world, rates):
    with pytest.raises(NotAllowed):
        services.add_rate(
            world["people"]["coordinator"],
            kind="meeting",
            unit="hour",
            amount=Decimal("40"),
            effective_from=date(2027, 1, 1),
        )
    with pytest.raises(Refused, match="already starts"):
        services.add_rate(
            world["people"]["admin"],
            kind="meeting",
            unit="hour",
            amount=Decimal("40"),
            effective_from=date(2026, 4, 1),
        )


def test_attendance_offers_each_person_one_payment_at_the_rate_then_in_force(world, meeting):
    activity, coordinator = meeting["activity"], world["people"]["coordinator"]
    people = [world["people"]["lay"].id] + [p.id for p in meeting["others"]]
    assert services.record_attendance(coordinator, activity, world["a"], people) == 6
    # Recording the same people again adds nobody and offers nothing twice.
    assert services.record_attendance(coordinator, activity, world["a"], people) == 0
    found = payments_of(activity)
    assert len(found) == 6
    assert {p.amount for p in found.values()} == {Decimal("45.00")}  # 1.5 hours at £30
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 6


def test_a_new_rate_after_payment_changes_nothing_paid(world, meeting, rates):
    activity, coordinator, a = meeting["activity"], world["people"]["coordinator"], world["a"]
    lay = world["people"]["lay"]
    services.record_attendance(coordinator, activity, a, [lay.id])
    payment = payments_of(activity)[lay.id]
    for action in ("accept", "approve"):
        services.move_payment(coordinator, payment, a, action)
    services.move_payment(coordinator, payment, a, "pay", paid_on=date.today(), reference="BACS 1")
    services.add_rate(
        world["people"]["admin"],
        kind="meeting",
        unit="hour",
        amount=Decimal("50"),
        effective_from=date(2026, 5, 1),
    )
    services.offer_payments(activity)
    db.session.expire_all()
    assert payments_of(activity)[lay.id].amount == Decimal("45.00")
    with pytest.raises(Refused):  # paid is final: nobody is paid twice
        services.move_payment(
            coordinator, payment, a, "pay", paid_on=date.today(), reference="BACS 2"
        )


def test_preferences_decide_what_is_offered(world, meeting):
    activity, coordinator, a = meeting["activity"], world["people"]["coordinator"], world["a"]
    cannot, declines, voucher = meeting["others"][:3]
    services.set_preference(cannot, "cannot_be_paid")
    services.set_preference(declines, "decline")
    services.set_preference(voucher, "voucher")
    services.record_attendance(coordinator, activity, a, [cannot.id, declines.id, voucher.id])
    found = payments_of(activity)
    assert cannot.id not in found
    assert found[declines.id].status == "declined"
    assert (found[voucher.id].status, found[voucher.id].method) == ("offered", "voucher")


def test_payment_steps_follow_in_order_and_the_person_is_told(world, meeting):
    activity, coordinator, a = meeting["activity"], world["people"]["coordinator"], world["a"]
    lay = world["people"]["lay"]
    services.record_attendance(coordinator, activity, a, [lay.id])
    payment = payments_of(activity)[lay.id]
    with pytest.raises(Refused):
        services.move_payment(coordinator, payment, a, "approve")  # not accepted yet
    services.move_payment(coordinator, payment, a, "accept")
    services.move_payment(coordinator, payment, a, "approve")
    for paid_on, reference, message in [
        (None, "X", "date"),
        (date.today() + timedelta(days=1), "X", "past"),
        (date.today(), " ", "reference"),
    ]:
        with pytest.raises(Refused, match=message):
            services.move_payment(
                coordinator, payment, a, "pay", paid_on=paid_on, reference=reference
            )
    services.move_payment(coordinator, payment, a, "pay", paid_on=date.today(), reference="B1")
    assert payment.status == "paid"
    subjects = db.session.scalars(
        sa.select(OutboxMessage.subject)
        .where(OutboxMessage.user_id == lay.id, OutboxMessage.kind == "payment_status")
        .order_by(OutboxMessage.id)
    ).all()
    assert len(subjects) == 3 and subjects[-1].endswith("Paid")
    with pytest.raises(NotAllowed):
        services.move_payment(world["people"]["professional"], payment, a, "decline")


def test_only_active_lay_partners_of_the_community_take_part(world, meeting):
    activity, coordinator = meeting["activity"], world["people"]["coordinator"]
    with pytest.raises(Refused, match="at least one lay partner"):
        services.record_attendance(
            coordinator,
            activity,
            world["a"],
            [world["people"]["professional"].id, world["people"]["other_coordinator"].id],
        )
    with pytest.raises(NotAllowed):
        services.record_attendance(
            world["people"]["other_coordinator"], activity, world["a"], [world["people"]["lay"].id]
        )
