"""What the coordinators' involvement pages read: activities and who took part, the
approvals queue, payments due for the finance team, money totals and payment rates.

Each list is one query a page, whatever the number of rows.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from .. import dates, db
from ..accounts.models import User
from ..communities.models import ACTIVE, LAY_PARTNER, Membership
from ..consultations.models import Proposal
from . import money
from .models import (
    ACCEPTED,
    ACTIVITY_KINDS,
    APPROVED,
    CLAIM_APPROVED,
    CLAIM_PAID,
    OFFERED,
    PART_APPROVED,
    PAYMENT_PAID,
    SUBMITTED,
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
    PaymentPreference,
    PaymentRate,
)

PROPOSAL_CHOICES = 200


def working_days_between(start, end):
    """Working days (Monday to Friday) after `start`, up to and including `end`."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    last_week = start + timedelta(days=weeks * 7)
    return weeks * 5 + sum(
        1 for offset in range(1, rest + 1) if (last_week + timedelta(days=offset)).weekday() < 5
    )


# Activities ---------------------------------------------------------------------------------


def activity_years(community):
    """The years from the community's first activity to its last (or this year), newest first."""
    first, last = db.session.execute(
        sa.select(
            sa.func.min(InvolvementActivity.held_on), sa.func.max(InvolvementActivity.held_on)
        ).where(InvolvementActivity.community_id == community.id)
    ).one()
    this_year = dates.today().year
    newest = max(last.year, this_year) if last else this_year
    oldest = min(first.year, this_year) if first else this_year
    return list(range(newest, oldest - 1, -1))


def _in_year(column, year):
    return column.between(date(year, 1, 1), date(year, 12, 31))


def activities_query(community, *, year=None, kind=""):
    """The community's activities, newest first: only the columns the list shows."""
    query = sa.select(
        InvolvementActivity.id,
        InvolvementActivity.held_on,
        InvolvementActivity.title,
        InvolvementActivity.kind,
        InvolvementActivity.minutes,
    ).where(InvolvementActivity.community_id == community.id)
    if year:
        query = query.where(_in_year(InvolvementActivity.held_on, year))
    if kind:
        query = query.where(InvolvementActivity.kind == kind)
    return query.order_by(InvolvementActivity.held_on.desc(), InvolvementActivity.id.desc())


# Payments by status and people (status NULL) of some activities. Built once.
_SUMMARIES: sa.CompoundSelect = sa.union_all(
    sa.select(Payment.activity_id, Payment.status, sa.func.count())
    .where(Payment.activity_id.in_(sa.bindparam("ids", expanding=True)))
    .group_by(Payment.activity_id, Payment.status),
    sa.select(Participation.activity_id, sa.null(), sa.func.count())
    .where(Participation.activity_id.in_(sa.bindparam("ids", expanding=True)))
    .group_by(Participation.activity_id),
)


def activity_summaries(activity_ids):
    """{activity id: {"people": count, "payments": {status: count}}}, in one statement."""
    if not activity_ids:
        return {}
    people, payments = {}, {}
    for activity_id, status, count in db.session.execute(_SUMMARIES, {"ids": activity_ids}):
        if status is None:
            people[activity_id] = count
        else:
            payments.setdefault(activity_id, {})[status] = count
    return {
        activity_id: {"people": people.get(activity_id, 0), "payments": payments.get(activity_id)}
        for activity_id in activity_ids
    }


def proposal_choices(community, current_id=None):
    """(id, title) of the community's newest proposals, and of the activity's own one."""
    rows = db.session.execute(
        sa.select(Proposal.id, Proposal.title)
        .where(Proposal.community_id == community.id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(PROPOSAL_CHOICES)
    ).all()
    if current_id and current_id not in {row.id for row in rows}:
        rows += db.session.execute(
            sa.select(Proposal.id, Proposal.title).where(Proposal.id == current_id)
        ).all()
    return rows


def proposal_title(proposal_id):
    if proposal_id is None:
        return None
    return db.session.scalar(sa.select(Proposal.title).where(Proposal.id == proposal_id))


def participants_query(activity):
    """Who took part, by name, each with their payment (or None) and payment preference."""
    return (
        sa.select(Participation, User.display_name, Payment, PaymentPreference.preference)
        .join(User, User.id == Participation.user_id)
        .outerjoin(
            Payment,
            (Payment.activity_id == Participation.activity_id)
            & (Payment.user_id == Participation.user_id),
        )
        .outerjoin(PaymentPreference, PaymentPreference.user_id == Participation.user_id)
        .where(Participation.activity_id == activity.id)
        .order_by(User.display_name, User.id)
    )


def attendance_query(activity, community, search=""):
    """The community's active lay partners by name, with `attended` None for people not
    recorded on the activity yet. `search` finds a name or pseudonym."""
    query = (
        sa.select(
            User.id,
            User.display_name,
            User.pseudonym,
            Participation.attended,
        )
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .outerjoin(
            Participation,
            (Participation.activity_id == activity.id)
            & (Participation.user_id == Membership.user_id),
        )
        .where(
            Membership.community_id == community.id,
            Membership.status == ACTIVE,
            Membership.role == LAY_PARTNER,
        )
        .order_by(Membership.sort_name, Membership.id)
    )
    words = search.strip().lower()
    if words:
        query = query.where(
            sa.or_(
                sa.func.lower(User.display_name).contains(words, autoescape=True),
                Membership.sort_name.contains(words, autoescape=True),
            )
        )
    return query


# The approvals queue --------------------------------------------------------------------------

WAITING_PAYMENTS = (OFFERED, ACCEPTED, APPROVED)


def payments_waiting_query(community):
    """Payments offered, accepted, or approved and not paid yet: oldest first. Only the
    columns the queue shows, with the activity's title and the person's name."""
    return (
        sa.select(
            Payment.id,
            Payment.activity_id,
            Payment.amount,
            Payment.status,
            Payment.approved_at,
            Payment.created_at,
            InvolvementActivity.title.label("activity_title"),
            User.display_name.label("name"),
        )
        .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
        .outerjoin(User, User.id == Payment.user_id)
        .where(
            InvolvementActivity.community_id == community.id,
            Payment.status.in_(WAITING_PAYMENTS),
        )
        .order_by(Payment.created_at, Payment.id)
    )


WAITING_CLAIMS = (SUBMITTED, CLAIM_APPROVED, PART_APPROVED)


def claims_waiting_query(community):
    """Claims waiting for a decision or for payment, oldest first. Only the columns the
    queue shows, with the person's name."""
    return (
        sa.select(
            ExpenseClaim.id,
            ExpenseClaim.category,
            ExpenseClaim.spent_on,
            ExpenseClaim.amount,
            ExpenseClaim.approved_amount,
            ExpenseClaim.status,
            ExpenseClaim.decided_at,
            ExpenseClaim.submitted_at,
            User.display_name.label("name"),
        )
        .outerjoin(User, User.id == ExpenseClaim.user_id)
        .where(
            ExpenseClaim.community_id == community.id,
            ExpenseClaim.status.in_(WAITING_CLAIMS),
        )
        .order_by(ExpenseClaim.submitted_at, ExpenseClaim.id)
    )


def payment_waiting_since(payment):
    """Approved payments wait to be paid from their approval; others from their offer."""
    return payment.approved_at if payment.status == APPROVED else payment.created_at


def claim_waiting_since(claim):
    """Decided claims wait to be paid from the decision; others from when they were sent."""
    return claim.decided_at if claim.decided_at is not None else claim.submitted_at


def waited(moment, today=None):
    """Working days from a moment (a date, or a time in UTC) to today."""
    if moment is None:
        return 0
    day = moment.date() if hasattr(moment, "date") else moment
    return working_days_between(day, today or dates.today())


# Payments due for the finance team ------------------------------------------------------------

PAYMENT, CLAIM = "payment", "claim"


def due_query(community, start, end):
    """Approved payments and approved claims not paid yet, of activities held or money spent
    from `start` to `end`: one row each, by date then name.

    Rows: source ("payment" or "claim"), item_id, name, email, category (the activity's
    kind or the claim's category), what (the activity's title or the claim's description),
    day, amount, method (a payment's method; "expenses" for a claim) and activity_id.
    """
    payments = (
        sa.select(
            sa.literal_column(f"'{PAYMENT}'", sa.String).label("source"),
            Payment.id.label("item_id"),
            User.display_name.label("name"),
            User.email.label("email"),
            InvolvementActivity.kind.label("category"),
            InvolvementActivity.title.label("what"),
            InvolvementActivity.held_on.label("day"),
            Payment.amount.label("amount"),
            Payment.method.label("method"),
            InvolvementActivity.id.label("activity_id"),
        )
        .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
        .outerjoin(User, User.id == Payment.user_id)
        .where(
            InvolvementActivity.community_id == community.id,
            Payment.status == APPROVED,
            InvolvementActivity.held_on.between(start, end),
        )
    )
    claims = (
        sa.select(
            sa.literal_column(f"'{CLAIM}'", sa.String),
            ExpenseClaim.id,
            User.display_name,
            User.email,
            ExpenseClaim.category,
            ExpenseClaim.description,
            ExpenseClaim.spent_on,
            ExpenseClaim.approved_amount,
            sa.literal_column("'expenses'", sa.String),
            ExpenseClaim.activity_id,
        )
        .outerjoin(User, User.id == ExpenseClaim.user_id)
        .where(
            ExpenseClaim.community_id == community.id,
            ExpenseClaim.status.in_((CLAIM_APPROVED, PART_APPROVED)),
            ExpenseClaim.spent_on.between(start, end),
        )
    )
    rows = sa.union_all(payments, claims).subquery("due")
    return sa.select(rows).order_by(rows.c.day, rows.c.name, rows.c.source, rows.c.item_id)


def due_total(query):
    """The sum of every row of a `due_query`, to the penny."""
    rows = query.order_by(None).subquery()
    total = db.session.scalar(sa.select(sa.func.sum(rows.c.amount)))
    return money.pence(total or 0)


def due_rows(query):
    """Every row of a `due_query` (for the CSV file)."""
    return db.session.execute(query).all()


# Totals by month ------------------------------------------------------------------------------

EXPENSES_PAID = "expenses"


def totals(community, year):
    """Hours of involvement, payments approved (not yet paid) and paid, and expenses paid,
    by month of `year` and for the year: two grouped queries.

    Hours and payments count in the month of the activity; expenses in the month the
    money was spent.
    """
    held = InvolvementActivity.held_on
    hours = (
        sa.select(sa.extract("month", held), sa.func.sum(InvolvementActivity.minutes))
        .join(Participation, Participation.activity_id == InvolvementActivity.id)
        .where(
            InvolvementActivity.community_id == community.id,
            Participation.attended.is_(True),
            _in_year(held, year),
        )
        .group_by(sa.extract("month", held))
    )
    minutes = {int(month): total for month, total in db.session.execute(hours)}
    payments = (
        sa.select(
            Payment.status.label("what"),
            sa.extract("month", held).label("month"),
            sa.func.sum(Payment.amount).label("total"),
        )
        .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
        .where(
            InvolvementActivity.community_id == community.id,
            Payment.status.in_((APPROVED, PAYMENT_PAID)),
            _in_year(held, year),
        )
        .group_by(Payment.status, sa.extract("month", held))
    )
    spent = ExpenseClaim.spent_on
    claims = (
        sa.select(
            sa.literal_column(f"'{EXPENSES_PAID}'", sa.String),
            sa.extract("month", spent),
            sa.func.sum(ExpenseClaim.approved_amount),
        )
        .where(
            ExpenseClaim.community_id == community.id,
            ExpenseClaim.status == CLAIM_PAID,
            _in_year(spent, year),
        )
        .group_by(sa.extract("month", spent))
    )
    sums = {
        (what, int(month)): money.pence(total or 0)
        for what, month, total in db.session.execute(sa.union_all(payments, claims))
    }
    zero = Decimal("0.00")
    months = [
        {
            "month": date(year, number, 1),
            "hours": _hours(minutes.get(number) or 0),
            "approved": sums.get((APPROVED, number), zero),
            "paid": sums.get((PAYMENT_PAID, number), zero),
            "expenses": sums.get((EXPENSES_PAID, number), zero),
        }
        for number in range(1, 13)
    ]
    year_total = {
        "hours": _hours(sum(minutes.values())),
        **{key: sum((m[key] for m in months), zero) for key in ("approved", "paid", "expenses")},
    }
    return months, year_total


def _hours(minutes):
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Payment rates --------------------------------------------------------------------------------


def rates_query():
    """Every rate, grouped by kind of activity (in the usual order), newest first."""
    order = sa.case(
        {kind: number for number, kind in enumerate(ACTIVITY_KINDS)}, value=PaymentRate.kind
    )
    return sa.select(PaymentRate).order_by(order, PaymentRate.effective_from.desc())


def rates_in_force(day):
    """The ids of the rates in force on `day`, one for each kind that has one."""
    latest = (
        sa.select(PaymentRate.kind, sa.func.max(PaymentRate.effective_from).label("start"))
        .where(PaymentRate.effective_from <= day)
        .group_by(PaymentRate.kind)
        .subquery()
    )
    return set(
        db.session.scalars(
            sa.select(PaymentRate.id).join(
                latest,
                (PaymentRate.kind == latest.c.kind)
                & (PaymentRate.effective_from == latest.c.start),
            )
        )
    )
