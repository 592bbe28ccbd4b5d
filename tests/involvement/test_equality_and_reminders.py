"""Equality monitoring shown only in groups of five or more; reminders about waiting money."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities.services import Refused
from portal.involvement import equality, expenses, reminders, services
from portal.involvement.models import EqualityAnswers, Payment
from portal.outbox import OutboxMessage


def test_answers_need_consent_and_can_be_changed_and_deleted(world):
    lay = world["people"]["lay"]
    with pytest.raises(Refused, match="agree"):
        equality.save(lay, consent=False, age_band="25_34")
    assert equality.answers_of(lay) is None
    equality.save(lay, consent=True, age_band="25_34", carer="yes")
    equality.save(lay, consent=True, age_band="35_44")
    answers = equality.answers_of(lay)
    assert (answers.age_band, answers.carer, answers.gender) == (
        "35_44",
        "prefer_not_to_say",
        "prefer_not_to_say",
    )
    with pytest.raises(Refused):
        equality.save(lay, consent=True, gender="made-up")
    equality.delete(lay)
    assert db.session.get(EqualityAnswers, lay.id) is None


def _people(make_user, answers):
    ids = []
    for values in answers:
        person = make_user()
        equality.save(person, consent=True, **values)
        ids.append(person.id)
    return sa.select(EqualityAnswers.user_id).where(EqualityAnswers.user_id.in_(ids))


def test_groups_under_five_are_hidden_and_cannot_be_worked_out(make_user):
    ids = _people(make_user, [{"carer": "yes"}] * 7 + [{"carer": "no"}] * 6 + [{}] * 2)
    answered, groups = equality.make_up(ids)
    assert answered == 15
    carer = dict(groups["carer"])
    # Two said nothing: hidden. With only one group hidden, the next smallest is hidden too,
    # so the two cannot be worked out from the total.
    assert carer == {"yes": 7, "no": None, "prefer_not_to_say": None}
    gender = dict(groups["gender"])
    assert gender["prefer_not_to_say"] == 15 and gender["woman"] == 0


def test_fewer_than_five_answers_hide_everything(make_user):
    ids = _people(make_user, [{"carer": "yes"}] * 3)
    answered, groups = equality.make_up(ids)
    assert answered is None
    assert dict(groups["carer"]) == {"yes": None, "no": 0, "prefer_not_to_say": 0}


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 11, 26), 10, date(2026, 11, 12)),  # a Thursday, two weeks back
        (date(2026, 11, 30), 1, date(2026, 11, 27)),  # Monday → the Friday before
        (date(2026, 11, 29), 5, date(2026, 11, 23)),  # from a Sunday
    ],
)
def test_working_days(day, count, expected):
    assert reminders.working_days_before(day, count) == expected


def test_coordinators_are_reminded_once_about_waiting_claims_and_unpaid_payments(
    app, world, meeting
):
    lay, coordinator, a = world["people"]["lay"], world["people"]["coordinator"], world["a"]
    old = expenses.submit(
        lay, a, category="travel", amount=Decimal("5"), spent_on=date(2026, 4, 1), description="Bus"
    )
    old.submitted_at = datetime(2026, 4, 1, 9, tzinfo=UTC)
    expenses.submit(
        lay,
        a,
        category="travel",
        amount=Decimal("6"),
        spent_on=date.today(),
        description="Bus again",
    )
    services.record_attendance(coordinator, meeting["activity"], a, [lay.id])
    payment = db.session.scalar(sa.select(Payment))
    services.move_payment(coordinator, payment, a, "accept")
    services.move_payment(coordinator, payment, a, "approve")
    payment.approved_at = datetime(2026, 4, 1, 9, tzinfo=UTC)
    db.session.flush()
    today = date(2026, 11, 26)
    assert reminders.remind(today) == (1, 1)
    assert reminders.remind(today) == (0, 0)
    kinds = db.session.scalars(
        sa.select(OutboxMessage.kind)
        .where(OutboxMessage.to_email == "coord@example.org")
        .order_by(OutboxMessage.id)
    ).all()
    assert kinds == ["claim_waiting", "payment_waiting"]
