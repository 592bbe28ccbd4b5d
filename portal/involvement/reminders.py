"""Reminders through the outbox: claims waiting for a decision, payments approved but unpaid.

Counted in working days (Monday to Friday; bank holidays are not known here).
Each claim or payment is reminded about once.
"""

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from .. import dates, db, outbox
from ..accounts.models import User
from ..communities.models import ACTIVE, COORDINATOR, Community, Membership
from ..db import utcnow
from ..links import public_url
from .models import APPROVED, SUBMITTED, ExpenseClaim, InvolvementActivity, Payment

CLAIM_WAITING_DAYS = 10
PAYMENT_WAITING_DAYS = 20


def working_days_before(day, count):
    """The date `count` working days before `day`."""
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _end_of(day):
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _coordinators(community_id):
    return db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community_id,
            Membership.role == COORDINATOR,
            Membership.status == ACTIVE,
        )
    ).all()


def remind(today=None):
    """Tell coordinators about claims and payments that have waited too long. Returns counts."""
    today = today or dates.today()
    claims_before = working_days_before(today, CLAIM_WAITING_DAYS)
    payments_before = working_days_before(today, PAYMENT_WAITING_DAYS)
    claims = db.session.execute(
        sa.select(ExpenseClaim, Community)
        .join(Community, Community.id == ExpenseClaim.community_id)
        .where(
            ExpenseClaim.status == SUBMITTED,
            ExpenseClaim.reminded_at.is_(None),
            ExpenseClaim.submitted_at < _end_of(claims_before),
        )
        .order_by(ExpenseClaim.id)
        .limit(500)
    ).all()
    for claim, community in claims:
        for coordinator in _coordinators(community.id):
            outbox.queue(
                coordinator,
                "claim_waiting",
                link=public_url("involvement.queue", slug=community.slug),
                claim=claim,
                community=community,
                days=CLAIM_WAITING_DAYS,
            )
        claim.reminded_at = utcnow()
    payments = db.session.execute(
        sa.select(Payment, InvolvementActivity, Community)
        .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
        .join(Community, Community.id == InvolvementActivity.community_id)
        .where(
            Payment.status == APPROVED,
            Payment.reminded_at.is_(None),
            Payment.approved_at < _end_of(payments_before),
        )
        .order_by(Payment.id)
        .limit(500)
    ).all()
    for payment, activity, community in payments:
        for coordinator in _coordinators(community.id):
            outbox.queue(
                coordinator,
                "payment_waiting",
                link=public_url("involvement.queue", slug=community.slug),
                payment=payment,
                activity=activity,
                community=community,
                days=PAYMENT_WAITING_DAYS,
            )
        payment.reminded_at = utcnow()
    db.session.flush()
    return len(claims), len(payments)
