"""A lay partner's own record: what they took part in, what they are paid and what they claimed.

Each list and total is one query, however many activities, payments or claims
there are. Only the person's own rows are ever read here.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import db
from ..communities.models import ACTIVE, LAY_PARTNER, Community, Membership
from . import money
from .labels import (
    ACTIVITY_KIND_LABELS,
    CLAIM_STATUS_LABELS,
    EXPENSE_CATEGORY_LABELS,
    PAYMENT_STATUS_LABELS,
)
from .models import (
    ACCEPTED,
    APPROVED,
    CLAIM_APPROVED,
    CLAIM_PAID,
    OFFERED,
    PART_APPROVED,
    PAYMENT_PAID,
    PER_HOUR,
    SUBMITTED,
    TRAINING,
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
)

PAYMENT_WAITING = (OFFERED, ACCEPTED, APPROVED)
CLAIM_AGREED = (CLAIM_APPROVED, PART_APPROVED)
STATEMENT_LIMIT = 500  # rows of each kind; a year holds far fewer


def hours(minutes):
    """Minutes as hours to the hundredth, in `Decimal`."""
    return money.units_for(PER_HOUR, minutes or 0)


def _money(value):
    return money.pence(value or 0)


def tax_year(today):
    """The UK tax year holding `today`: 6 April to 5 April."""
    start = date(today.year if today >= date(today.year, 4, 6) else today.year - 1, 4, 6)
    return start, date(start.year + 1, 4, 5)


# My involvement ---------------------------------------------------------------------------


def activities_query(user, training_only=False):
    """(activity, attended, community name) of what the person took part in, newest first."""
    return _activities(user.id, training_only)


def _activities(user_id, training_only=False):
    query = (
        sa.select(InvolvementActivity, Participation.attended, Community.name)
        .join(Participation, Participation.activity_id == InvolvementActivity.id)
        .join(Community, Community.id == InvolvementActivity.community_id)
        .where(Participation.user_id == user_id)
        .order_by(InvolvementActivity.held_on.desc(), InvolvementActivity.id.desc())
    )
    if training_only:
        query = query.where(InvolvementActivity.kind == TRAINING)
    return query


def payments_query(user):
    """(payment, activity title, activity date, community name), newest activity first."""
    return _payments(user.id)


def _payments(user_id):
    return (
        sa.select(Payment, InvolvementActivity.title, InvolvementActivity.held_on, Community.name)
        .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
        .join(Community, Community.id == InvolvementActivity.community_id)
        .where(Payment.user_id == user_id)
        .order_by(InvolvementActivity.held_on.desc(), Payment.id.desc())
    )


def claims_query(user):
    """(claim, community name), newest first."""
    return _claims(user.id)


def _claims(user_id):
    return (
        sa.select(ExpenseClaim, Community.name)
        .join(Community, Community.id == ExpenseClaim.community_id)
        .where(ExpenseClaim.user_id == user_id)
        .order_by(ExpenseClaim.submitted_at.desc(), ExpenseClaim.id.desc())
    )


_USER_ID = sa.bindparam("user_id", type_=sa.Integer)
_SINCE = sa.bindparam("since", type_=Payment.paid_on.type)


@cache
def _latest_statements(count):
    """The first `count` + 1 rows of each list, built once per process: each page binds
    the person's id. Building them afresh cost more than running them."""
    return {
        "activities": _activities(_USER_ID).limit(count + 1),
        "training": _activities(_USER_ID, training_only=True).limit(count + 1),
        "payments": _payments(_USER_ID).limit(count + 1),
        "claims": _claims(_USER_ID).limit(count + 1),
    }


def latest_lists(user, count):
    """{list name: (its first `count` rows, whether there are more)} for the person."""
    found = {}
    for name, statement in _latest_statements(count).items():
        rows = db.session.execute(statement, {"user_id": user.id}).all()
        found[name] = (rows[:count], len(rows) > count)
    return found


def _sum(column, *where):
    return sa.select(sa.func.sum(column)).where(*where).scalar_subquery()


def _totals_statement():
    """Hours, then payments and claims paid since a date, waiting and undecided."""
    return sa.select(
        _sum(
            InvolvementActivity.minutes,
            Participation.activity_id == InvolvementActivity.id,
            Participation.user_id == _USER_ID,
            Participation.attended.is_(True),
        ).label("minutes"),
        sa.select(
            sa.func.sum(
                sa.case(
                    (
                        sa.and_(Payment.status == PAYMENT_PAID, Payment.paid_on >= _SINCE),
                        Payment.amount,
                    )
                )
            ),
        )
        .where(Payment.user_id == _USER_ID)
        .scalar_subquery()
        .label("payments_paid"),
        _sum(
            Payment.amount, Payment.user_id == _USER_ID, Payment.status.in_(PAYMENT_WAITING)
        ).label("payments_waiting"),
        sa.select(
            sa.func.sum(
                sa.case(
                    (
                        sa.and_(ExpenseClaim.status == CLAIM_PAID, ExpenseClaim.paid_on >= _SINCE),
                        ExpenseClaim.approved_amount,
                    )
                )
            ),
        )
        .where(ExpenseClaim.user_id == _USER_ID)
        .scalar_subquery()
        .label("claims_paid"),
        _sum(
            ExpenseClaim.approved_amount,
            ExpenseClaim.user_id == _USER_ID,
            ExpenseClaim.status.in_(CLAIM_AGREED),
        ).label("claims_waiting"),
        _sum(
            ExpenseClaim.amount, ExpenseClaim.user_id == _USER_ID, ExpenseClaim.status == SUBMITTED
        ).label("claims_undecided"),
    )


TOTALS = _totals_statement()


def my_totals(user, today):
    """Hours taken part, money paid this tax year, and money still to come: one statement."""
    since, _end = tax_year(today)
    row = db.session.execute(TOTALS, {"user_id": user.id, "since": since}).one()
    return {
        "minutes": row.minutes or 0,
        "since": since,
        "paid": _money(row.payments_paid) + _money(row.claims_paid),
        "waiting": _money(row.payments_waiting) + _money(row.claims_waiting),
        "undecided": _money(row.claims_undecided),
    }


def lay_partner_communities(user):
    """(slug, name) of the live communities where the person is an active lay partner."""
    return db.session.execute(
        sa.select(Community.slug, Community.name)
        .join(Membership, Membership.community_id == Community.id)
        .where(
            Membership.user_id == user.id,
            Membership.status == ACTIVE,
            Membership.role == LAY_PARTNER,
            Community.archived_at.is_(None),
        )
        .order_by(Community.name)
    ).all()


def claimable_activities(user, community, keep_id=None, count=50):
    """(id, title, date) of the community's activities the person attended, newest first,
    and the one a claim already names."""
    took_part = sa.exists().where(
        Participation.activity_id == InvolvementActivity.id,
        Participation.user_id == user.id,
        Participation.attended.is_(True),
    )
    wanted = sa.or_(took_part, InvolvementActivity.id == keep_id) if keep_id else took_part
    return db.session.execute(
        sa.select(InvolvementActivity.id, InvolvementActivity.title, InvolvementActivity.held_on)
        .where(InvolvementActivity.community_id == community.id, wanted)
        .order_by(InvolvementActivity.held_on.desc(), InvolvementActivity.id.desc())
        .limit(count)
    ).all()


# The statement ------------------------------------------------------------------------------


@dataclass
class Statement:
    start: date
    end: date
    activities: list  # (activity, attended, community name, payment or None)
    claims: list  # (claim, community name)
    totals: dict
    cut_short: bool  # more rows than STATEMENT_LIMIT: the totals still count them all


LONGEST_PERIOD = timedelta(days=366)  # a tax year, even one with 29 February


def statement(user, start, end):
    """Everything of the person's in the period: activities by the day they were held, with
    their payment; claims by the day the money was spent. Four queries."""
    activity_rows = db.session.execute(
        sa.select(InvolvementActivity, Participation.attended, Community.name, Payment)
        .join(Participation, Participation.activity_id == InvolvementActivity.id)
        .join(Community, Community.id == InvolvementActivity.community_id)
        .outerjoin(
            Payment,
            sa.and_(Payment.activity_id == InvolvementActivity.id, Payment.user_id == user.id),
        )
        .where(
            Participation.user_id == user.id,
            InvolvementActivity.held_on.between(start, end),
        )
        .order_by(InvolvementActivity.held_on, InvolvementActivity.id)
        .limit(STATEMENT_LIMIT + 1)
    ).all()
    claim_rows = db.session.execute(
        sa.select(ExpenseClaim, Community.name)
        .join(Community, Community.id == ExpenseClaim.community_id)
        .where(ExpenseClaim.user_id == user.id, ExpenseClaim.spent_on.between(start, end))
        .order_by(ExpenseClaim.spent_on, ExpenseClaim.id)
        .limit(STATEMENT_LIMIT + 1)
    ).all()
    return Statement(
        start=start,
        end=end,
        activities=activity_rows[:STATEMENT_LIMIT],
        claims=claim_rows[:STATEMENT_LIMIT],
        totals=_statement_totals(user, start, end),
        cut_short=len(activity_rows) > STATEMENT_LIMIT or len(claim_rows) > STATEMENT_LIMIT,
    )


def _statement_totals(user, start, end):
    minutes, offered, paid = db.session.execute(
        sa.select(
            sa.func.sum(sa.case((Participation.attended.is_(True), InvolvementActivity.minutes))),
            sa.func.sum(sa.case((Payment.status.in_(PAYMENT_WAITING), Payment.amount))),
            sa.func.sum(sa.case((Payment.status == PAYMENT_PAID, Payment.amount))),
        )
        .select_from(Participation)
        .join(InvolvementActivity, InvolvementActivity.id == Participation.activity_id)
        .outerjoin(
            Payment,
            sa.and_(Payment.activity_id == InvolvementActivity.id, Payment.user_id == user.id),
        )
        .where(
            Participation.user_id == user.id,
            InvolvementActivity.held_on.between(start, end),
        )
    ).one()
    claimed, approved, claims_paid = db.session.execute(
        sa.select(
            sa.func.sum(ExpenseClaim.amount),
            sa.func.sum(
                sa.case(
                    (
                        ExpenseClaim.status.in_((*CLAIM_AGREED, CLAIM_PAID)),
                        ExpenseClaim.approved_amount,
                    )
                )
            ),
            sa.func.sum(sa.case((ExpenseClaim.status == CLAIM_PAID, ExpenseClaim.approved_amount))),
        ).where(ExpenseClaim.user_id == user.id, ExpenseClaim.spent_on.between(start, end))
    ).one()
    return {
        "minutes": minutes or 0,
        "hours": hours(minutes),
        "payments_waiting": _money(offered),
        "payments_paid": _money(paid),
        "claimed": _money(claimed),
        "approved": _money(approved),
        "claims_paid": _money(claims_paid),
        "paid": _money(paid) + _money(claims_paid),
    }


def _text(value):
    return "" if value is None else str(value)


def statement_rows(found):
    """The statement as spreadsheet rows: one header, a row per activity and per claim, then
    the totals. Amounts are plain numbers (12.50), dates ISO (2026-05-01)."""
    yield [
        _l("Type"),
        _l("Date"),
        _l("Community"),
        _l("What"),
        _l("Hours"),
        _l("Status"),
        _l("Amount offered or claimed (£)"),
        _l("Amount approved (£)"),
        _l("Amount paid (£)"),
        _l("Paid on"),
        _l("Payment reference"),
    ]
    for activity, attended, community_name, payment in found.activities:
        status = _l("Attended") if attended else _l("Offered, not attended")
        yield [
            ACTIVITY_KIND_LABELS[activity.kind],
            activity.held_on.isoformat(),
            community_name,
            activity.title,
            hours(activity.minutes) if attended else "",
            PAYMENT_STATUS_LABELS[payment.status] if payment else status,
            payment.amount if payment else "",
            payment.amount if payment and payment.status in (APPROVED, PAYMENT_PAID) else "",
            payment.amount if payment and payment.status == PAYMENT_PAID else "",
            _text(payment.paid_on.isoformat() if payment and payment.paid_on else None),
            payment.reference if payment else "",
        ]
    for claim, community_name in found.claims:
        yield [
            _l("Expenses: %(category)s", category=EXPENSE_CATEGORY_LABELS[claim.category]),
            claim.spent_on.isoformat(),
            community_name,
            claim.description,
            "",
            CLAIM_STATUS_LABELS[claim.status],
            claim.amount,
            _text(claim.approved_amount),
            claim.approved_amount if claim.status == CLAIM_PAID else "",
            _text(claim.paid_on.isoformat() if claim.paid_on else None),
            claim.reference,
        ]
    totals = found.totals
    yield [
        _l("Total"),
        "",
        "",
        _l("Activities"),
        totals["hours"],
        "",
        "",
        "",
        totals["payments_paid"],
        "",
        "",
    ]
    yield [
        _l("Total"),
        "",
        "",
        _l("Expenses"),
        "",
        "",
        totals["claimed"],
        totals["approved"],
        totals["claims_paid"],
        "",
        "",
    ]
    yield [_l("Total"), "", "", _l("Paid to you"), "", "", "", "", totals["paid"], "", ""]
