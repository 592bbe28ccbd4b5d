"""Involvement rules: activities and who took part, payment rates, payments offered and paid.

Coordinators of a community record its activities and run its payments; site
admins keep the payment rates. Services check permission, validate, write,
queue notifications and flush; the request commits. A refusal raises
`Refused` and changes nothing.
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import dates, db, outbox, permissions
from ..accounts.models import User
from ..communities.models import ACTIVE, LAY_PARTNER, Community, Membership
from ..communities.services import Refused, require
from ..consultations.models import Proposal
from ..db import Base, utcnow
from ..health import summaries
from ..links import public_url
from . import money
from .models import (
    ACCEPTED,
    ACTIVITY_KINDS,
    APPROVED,
    CANNOT_BE_PAID,
    DECLINE,
    DECLINED,
    OFFERED,
    PAID,
    PAYMENT_PAID,
    PREFERENCES,
    UNITS,
    VOUCHER,
    InvolvementActivity,
    Participation,
    Payment,
    PaymentPreference,
    PaymentRate,
)

MOST_MINUTES = 24 * 60


# Activities -------------------------------------------------------------------------------


def get_activity(activity_id: int) -> InvolvementActivity | None:
    return db.session.get(InvolvementActivity, activity_id)


def _check_activity(community: Community, fields: Mapping[str, Any]) -> dict[str, object]:
    kind = fields.get("kind")
    if kind not in ACTIVITY_KINDS:
        raise Refused(_l("Choose what kind of activity it was"))
    title = (fields.get("title") or "").strip()
    if not title:
        raise Refused(_l("Enter a title for the activity"))
    if len(title) > 150:
        raise Refused(_l("Shorten the title to 150 characters or fewer"))
    held_on = fields.get("held_on")
    if held_on is None:
        raise Refused(_l("Enter the date of the activity"))
    minutes = fields.get("minutes")
    if minutes is None or not 1 <= minutes <= MOST_MINUTES:
        raise Refused(_l("Enter the time spent, from 1 minute to 24 hours"))
    proposal_id = fields.get("proposal_id") or None
    if proposal_id is not None:
        proposal = db.session.get(Proposal, proposal_id)
        if proposal is None or proposal.community_id != community.id:
            raise Refused(_l("Choose a proposal of this community"))
    return {
        "kind": kind,
        "title": title,
        "held_on": held_on,
        "minutes": minutes,
        "proposal_id": proposal_id,
        "notes": (fields.get("notes") or "").strip(),
    }


def create_activity(actor: User, community: Community, **fields: Any) -> InvolvementActivity:
    require(permissions.can_manage_involvement(actor, community))
    activity = InvolvementActivity(
        community_id=community.id, created_by_id=actor.id, **_check_activity(community, fields)
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(
    actor: User, activity: InvolvementActivity, community: Community, **fields: Any
) -> InvolvementActivity:
    """Change an activity. Payments already offered keep their amounts."""
    require(permissions.can_manage_involvement(actor, community))
    checked = _check_activity(community, fields)
    before = summaries.activity_part(activity)
    for name, value in checked.items():
        setattr(activity, name, value)
    activity.updated_at = utcnow()
    summaries.activity_moved(activity, before)
    return activity


def lay_partner_ids(community: Community, user_ids: Collection[int]) -> set[int]:
    """The ids among these that are active lay partners of the community."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Membership.user_id).where(
                Membership.community_id == community.id,
                Membership.user_id.in_(user_ids),
                Membership.status == ACTIVE,
                Membership.role == LAY_PARTNER,
            )
        )
    )


def record_attendance(
    actor: User,
    activity: InvolvementActivity,
    community: Community,
    user_ids: Iterable[int],
    *,
    attended: bool = True,
) -> int:
    """Add these lay partners to the activity (in bulk, from the member list).

    For training, `attended=False` records that it was offered to them.
    People already there are updated, not added twice. Payments are then
    offered to those who attended. Returns how many people were added or changed.
    """
    require(permissions.can_manage_involvement(actor, community))
    wanted = lay_partner_ids(community, set(user_ids))
    if not wanted:
        raise Refused(_l("Choose at least one lay partner of this community"))
    existing = {
        p.user_id: p
        for p in db.session.scalars(
            sa.select(Participation).where(
                Participation.activity_id == activity.id, Participation.user_id.in_(wanted)
            )
        )
    }
    changed = attending = 0
    for user_id in sorted(wanted):
        found = existing.get(user_id)
        if found is None:
            participation = Participation(
                activity_id=activity.id, user_id=user_id, attended=attended
            )
            added = _added_once(participation)
            changed += added
            attending += added if attended else 0
        elif found.attended != attended:
            found.attended = attended
            changed += 1
            attending += 1 if attended else -1
    db.session.flush()
    summaries.attendance_changed(activity, attending)
    offer_payments(activity)
    return changed


def _added_once(row: Base) -> int:
    """Add a row kept unique by the database; 0 if another request added it at the same moment.

    Two coordinators may record the same person at once: the unique key keeps
    one row, and the savepoint lets the later request carry on without it.
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return 0
    return 1


def remove_participant(
    actor: User, activity: InvolvementActivity, community: Community, user_id: int
) -> None:
    """Take someone off an activity, with any payment not yet approved."""
    require(permissions.can_manage_involvement(actor, community))
    payment = _payment_of(activity.id, user_id)
    if payment is not None and payment.status in (APPROVED, PAYMENT_PAID):
        raise Refused(_l("Their payment is approved, so they stay on the activity."))
    if payment is not None:
        db.session.delete(payment)
    removed = db.session.scalars(
        sa.delete(Participation)
        .where(Participation.activity_id == activity.id, Participation.user_id == user_id)
        .returning(Participation.attended)
    ).all()
    summaries.attendance_changed(activity, -sum(1 for attended in removed if attended))
    db.session.flush()


# Payment rates ------------------------------------------------------------------------------


def rate_on(kind: str, day: date) -> PaymentRate | None:
    """The rate in force for this kind of activity on `day`, or None."""
    return db.session.scalar(
        sa.select(PaymentRate)
        .where(PaymentRate.kind == kind, PaymentRate.effective_from <= day)
        .order_by(PaymentRate.effective_from.desc())
        .limit(1)
    )


def add_rate(
    actor: User,
    *,
    kind: str,
    unit: str,
    amount: Decimal | None,
    effective_from: date | None,
    note: str | None = "",
) -> PaymentRate:
    """A new rate from a date. Earlier rates and payments made at them stay as they were."""
    require(permissions.can_manage_rates(actor))
    if kind not in ACTIVITY_KINDS:
        raise Refused(_l("Choose the kind of activity"))
    if unit not in UNITS:
        raise Refused(_l("Choose what the rate is paid per"))
    if amount is None or amount < 0 or amount > 10000:
        raise Refused(_l("Enter an amount from £0 to £10,000, in pounds and pence"))
    if effective_from is None:
        raise Refused(_l("Enter the date the rate starts"))
    clash = db.session.scalar(
        sa.select(PaymentRate.id).where(
            PaymentRate.kind == kind, PaymentRate.effective_from == effective_from
        )
    )
    if clash is not None:
        raise Refused(_l("A rate for this kind of activity already starts on that date"))
    rate = PaymentRate(
        kind=kind,
        unit=unit,
        amount=money.pence(amount),
        effective_from=effective_from,
        note=(note or "").strip(),
        created_by_id=actor.id,
    )
    db.session.add(rate)
    db.session.flush()
    return rate


# Payments -----------------------------------------------------------------------------------


def preference_of(user_id: int) -> str:
    found = db.session.get(PaymentPreference, user_id)
    return found.preference if found is not None else PAID


def set_preference(user: User, preference: str) -> PaymentPreference:
    if preference not in PREFERENCES:
        raise Refused(_l("Choose how you would like to be paid"))
    found = db.session.get(PaymentPreference, user.id)
    if found is None:
        found = PaymentPreference(user_id=user.id)
        db.session.add(found)
    found.preference = preference
    found.updated_at = utcnow()
    db.session.flush()
    return found


def _payment_of(activity_id: int, user_id: int) -> Payment | None:
    return db.session.scalar(
        sa.select(Payment).where(Payment.activity_id == activity_id, Payment.user_id == user_id)
    )


def offer_payments(activity: InvolvementActivity) -> list[Payment]:
    """Offer a payment to each person who attended and has none for this activity yet.

    The amount comes from the rate in force on the activity's date and is
    then fixed. People who cannot be paid get no offer; people who decline
    payment get an offer already marked declined. Without a rate, nothing is
    offered. Returns the payments made.
    """
    rate = rate_on(activity.kind, activity.held_on)
    if rate is None:
        return []
    attended = db.session.scalars(
        sa.select(Participation.user_id).where(
            Participation.activity_id == activity.id, Participation.attended.is_(True)
        )
    ).all()
    paid_already = set(
        db.session.scalars(sa.select(Payment.user_id).where(Payment.activity_id == activity.id))
    )
    preferences = dict(
        db.session.execute(
            sa.select(PaymentPreference.user_id, PaymentPreference.preference).where(
                PaymentPreference.user_id.in_(attended)
            )
        ).all()
    )
    made = []
    for user_id in attended:
        preference = preferences.get(user_id, PAID)
        if user_id in paid_already or preference == CANNOT_BE_PAID:
            continue
        units, amount = money.amount_for(rate.amount, rate.unit, activity.minutes)
        payment = Payment(
            activity_id=activity.id,
            user_id=user_id,
            rate_id=rate.id,
            units=units,
            amount=amount,
            method=VOUCHER if preference == VOUCHER else PAID,
            status=DECLINED if preference == DECLINE else OFFERED,
        )
        if _added_once(payment):
            made.append(payment)
    db.session.flush()
    return made


# What each step may follow, and the words for telling the person.
MOVES = {
    "accept": ({OFFERED, DECLINED}, ACCEPTED),
    "decline": ({OFFERED, ACCEPTED}, DECLINED),
    "approve": ({ACCEPTED}, APPROVED),
    "pay": ({APPROVED}, PAYMENT_PAID),
}


def move_payment(
    actor: User,
    payment: Payment,
    community: Community,
    action: str,
    *,
    paid_on: date | None = None,
    reference: str | None = "",
) -> Payment:
    """Mark a payment accepted or declined, approved, or paid (with a date and reference).

    A paid payment is final: nobody is paid twice for one activity.
    """
    require(permissions.can_manage_involvement(actor, community))
    if action not in MOVES:
        raise Refused(_l("Choose what to do with the payment"))
    allowed, status = MOVES[action]
    if payment.status not in allowed:
        raise Refused(_l("This payment cannot be changed that way now."))
    if action == "pay":
        reference = (reference or "").strip()
        if paid_on is None:
            raise Refused(_l("Enter the date it was paid"))
        if paid_on > dates.today():
            raise Refused(_l("The date it was paid must be today or in the past"))
        if not reference:
            raise Refused(_l("Enter the payment reference"))
        payment.paid_on = paid_on
        payment.reference = reference[:80]
    if action == "approve":
        payment.approved_at = utcnow()
        payment.approved_by_id = actor.id
    payment.status = status
    payment.updated_at = utcnow()
    if status == PAYMENT_PAID:
        summaries.payment_paid(payment, get_activity(payment.activity_id))
    db.session.flush()
    _tell_payment(payment)
    return payment


def _tell_payment(payment: Payment) -> None:

    person = db.session.get(User, payment.user_id) if payment.user_id else None
    if person is None:
        return
    activity = db.session.get(InvolvementActivity, payment.activity_id)
    outbox.queue(
        person,
        "payment_status",
        link=public_url("involvement.mine"),
        payment=payment,
        activity=activity,
    )
