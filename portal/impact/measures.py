"""Impact measures: what a community heard over a period, and what came of it.

Every figure counts the contributions submitted in the period (withdrawn ones
excluded; hidden ones count, as they are part of the record). All figures
come from one SQL statement whatever the amount of data: an aggregate over
the contributions, the middle of their reply times (ranked by the database)
and an aggregate over the changes' history, side by side.

Rates are None when there is nothing to divide; pages show "—" and say why.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import caching, dates, db
from ..briefings.models import PUBLIC
from ..consultations.models import Contribution, Proposal
from .models import AWAITING, EVALUATED, IMPLEMENTED, SHAPED, ChangeStatusEntry, ServiceChange

# The figures, in the order pages and files show them.
CONTRIBUTIONS = "contributions"
PEOPLE_HEARD = "people_heard"
CLOSING_THE_LOOP = "closing_the_loop_percent"
SHAPED_SHARE = "shaped_percent"
MEDIAN_DAYS = "median_days_to_first_reply"
CHANGES_IMPLEMENTED = "changes_implemented"
CHANGES_EVALUATED = "changes_evaluated"
KEYS = (
    CONTRIBUTIONS,
    PEOPLE_HEARD,
    CLOSING_THE_LOOP,
    SHAPED_SHARE,
    MEDIAN_DAYS,
    CHANGES_IMPLEMENTED,
    CHANGES_EVALUATED,
)
PERCENTS = (CLOSING_THE_LOOP, SHAPED_SHARE)

MEASURE_LABELS = {
    CONTRIBUTIONS: _l("Contributions"),
    PEOPLE_HEARD: _l("People heard"),
    CLOSING_THE_LOOP: _l("Closing the loop (%)"),
    SHAPED_SHARE: _l("Shaped a change (%)"),
    MEDIAN_DAYS: _l("Days to a first reply (median)"),
    CHANGES_IMPLEMENTED: _l("Service changes done"),
    CHANGES_EVALUATED: _l("Service changes evaluated"),
}
MEASURE_HINTS = {
    CONTRIBUTIONS: _l(
        "Views given online or recorded from meetings, calls and letters. "
        "Withdrawn views are not counted."
    ),
    PEOPLE_HEARD: _l("Views recorded from a meeting can stand for several people."),
    CLOSING_THE_LOOP: _l(
        "Of the views on proposals that have a decision, the share that have an outcome: "
        "they shaped a change, or were not adopted with a reason."
    ),
    SHAPED_SHARE: _l("Of all views, the share that shaped a decision or a service change."),
    MEDIAN_DAYS: _l("Half of the views had a first reply sooner than this, half later."),
    CHANGES_IMPLEMENTED: _l("Service changes marked as done in this period."),
    CHANGES_EVALUATED: _l("Service changes whose evaluation was recorded in this period."),
}
# Why a figure shows "—".
MEASURE_EMPTY = {
    CLOSING_THE_LOOP: _l("No views on decided proposals in this period."),
    SHAPED_SHARE: _l("No views in this period."),
    MEDIAN_DAYS: _l("No views from this period have had a reply yet."),
}


@dataclass(frozen=True)
class Measures:
    start: date
    end: date
    contributions: int
    people_heard: int
    on_decided: int  # contributions on decided proposals
    loop_closed: int  # ...of which have an outcome
    shaped: int
    replied: int
    median_days: float | None
    changes_implemented: int
    changes_evaluated: int

    @property
    def closing_rate(self):
        return percent_of(self.loop_closed, self.on_decided)

    @property
    def shaped_share(self):
        return percent_of(self.shaped, self.contributions)

    def values(self):
        """{key: value} in the order of KEYS: what pages and files show."""
        return {
            CONTRIBUTIONS: self.contributions,
            PEOPLE_HEARD: self.people_heard,
            CLOSING_THE_LOOP: self.closing_rate,
            SHAPED_SHARE: self.shaped_share,
            MEDIAN_DAYS: self.median_days,
            CHANGES_IMPLEMENTED: self.changes_implemented,
            CHANGES_EVALUATED: self.changes_evaluated,
        }


def tidy(number):
    """A figure rounded to one decimal place, and whole numbers without ".0"."""
    number = round(float(number), 1)
    return int(number) if number.is_integer() else number


def percent_of(part, whole):
    return tidy(100 * part / whole) if whole else None


def bounds(start, end):
    """The period's first and last days as UTC times: from start's midnight, UK time,
    up to (not including) the midnight after end."""
    zone = dates.zone()
    since = datetime.combine(start, time(), zone).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    return since, until


def count_if(condition):
    return sa.func.count(sa.case((condition, 1)))


def days_between(earlier, later):
    """The time from `earlier` to `later` in days, in SQL, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.extract("epoch", later - earlier) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


def measures(community_id, start, end, *, public_changes_only=False):
    """The community's figures for contributions submitted from `start` to `end` (dates,
    both included), in one SQL statement. `public_changes_only` counts only public
    service changes, for pages that people outside the community read."""
    since, until = bounds(start, end)
    heard = (
        sa.select(Contribution.id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(
            Proposal.community_id == community_id,
            Contribution.withdrawn_at.is_(None),
            Contribution.submitted_at >= since,
            Contribution.submitted_at < until,
        )
    )
    totals, median, changes = (
        _totals(heard),
        _median_days(heard),
        _changes(community_id, start, end, public_changes_only),
    )
    row = db.session.execute(
        sa.select(totals, median, changes).select_from(
            totals.join(median, sa.true()).join(changes, sa.true())
        )
    ).one()
    return Measures(
        start=start,
        end=end,
        contributions=row.contributions,
        people_heard=int(row.people_heard),
        on_decided=row.on_decided,
        loop_closed=row.loop_closed,
        shaped=row.shaped,
        replied=row.replied,
        median_days=tidy(row.median_days) if row.median_days is not None else None,
        changes_implemented=row.changes_implemented,
        changes_evaluated=row.changes_evaluated,
    )


def kept(community_id, start, end, *, public_changes_only=False):
    """`measures`, kept in the shared figures cache for up to a minute: they count a year
    of views, and the dashboard, the report and the community's page ask for the same
    periods again and again. The pages that show them say so (FRESHNESS)."""
    return caching.remember(
        ("measures", community_id, start, end, public_changes_only),
        lambda: measures(community_id, start, end, public_changes_only=public_changes_only),
    )


FRESHNESS = _l(
    "These figures are worked out at most once a minute, so a view given in the last "
    "minute may not be counted yet."
)


def _totals(heard):
    decided = Proposal.decided_at.is_not(None)
    return heard.with_only_columns(
        sa.func.count(Contribution.id).label("contributions"),
        sa.func.coalesce(sa.func.sum(Contribution.people_count), 0).label("people_heard"),
        count_if(decided).label("on_decided"),
        count_if(sa.and_(decided, Contribution.outcome != AWAITING)).label("loop_closed"),
        count_if(Contribution.outcome == SHAPED).label("shaped"),
        count_if(Contribution.first_response_at.is_not(None)).label("replied"),
    ).subquery("totals")


def _median_days(heard):
    """The median time to a first reply: the middle row, or the mean of the middle two,
    of the replied contributions ranked by that time. The database ranks them; only the
    answer comes back."""
    days = days_between(Contribution.submitted_at, Contribution.first_response_at)
    ranked = (
        heard.with_only_columns(
            days.label("days"),
            sa.func.row_number().over(order_by=days).label("position"),
            sa.func.count().over().label("replied"),
        )
        .where(Contribution.first_response_at.is_not(None))
        .subquery("ranked")
    )
    return (
        sa.select(sa.func.avg(ranked.c.days).label("median_days"))
        .where(
            sa.or_(
                ranked.c.position == (ranked.c.replied + 1) // 2,
                ranked.c.position == (ranked.c.replied + 2) // 2,
            )
        )
        .subquery("median")
    )


def _changes(community_id, start, end, public_only):
    """How many of the community's changes were marked done, and evaluated, in the period."""

    def distinct_changes(status):
        return sa.func.count(
            sa.distinct(sa.case((ChangeStatusEntry.status == status, ChangeStatusEntry.change_id)))
        )

    query = (
        sa.select(
            distinct_changes(IMPLEMENTED).label("changes_implemented"),
            distinct_changes(EVALUATED).label("changes_evaluated"),
        )
        .select_from(ChangeStatusEntry)
        .join(ServiceChange, ServiceChange.id == ChangeStatusEntry.change_id)
        .where(
            ServiceChange.community_id == community_id,
            ChangeStatusEntry.status.in_((IMPLEMENTED, EVALUATED)),
            ChangeStatusEntry.occurred_on >= start,
            ChangeStatusEntry.occurred_on <= end,
        )
    )
    if public_only:
        query = query.where(ServiceChange.visibility == PUBLIC)
    return query.subquery("changes")
