"""A community's health, month by month: who is in it, what they said and what came of it,
how much time they gave, and what they were paid.

Each kind of figure is one grouped SQL statement over the whole period, whatever
the amount of data or the number of months (at most 24). Contributions are counted
as the impact measures count them (portal/impact/measures.py), so a month here
shows what the impact dashboard shows for that month.

Who was an active lay partner at the end of each month comes from the membership
history: see membership_history.py.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from .. import caching, dates, db, permissions
from ..communities.models import ACTIVE, LAY_PARTNER, Membership
from ..communities.services import require
from ..consultations.models import Contribution, Proposal
from ..impact.measures import bounds, days_between, percent_of, tidy
from ..impact.models import AWAITING, SHAPED
from ..involvement import equality
from ..involvement.models import (
    CLAIM_PAID,
    PAYMENT_PAID,
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
)
from ..involvement.money import pence
from . import membership_history

MAX_MONTHS = 24

# The figures, in the order pages and files show them.
ACTIVE_LAY_PARTNERS = "active_lay_partners"
JOINED = "lay_partners_joined"
LEFT = "lay_partners_left"
CONTRIBUTIONS = "contributions"
MEDIAN_DAYS = "median_days_to_first_reply"
CLOSING_THE_LOOP = "closing_the_loop_percent"
SHAPED_SHARE = "shaped_percent"
HOURS = "hours_of_involvement"
PAYMENTS_PAID = "payments_paid"
EXPENSES_PAID = "expenses_paid"
KEYS = (
    ACTIVE_LAY_PARTNERS,
    JOINED,
    LEFT,
    CONTRIBUTIONS,
    MEDIAN_DAYS,
    CLOSING_THE_LOOP,
    SHAPED_SHARE,
    HOURS,
    PAYMENTS_PAID,
    EXPENSES_PAID,
)
# How each figure is written: a count, days, a percentage, hours or money.
KINDS = {
    ACTIVE_LAY_PARTNERS: "count",
    JOINED: "count",
    LEFT: "count",
    CONTRIBUTIONS: "count",
    MEDIAN_DAYS: "days",
    CLOSING_THE_LOOP: "percent",
    SHAPED_SHARE: "percent",
    HOURS: "hours",
    PAYMENTS_PAID: "money",
    EXPENSES_PAID: "money",
}
HOUR = Decimal("0.1")
# A month with nothing in it: no rate or median, as there is nothing to divide.
EMPTY_MONTH = {
    **dict.fromkeys(KEYS, 0),
    MEDIAN_DAYS: None,
    CLOSING_THE_LOOP: None,
    SHAPED_SHARE: None,
    HOURS: Decimal("0.0"),
    PAYMENTS_PAID: Decimal("0.00"),
    EXPENSES_PAID: Decimal("0.00"),
}


@dataclass(frozen=True)
class Month:
    first_day: date
    last_day: date
    figures: dict  # {figure key: value}; rates and the median are None when nothing counts


@dataclass(frozen=True)
class Health:
    community: object
    months: list
    answered: int | None  # lay partners who gave equality answers; None for fewer than 5
    make_up: dict  # {question: [(answer, count or None)]}, see equality.make_up

    @property
    def first_day(self):
        return self.months[0].first_day

    @property
    def last_day(self):
        return self.months[-1].last_day

    def series(self, key):
        return [month.figures[key] for month in self.months]


def dashboard(actor, community, first_month, last_month):
    """Everything the dashboard and its file show, from the summary rows (see
    summaries.py). Coordinators of the community only."""
    require(permissions.can_see_impact_report(actor, community))
    months = summarised(community.id, first_month, last_month)
    period_end = bounds(months[0].first_day, months[-1].last_day)[1]
    # Who is involved reads every lay partner's history and answers: kept for up to a
    # minute (the page says so), as it changes slowly.
    answered, make_up = caching.remember(
        ("equality", community.id, period_end),
        lambda: equality.make_up(
            membership_history.active_lay_partners_at(community.id, period_end)
        ),
    )
    return Health(community=community, months=months, answered=answered, make_up=make_up)


@dataclass(frozen=True)
class YearSoFar:
    start: date
    end: date
    active_lay_partners: int
    activities: int
    hours: Decimal


def year_so_far(community_id, today=None):
    """The short summary on the community's page, from 1 January to today, in one statement:
    active lay partners now, and the activities held and hours given this year. (The page's
    impact section already counts the views.)"""
    end = today or dates.today()
    start = date(end.year, 1, 1)
    lay_partners = sa.select(sa.func.count(Membership.id)).where(
        Membership.community_id == community_id,
        Membership.status == ACTIVE,
        Membership.role == LAY_PARTNER,
    )
    this_year = (
        InvolvementActivity.community_id == community_id,
        InvolvementActivity.held_on >= start,
        InvolvementActivity.held_on <= end,
    )
    activities = sa.select(sa.func.count(InvolvementActivity.id)).where(*this_year)
    minutes = (
        sa.select(sa.func.coalesce(sa.func.sum(InvolvementActivity.minutes), 0))
        .join(Participation, Participation.activity_id == InvolvementActivity.id)
        .where(*this_year, Participation.attended.is_(True))
    )
    row = db.session.execute(
        sa.select(
            lay_partners.scalar_subquery().label("lay_partners"),
            activities.scalar_subquery().label("activities"),
            minutes.scalar_subquery().label("minutes"),
        )
    ).one()
    return YearSoFar(
        start=start,
        end=end,
        active_lay_partners=row.lay_partners,
        activities=row.activities,
        hours=(Decimal(row.minutes) / 60).quantize(HOUR, rounding=ROUND_HALF_UP),
    )


def monthly(community_id, first_month, last_month):
    """[Month] from `first_month` to `last_month` (at most 24), in a fixed number of statements."""
    periods = dates.months_between(first_month, last_month)
    if not 0 < len(periods) <= MAX_MONTHS:
        raise ValueError("a period of 1 to 24 months")
    figures = [dict(EMPTY_MONTH) for _ in periods]
    days = [first for first, _last in periods] + [periods[-1][1] + timedelta(days=1)]
    times = _edges(periods)
    for found in (
        _people(community_id, times),
        _contributions(community_id, times),
        _median_days(community_id, times),
        _hours(community_id, days),
        _money(community_id, days),
    ):
        for index, values in found.items():
            figures[index].update(values)
    return [
        Month(first_day=first, last_day=last, figures=values)
        for (first, last), values in zip(periods, figures, strict=True)
    ]


def _edges(periods):
    """The moments (UTC) each month starts, and the one after the last month ends."""
    return [bounds(first, last)[0] for first, last in periods] + [
        bounds(periods[-1][0], periods[-1][1])[1]
    ]


def _month_of(column, edges):
    """The month's place in the period (0 for the first) of a time or a day, in SQL."""
    return sa.case(*[(column < edge, index) for index, edge in enumerate(edges[1:])])


def _in_period(column, edges):
    return sa.and_(column >= edges[0], column < edges[-1])


# People ---------------------------------------------------------------------------------


def _people(community_id, edges):
    return {
        index: {ACTIVE_LAY_PARTNERS: active, JOINED: joined, LEFT: left}
        for index, (active, joined, left) in enumerate(
            membership_history.lay_partners_by_month(community_id, edges)
        )
    }


# Voices: as portal/impact/measures.py counts them -----------------------------------------


def _heard(community_id, edges):
    """The community's contributions given in the period, with their month."""
    return (
        sa.select(_month_of(Contribution.submitted_at, edges).label("month"))
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(
            Proposal.community_id == community_id,
            Contribution.withdrawn_at.is_(None),
            _in_period(Contribution.submitted_at, edges),
        )
    )


def _voice_counts(community_id, edges):
    """{month: {contributions, on_decided, loop_closed, shaped}} counted from the raw rows."""
    decided = Proposal.decided_at.is_not(None)
    heard = _heard(community_id, edges).add_columns(
        sa.case((decided, 1), else_=0).label("on_decided"),
        sa.case((sa.and_(decided, Contribution.outcome != AWAITING), 1), else_=0).label("closed"),
        sa.case((Contribution.outcome == SHAPED, 1), else_=0).label("shaped"),
    )
    heard = heard.subquery("heard")
    rows = db.session.execute(
        sa.select(
            heard.c.month,
            sa.func.count().label("contributions"),
            sa.func.sum(heard.c.on_decided).label("on_decided"),
            sa.func.sum(heard.c.closed).label("closed"),
            sa.func.sum(heard.c.shaped).label("shaped"),
        ).group_by(heard.c.month)
    )
    return {
        row.month: {
            "contributions": row.contributions,
            "on_decided": int(row.on_decided),
            "loop_closed": int(row.closed),
            "shaped": int(row.shaped),
        }
        for row in rows
    }


def voice_figures(counts):
    """The dashboard's voice figures from a month's counts (see _voice_counts)."""
    return {
        CONTRIBUTIONS: counts["contributions"],
        CLOSING_THE_LOOP: percent_of(counts["loop_closed"], counts["on_decided"]),
        SHAPED_SHARE: percent_of(counts["shaped"], counts["contributions"]),
    }


def _contributions(community_id, edges):
    return {
        month: voice_figures(counts) for month, counts in _voice_counts(community_id, edges).items()
    }


def _medians_due(community_id, periods, stored):
    """{index: {MEDIAN_DAYS: value}} for the months of `periods` whose stored median is out
    of date, worked out over the months from the first of them to the last."""
    due = [
        index
        for index, (first, _last) in enumerate(periods)
        if stored.get(first, {}).get("median_due")
    ]
    if not due:
        return {}
    worked = _median_days(community_id, _edges(periods[due[0] : due[-1] + 1]))
    return {index: worked.get(index - due[0], {MEDIAN_DAYS: None}) for index in due}


def median_of_month(community_id, month):
    """The median days to a first reply of the community's views given in `month` (its
    first day), unrounded, or None when none has had a reply."""
    periods = dates.months_between(month, month)
    found = _median_days(community_id, _edges(periods), rounded=False)
    return found.get(0, {}).get(MEDIAN_DAYS)


def _median_days(community_id, edges, rounded=True):
    """Each month's median days to a first reply: the middle row, or the mean of the middle
    two, of its replied contributions ranked by that time."""
    replied = (
        _heard(community_id, edges)
        .add_columns(
            days_between(Contribution.submitted_at, Contribution.first_response_at).label("days")
        )
        .where(Contribution.first_response_at.is_not(None))
        .subquery("replied")
    )
    ranked = sa.select(
        replied.c.month,
        replied.c.days,
        sa.func.row_number()
        .over(partition_by=replied.c.month, order_by=replied.c.days)
        .label("position"),
        sa.func.count().over(partition_by=replied.c.month).label("replied"),
    ).subquery("ranked")
    rows = db.session.execute(
        sa.select(ranked.c.month, sa.func.avg(ranked.c.days).label("median_days"))
        .where(
            sa.or_(
                ranked.c.position == (ranked.c.replied + 1) // 2,
                ranked.c.position == (ranked.c.replied + 2) // 2,
            )
        )
        .group_by(ranked.c.month)
    )
    return {
        row.month: {MEDIAN_DAYS: tidy(row.median_days) if rounded else float(row.median_days)}
        for row in rows
    }


# Involvement and money --------------------------------------------------------------------


def _sum_by_month(query, day, days):
    """{month: sum of the query's `value` column} over rows whose `day` is in the period."""
    dated = (
        query.add_columns(_month_of(day, days).label("month"))
        .where(_in_period(day, days))
        .subquery("dated")
    )
    rows = db.session.execute(
        sa.select(dated.c.month, sa.func.sum(dated.c.value).label("total")).group_by(dated.c.month)
    )
    return {row.month: row.total for row in rows}


def _minutes(community_id, days):
    return _sum_by_month(
        sa.select(InvolvementActivity.minutes.label("value"))
        .join(Participation, Participation.activity_id == InvolvementActivity.id)
        .where(InvolvementActivity.community_id == community_id, Participation.attended.is_(True)),
        InvolvementActivity.held_on,
        days,
    )


def hours_of(minutes):
    return (Decimal(minutes) / 60).quantize(HOUR, rounding=ROUND_HALF_UP)


def _hours(community_id, days):
    """Hours each month: an activity's minutes once for each lay partner who attended."""
    return {
        month: {HOURS: hours_of(total)} for month, total in _minutes(community_id, days).items()
    }


def _paid(community_id, days):
    """({month: payments paid}, {month: expenses paid}): for activities, and expense claims."""
    payments = _sum_by_month(
        sa.select(Payment.amount.label("value"))
        .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
        .where(InvolvementActivity.community_id == community_id, Payment.status == PAYMENT_PAID),
        Payment.paid_on,
        days,
    )
    expenses = _sum_by_month(
        sa.select(
            sa.func.coalesce(ExpenseClaim.approved_amount, ExpenseClaim.amount).label("value")
        ).where(ExpenseClaim.community_id == community_id, ExpenseClaim.status == CLAIM_PAID),
        ExpenseClaim.paid_on,
        days,
    )
    return payments, expenses


def _money(community_id, days):
    """What was paid each month: payments for activities, and expense claims."""
    payments, expenses = _paid(community_id, days)
    found = {}
    for month, total in payments.items():
        found.setdefault(month, {})[PAYMENTS_PAID] = pence(total)
    for month, total in expenses.items():
        found.setdefault(month, {})[EXPENSES_PAID] = pence(total)
    return found


# The summary rows (see summaries.py) ----------------------------------------------------------


def raw_figures(community_id, first_month, last_month):
    """[{month, each additive figure of summaries.FIGURES, and the unrounded median_days}]
    from the raw rows, for rebuilding the summary rows: the grouped queries above."""
    periods = dates.months_between(first_month, last_month)
    days = [first for first, _last in periods] + [periods[-1][1] + timedelta(days=1)]
    times = _edges(periods)
    people = membership_history.lay_partners_by_month(community_id, times)
    voices = _voice_counts(community_id, times)
    minutes = _minutes(community_id, days)
    payments, expenses = _paid(community_id, days)
    medians = _median_days(community_id, times, rounded=False)
    found = []
    for index, (first, _last) in enumerate(periods):
        _active, joined, left = people[index]
        counts = voices.get(index, {})
        found.append(
            {
                "month": first,
                "lay_partners_joined": joined,
                "lay_partners_left": left,
                "contributions": counts.get("contributions", 0),
                "on_decided": counts.get("on_decided", 0),
                "loop_closed": counts.get("loop_closed", 0),
                "shaped": counts.get("shaped", 0),
                "minutes": int(minutes.get(index) or 0),
                "payments_pence": int(pence(payments.get(index) or 0) * 100),
                "expenses_pence": int(pence(expenses.get(index) or 0) * 100),
                "median_days": medians.get(index, {}).get(MEDIAN_DAYS),
            }
        )
    return found


def summarised(community_id, first_month, last_month):
    """[Month] as `monthly` gives them, read from the summary rows: the stored rows of the
    period and the lay partners active before it. The median days to a first reply, the
    one figure that is not a sum, is stored by the worker; a month whose median has moved
    since is worked out here (one ranked statement over those months' replied views)."""
    from . import summaries

    periods = dates.months_between(first_month, last_month)
    if not 0 < len(periods) <= MAX_MONTHS:
        raise ValueError("a period of 1 to 24 months")
    stored, active = summaries.read(community_id, periods[0][0], periods[-1][0])
    medians = _medians_due(community_id, periods, stored)
    months = []
    for index, (first, last) in enumerate(periods):
        figures = dict(EMPTY_MONTH)
        row = stored.get(first)
        if row is not None:
            active += row["lay_partners_joined"] - row["lay_partners_left"]
            figures.update(
                {
                    JOINED: row["lay_partners_joined"],
                    LEFT: row["lay_partners_left"],
                    HOURS: hours_of(row["minutes"]),
                    PAYMENTS_PAID: pence(Decimal(row["payments_pence"]) / 100),
                    EXPENSES_PAID: pence(Decimal(row["expenses_pence"]) / 100),
                }
            )
            if row["contributions"]:
                figures.update(voice_figures(row))
        figures[ACTIVE_LAY_PARTNERS] = active
        if index in medians:
            figures.update(medians[index])
        elif row is not None and row["median_days"] is not None:
            figures[MEDIAN_DAYS] = tidy(row["median_days"])
        months.append(Month(first_day=first, last_day=last, figures=figures))
    return months
