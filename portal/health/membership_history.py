"""Who was an active lay partner of a community at a given moment, from the membership
history (`MembershipEvent`, written by every change of status or role).

A membership without history (made before the history was kept, or by hand) counts
from its creation with the status and role it has now.
"""

import sqlalchemy as sa

from .. import db
from ..communities.models import ACTIVE, LAY_PARTNER, Membership, MembershipEvent
from ..db import UTCDateTime
from ..impact.measures import count_if


def states(community_id):
    """Each state a membership of the community was in: whether it made the person an active
    lay partner (`lay`), whether the state before did (`was_lay`), and from when (`since`)
    until when (`until`, None for the state it is in now) it held."""
    history = sa.union_all(
        sa.select(
            Membership.id.label("membership_id"),
            Membership.user_id,
            MembershipEvent.id.label("event_id"),
            MembershipEvent.status,
            MembershipEvent.role,
            MembershipEvent.created_at.label("since"),
        )
        .join(Membership, Membership.id == MembershipEvent.membership_id)
        .where(Membership.community_id == community_id),
        sa.select(
            Membership.id,
            Membership.user_id,
            sa.literal(0),
            Membership.status,
            Membership.role,
            Membership.created_at,
        ).where(
            Membership.community_id == community_id,
            ~sa.exists().where(MembershipEvent.membership_id == Membership.id),
        ),
    ).subquery("history")
    lay = sa.case((sa.and_(history.c.status == ACTIVE, history.c.role == LAY_PARTNER), 1), else_=0)
    window = {
        "partition_by": history.c.membership_id,
        "order_by": (history.c.since, history.c.event_id),
    }
    return sa.select(
        history.c.user_id,
        history.c.since,
        lay.label("lay"),
        sa.func.lag(lay, 1, 0, type_=sa.Integer).over(**window).label("was_lay"),
        sa.func.lead(history.c.since, 1, type_=UTCDateTime()).over(**window).label("until"),
    ).subquery("states")


def lay_at(found, moment):
    """Whether a state made someone an active lay partner at `moment`: it began before it,
    and had not ended."""
    return sa.and_(
        found.c.lay == 1,
        found.c.since < moment,
        sa.or_(found.c.until.is_(None), found.c.until >= moment),
    )


def active_lay_partners_at(community_id, moment):
    """A select of the ids of the community's active lay partners at `moment`."""
    found = states(community_id)
    return sa.select(found.c.user_id).where(lay_at(found, moment))


def lay_partners_by_month(community_id, edges):
    """[(active at the month's end, joined, left)] for each month between `edges` (the
    moments months start, and the one after the last ends), in one statement.

    Joining is becoming an active lay partner (joining, being approved, or taking the
    role); leaving is ceasing to be one (leaving, being removed, or taking another role),
    so that each month's count is the one before, plus those who joined, less those who left.
    """
    found = states(community_id)
    columns = []
    for index, (start, end) in enumerate(zip(edges, edges[1:], strict=False)):
        in_month = sa.and_(found.c.since >= start, found.c.since < end)
        columns += [
            count_if(lay_at(found, end)).label(f"active_{index}"),
            count_if(sa.and_(in_month, found.c.lay == 1, found.c.was_lay == 0)).label(
                f"joined_{index}"
            ),
            count_if(sa.and_(in_month, found.c.lay == 0, found.c.was_lay == 1)).label(
                f"left_{index}"
            ),
        ]
    row = db.session.execute(sa.select(*columns).select_from(found)).one()._mapping
    return [
        (row[f"active_{index}"], row[f"joined_{index}"], row[f"left_{index}"])
        for index in range(len(edges) - 1)
    ]
