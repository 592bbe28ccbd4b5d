"""The community health figures kept as summary rows (`CommunityMonthFigures`), one per
community and month, so that the dashboard reads a handful of rows whatever the data.

The services that make the writes call the functions here in the same transaction.
Each adds to (or takes from) a row with one atomic upsert, `INSERT ... ON CONFLICT DO
UPDATE SET x = x + :n`, so concurrent writes to the same row never lose an update.

Where a write can change a figure in several ways (a membership's history, an
activity's attendance), the service takes the part the object played before the write
(`..._part`) and gives it back afterwards (`..._moved`): only the difference is added.

`rebuild` recomputes every row from the raw rows with the grouped queries of figures.py.
"""

from collections import Counter
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .. import dates, db
from ..communities.models import ACTIVE, LAY_PARTNER, Community, Membership, MembershipEvent
from ..consultations.models import Contribution, Proposal
from ..impact.models import AWAITING, SHAPED
from ..involvement.models import ExpenseClaim, InvolvementActivity, Participation, Payment
from .models import CommunityMonthFigures

FIGURES = (
    "lay_partners_joined",
    "lay_partners_left",
    "contributions",
    "on_decided",
    "loop_closed",
    "shaped",
    "minutes",
    "payments_pence",
    "expenses_pence",
)


def month_of(moment):
    """The first day of the month (UK time) of a time or a day."""
    if isinstance(moment, datetime):
        zone = dates.zone()
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)
        moment = moment.date()
    return moment.replace(day=1)


def add(community_id, month, **figures):
    """Add `figures` ({column: number}, negative to take away) to the community's month."""
    figures = {name: value for name, value in figures.items() if value}
    if not figures:
        return
    table = CommunityMonthFigures.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = insert.values(community_id=community_id, month=month, **figures)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.community_id, table.c.month],
            set_={name: table.c[name] + statement.excluded[name] for name in figures},
        )
    )


def pence(amount):
    return int((amount * 100).to_integral_value())


# Voices -------------------------------------------------------------------------------


def _voice(contribution, proposal, outcome, sign):
    decided = proposal.decided_at is not None
    return {
        "contributions": sign,
        "on_decided": sign if decided else 0,
        "loop_closed": sign if decided and outcome != AWAITING else 0,
        "shaped": sign if outcome == SHAPED else 0,
    }


def contribution_added(contribution, proposal):
    """A contribution was given online or recorded from a meeting, call or letter."""
    add(
        proposal.community_id,
        month_of(contribution.submitted_at),
        **_voice(contribution, proposal, contribution.outcome, 1),
    )


def contribution_withdrawn(contribution, proposal):
    """A contribution was withdrawn: it no longer counts. Call before its outcome is reset."""
    add(
        proposal.community_id,
        month_of(contribution.submitted_at),
        **_voice(contribution, proposal, contribution.outcome, -1),
        median_moves=1 if contribution.first_response_at is not None else 0,
    )


def first_reply_given(contribution):
    """A contribution had its first reply: its month's median days to a first reply moved."""
    add(contribution.community_id, month_of(contribution.submitted_at), median_moves=1)


def work_out_medians(limit=200):
    """Store the median days to a first reply of months whose median has moved since it was
    last worked out (the worker calls this). A month that moves again meanwhile stays due.
    Returns how many months were worked out."""
    from . import figures

    table = CommunityMonthFigures.__table__
    due = db.session.execute(
        sa.select(table.c.community_id, table.c.month, table.c.median_moves)
        .where(table.c.median_moves != table.c.median_of_moves)
        .order_by(table.c.month.desc(), table.c.community_id)
        .limit(limit)
    ).all()
    for community_id, month, moves in due:
        median = figures.median_of_month(community_id, month)
        db.session.execute(
            sa.update(table)
            .where(table.c.community_id == community_id, table.c.month == month)
            .values(median_days=median, median_of_moves=moves)
        )
    db.session.flush()
    return len(due)


def outcomes_changed(changes):
    """Contributions' stored outcomes moved: `changes` is {contribution id: (before, after)}.
    Withdrawn contributions are not counted, so their outcome does not matter."""
    if not changes:
        return
    rows = db.session.execute(
        sa.select(
            Contribution.id,
            Contribution.submitted_at,
            Proposal.community_id,
            Proposal.decided_at,
        )
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Contribution.id.in_(list(changes)), Contribution.withdrawn_at.is_(None))
    ).all()
    totals = {}
    for cid, submitted_at, community_id, decided_at in rows:
        before, after = changes[cid]
        found = totals.setdefault((community_id, month_of(submitted_at)), Counter())
        if decided_at is not None:
            found["loop_closed"] += (after != AWAITING) - (before != AWAITING)
        found["shaped"] += (after == SHAPED) - (before == SHAPED)
    for (community_id, month), figures in totals.items():
        add(community_id, month, **figures)


def proposal_decided(proposal):
    """The proposal now has a decision: its contributions count as on a decided proposal.
    Call once, when `decided_at` is first set and before outcomes are released."""
    rows = db.session.execute(
        sa.select(Contribution.submitted_at, Contribution.outcome).where(
            Contribution.proposal_id == proposal.id, Contribution.withdrawn_at.is_(None)
        )
    ).all()
    totals = {}
    for submitted_at, outcome in rows:
        found = totals.setdefault(month_of(submitted_at), Counter())
        found["on_decided"] += 1
        found["loop_closed"] += outcome != AWAITING
    for month, figures in totals.items():
        add(proposal.community_id, month, **figures)


# People -------------------------------------------------------------------------------


def membership_part(membership):
    """{month: Counter(joined, left)}: what the membership's history adds to each month,
    read as membership_history.states reads it."""
    if membership.id is None:
        return {}
    events = db.session.execute(
        sa.select(MembershipEvent.status, MembershipEvent.role, MembershipEvent.created_at)
        .where(MembershipEvent.membership_id == membership.id)
        .order_by(MembershipEvent.created_at, MembershipEvent.id)
    ).all()
    if not events:
        events = [(membership.status, membership.role, membership.created_at)]
    found, was_lay = {}, False
    for status, role, since in events:
        lay = status == ACTIVE and role == LAY_PARTNER
        if lay != was_lay:
            key = "lay_partners_joined" if lay else "lay_partners_left"
            found.setdefault(month_of(since), Counter())[key] += 1
        was_lay = lay
    return found


def membership_moved(membership, before):
    """Give back the difference the membership's new history makes (see membership_part)."""
    db.session.flush()
    _moved(membership.community_id, before, membership_part(membership))


def _moved(community_id, before, after):
    for month in set(before) | set(after):
        figures = Counter(after.get(month, {}))
        figures.subtract(before.get(month, {}))
        add(community_id, month, **figures)


# Involvement and money ------------------------------------------------------------------


def attendance_changed(activity, attending):
    """`attending` more people (fewer when negative) attended the activity."""
    if activity.held_on is not None:
        add(activity.community_id, month_of(activity.held_on), minutes=attending * activity.minutes)


def activity_part(activity):
    """{month: Counter(minutes)}: the activity's minutes once for each who attended. Taken
    before a change of its date or length, and given back after it (activity_moved)."""
    if activity.id is None:
        return {}
    attended = db.session.scalar(
        sa.select(sa.func.count(Participation.id)).where(
            Participation.activity_id == activity.id, Participation.attended.is_(True)
        )
    )
    minutes = db.session.scalar(
        sa.select(InvolvementActivity.minutes).where(InvolvementActivity.id == activity.id)
    )
    held_on = db.session.scalar(
        sa.select(InvolvementActivity.held_on).where(InvolvementActivity.id == activity.id)
    )
    if not attended or held_on is None:
        return {}
    return {month_of(held_on): Counter(minutes=attended * minutes)}


def activity_moved(activity, before):
    db.session.flush()
    _moved(activity.community_id, before, activity_part(activity))


def payment_paid(payment, activity):
    add(activity.community_id, month_of(payment.paid_on), payments_pence=pence(payment.amount))


def claim_paid(claim):
    amount = claim.approved_amount if claim.approved_amount is not None else claim.amount
    add(claim.community_id, month_of(claim.paid_on), expenses_pence=pence(amount))


# Rebuild ------------------------------------------------------------------------------


def rebuild(community_ids=None):
    """Recompute every summary row from the raw rows (all communities by default), from
    each community's first raw row to this month. Returns the number of rows written."""
    from . import figures

    if community_ids is None:
        community_ids = db.session.scalars(sa.select(Community.id)).all()
    written = 0
    for community_id in community_ids:
        db.session.execute(
            sa.delete(CommunityMonthFigures).where(
                CommunityMonthFigures.community_id == community_id
            )
        )
        first = _first_month(community_id)
        last = month_of(datetime.now(UTC))
        while first is not None and first <= last:
            end = min(_plus_months(first, figures.MAX_MONTHS - 1), last)
            for found in figures.raw_figures(community_id, first, end):
                month, median = found.pop("month"), found.pop("median_days")
                if any(found.values()):
                    add(community_id, month, **found)
                    written += 1
                if median is not None:  # a replied view counts, so the row exists
                    _store_median(community_id, month, median)
            first = _plus_months(end, 1)
    db.session.flush()
    return written


def _store_median(community_id, month, median):
    table = CommunityMonthFigures.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.community_id == community_id, table.c.month == month)
        .values(median_days=median, median_of_moves=table.c.median_moves)
    )


def _plus_months(month, count):
    year, index = divmod(month.year * 12 + month.month - 1 + count, 12)
    return date(year, index + 1, 1)


def _first_month(community_id):
    """The month of the community's earliest raw row that a figure counts, or None."""
    earliest = [
        db.session.scalar(
            sa.select(sa.func.min(Membership.created_at)).where(
                Membership.community_id == community_id
            )
        ),
        db.session.scalar(
            sa.select(sa.func.min(MembershipEvent.created_at))
            .join(Membership, Membership.id == MembershipEvent.membership_id)
            .where(Membership.community_id == community_id)
        ),
        db.session.scalar(
            sa.select(sa.func.min(Contribution.submitted_at)).where(
                # Only views not withdrawn count, and their index answers at once.
                Contribution.community_id == community_id,
                Contribution.withdrawn_at.is_(None),
            )
        ),
        db.session.scalar(
            sa.select(sa.func.min(InvolvementActivity.held_on)).where(
                InvolvementActivity.community_id == community_id
            )
        ),
        db.session.scalar(
            sa.select(sa.func.min(Payment.paid_on))
            .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
            .where(InvolvementActivity.community_id == community_id)
        ),
        db.session.scalar(
            sa.select(sa.func.min(ExpenseClaim.paid_on)).where(
                ExpenseClaim.community_id == community_id
            )
        ),
    ]
    found = [month_of(value) for value in earliest if value is not None]
    return min(found) if found else None


def stored(community_id, first_month, last_month):
    """{month: {figure: value}} of the additive figures of the stored rows in the period
    (months without a row are left out)."""
    return {
        month: {name: figures[name] for name in FIGURES}
        for month, figures in read(community_id, first_month, last_month)[0].items()
    }


def read(community_id, first_month, last_month):
    """({month: {figure: value}} of the period's stored rows, the lay partners active when
    it starts), in one statement: the rows, and one more row that sums every month before.
    Each month also has its stored `median_days` and whether that is out of date
    (`median_due`)."""
    table = CommunityMonthFigures.__table__
    mine = table.c.community_id == community_id
    medians = ("median_days", "median_moves", "median_of_moves")
    period = sa.select(
        table.c.month, *[table.c[name] for name in FIGURES], *[table.c[name] for name in medians]
    ).where(mine, table.c.month >= first_month, table.c.month <= last_month)
    before = sa.select(
        sa.cast(sa.null(), sa.Date).label("month"),
        *[
            sa.func.coalesce(sa.func.sum(table.c[name]), 0).label(name)
            if name in ("lay_partners_joined", "lay_partners_left")
            else sa.literal(0).label(name)
            for name in FIGURES
        ],
        sa.cast(sa.null(), sa.Float).label("median_days"),
        sa.literal(0).label("median_moves"),
        sa.literal(0).label("median_of_moves"),
    ).where(mine, table.c.month < first_month)
    found, active = {}, 0
    for row in db.session.execute(sa.union_all(period, before)).mappings():
        if row["month"] is None:
            active = int(row["lay_partners_joined"]) - int(row["lay_partners_left"])
        else:
            found[row["month"]] = {name: int(row[name]) for name in FIGURES}
            found[row["month"]]["median_days"] = row["median_days"]
            found[row["month"]]["median_due"] = row["median_moves"] != row["median_of_moves"]
    return found, active
