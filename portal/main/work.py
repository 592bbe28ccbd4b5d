"""My work: what waits for a professional or coordinator, across their communities.

Every figure comes from two statements (one row per community, a capped count per
figure) that stop counting past HEADER_COUNT_LIMIT, so the page costs the same however
many communities, proposals or views there are.
"""

from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import g

from .. import dates, db, permissions
from ..communities.models import (
    ACTIVE,
    COORDINATOR,
    LAY_PARTNER,
    PENDING,
    PROFESSIONAL,
    Community,
    Membership,
)
from ..consultations.models import NEW, Contribution, Proposal, Report
from ..consultations.review import overdue_before, quote_waiting
from ..db import utcnow
from ..impact import queries as impact_reading
from ..impact.models import ServiceChange
from ..impact.services import evaluation_is_due
from ..involvement.models import (
    CLAIM_APPROVED,
    PART_APPROVED,
    SUBMITTED,
    ExpenseClaim,
    InvolvementActivity,
    Payment,
)
from ..involvement.queries import WAITING_PAYMENTS
from ..notifications.services import unread_query

SHORT_LIST = 5
CLOSING_SOON_DAYS = 7


# The header and My work count no further than this and show "99+" beyond it, so their
# figures cost the same for someone with 100 new views waiting as for someone with 100,000.
HEADER_COUNT_LIMIT = 99


def capped_count(rows):
    """How many rows `rows` (a select) finds, as a scalar subquery that stops one past the limit."""
    found = rows.limit(HEADER_COUNT_LIMIT + 1).subquery()
    return sa.select(sa.func.count()).select_from(found).scalar_subquery()


def staff_communities(user):
    """The person's communities as a professional or coordinator: [(community, role)]."""
    rows = db.session.execute(
        sa.select(Community, Membership.role)
        .join(Membership, Membership.community_id == Community.id)
        .where(
            Membership.user_id == user.id,
            Membership.status == ACTIVE,
            Membership.role.in_((PROFESSIONAL, COORDINATOR)),
        )
        .order_by(Community.name)
    )
    return [(community, role) for community, role in rows]


def has_work(user):
    """Who has My work: anyone with a staff role somewhere, and site admins."""
    return permissions.reviews_any_community(user) or permissions.is_site_admin(user)


def _undecided(community_ids):
    return sa.and_(
        Proposal.community_id.in_(community_ids),
        Proposal.published_at.is_not(None),
        Proposal.decided_at.is_(None),
    )


def _closing_soon(now):
    return sa.and_(
        Proposal.closes_at > now, Proposal.closes_at <= now + timedelta(days=CLOSING_SOON_DAYS)
    )


def _first_proposals(community_ids, condition, order):
    return db.session.scalars(
        sa.select(Proposal)
        .where(_undecided(community_ids), condition)
        .order_by(order, Proposal.id)
        .limit(SHORT_LIST)
    ).all()


def _in_community(*conditions):
    """A capped count of the rows these conditions find for each Community of the outer query."""
    return capped_count(sa.select(sa.literal(1)).where(*conditions).correlate(Community))


def _figures(community_ids, now, today):
    """{community id: {figure: capped count}} for what every reviewer sees, in one statement.

    Each figure is a subquery that stops one row past HEADER_COUNT_LIMIT. New and overdue
    views are read from partial indexes that hold only such views (ix_contributions_new_views,
    ix_contributions_overdue); views awaiting an outcome, decided proposal by decided
    proposal (ix_contributions_outcome).
    """
    undecided = sa.and_(
        Proposal.community_id == Community.id,
        Proposal.published_at.is_not(None),
        Proposal.decided_at.is_(None),
    )
    figures = {
        "new": _in_community(
            Contribution.community_id == Community.id,
            Contribution.withdrawn_at.is_(None),
            Contribution.review_status == NEW,
        ),
        "overdue": _in_community(
            Contribution.community_id == Community.id,
            Contribution.withdrawn_at.is_(None),
            Contribution.first_response_at.is_(None),
            Contribution.submitted_at < overdue_before(now),
        ),
        "closing_soon": _in_community(undecided, _closing_soon(now)),
        "awaiting_decision": _in_community(undecided, Proposal.closes_at <= now),
        "no_outcome": capped_count(
            sa.select(sa.literal(1))
            .select_from(Proposal)
            .join(Contribution, Contribution.proposal_id == Proposal.id)
            .where(Proposal.community_id == Community.id, impact_reading.waiting_for_outcome())
            .correlate(Community)
        ),
        "evaluations_due": _in_community(
            ServiceChange.community_id == Community.id, evaluation_is_due(today)
        ),
    }
    return _per_community(community_ids, figures)


def _coordinator_figures(community_ids):
    """{community id: {figure: capped count}} for a coordinator's tasks, in one statement."""
    figures = {
        "join_requests": _in_community(
            Membership.community_id == Community.id, Membership.status == PENDING
        ),
        "reports": capped_count(
            sa.select(sa.literal(1))
            .select_from(Report)
            .join(Contribution, Contribution.id == Report.contribution_id)
            .where(Contribution.community_id == Community.id, Report.resolved_at.is_(None))
            .correlate(Community)
        ),
        "quotes": _in_community(Contribution.community_id == Community.id, quote_waiting()),
        "payments": capped_count(
            sa.select(sa.literal(1))
            .select_from(Payment)
            .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
            .where(
                InvolvementActivity.community_id == Community.id,
                Payment.status.in_(WAITING_PAYMENTS),
            )
            .correlate(Community)
        ),
        "claims": _in_community(
            ExpenseClaim.community_id == Community.id,
            ExpenseClaim.status.in_((SUBMITTED, CLAIM_APPROVED, PART_APPROVED)),
        ),
    }
    return _per_community(community_ids, figures)


def _per_community(community_ids, figures):
    if not community_ids:
        return {}
    names = list(figures)
    rows = db.session.execute(
        sa.select(Community.id, *(figures[name] for name in names)).where(
            Community.id.in_(community_ids)
        )
    )
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


FIGURES = (
    "new",
    "overdue",
    "closing_soon",
    "awaiting_decision",
    "no_outcome",
    "evaluations_due",
    "join_requests",
    "reports",
    "quotes",
    "payments",
    "claims",
)


def my_work(user, now=None, today=None):
    """Everything My work shows, in a fixed number of statements.

    Every figure, per community and in total, is exact up to HEADER_COUNT_LIMIT and
    HEADER_COUNT_LIMIT + 1 beyond it (shown as "99+").
    """
    now = now or utcnow()
    today = today or dates.today()
    communities = staff_communities(user)
    ids = [community.id for community, _role in communities]
    coordinated = [community.id for community, role in communities if role == COORDINATOR]
    figures = _figures(ids, now, today)
    coordinator = _coordinator_figures(coordinated)
    rows = []
    for community, role in communities:
        row = dict.fromkeys(FIGURES, 0)
        row.update(figures.get(community.id, {}), **coordinator.get(community.id, {}))
        row.update(community=community, coordinator=role == COORDINATOR)
        rows.append(row)
    totals = {key: min(sum(row[key] for row in rows), HEADER_COUNT_LIMIT + 1) for key in FIGURES}
    return {
        "communities": rows,
        "totals": totals,
        "limit": HEADER_COUNT_LIMIT,
        "closing_soon": _first_proposals(ids, _closing_soon(now), Proposal.closes_at)
        if totals["closing_soon"]
        else [],
        "awaiting_decision": _first_proposals(ids, Proposal.closes_at <= now, Proposal.closes_at)
        if totals["awaiting_decision"]
        else [],
        "evaluations_due": db.session.scalars(
            impact_reading.evaluations_due_query(ids, today).limit(SHORT_LIST)
        ).all()
        if totals["evaluations_due"]
        else [],
        "coordinates": bool(coordinated),
    }


def _work_waiting(user_id, now):
    """The figure beside "My work": new views plus proposals awaiting a decision.

    A scalar subquery, so the header asks it together with the person's roles.
    It is 0 for anyone who reviews no community. Each part stops counting past
    the header's limit, reading the index of new views
    (`ix_contributions_new_views`), never the views themselves.
    """
    ids = sa.select(Membership.community_id).where(
        Membership.user_id == user_id,
        Membership.status == ACTIVE,
        Membership.role.in_((PROFESSIONAL, COORDINATOR)),
    )
    new_views = capped_count(
        sa.select(sa.literal(1)).where(
            Contribution.community_id.in_(ids),
            Contribution.withdrawn_at.is_(None),
            Contribution.review_status == NEW,
        )
    )
    awaiting = capped_count(
        sa.select(sa.literal(1)).where(
            Proposal.community_id.in_(ids),
            Proposal.published_at.is_not(None),
            Proposal.decided_at.is_(None),
            Proposal.closes_at <= now,
        )
    )
    return new_views + awaiting


def _holds_role(user_id, *roles):
    return sa.exists().where(
        Membership.user_id == user_id,
        Membership.status == ACTIVE,
        Membership.role.in_(roles),
    )


@cache
def _header_statement():
    """The header's statement, built once per process: each request binds the person's
    id and the time. Building it afresh cost more than running it."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    now = sa.bindparam("now", type_=Proposal.closes_at.type)
    return sa.select(
        _holds_role(user_id, PROFESSIONAL, COORDINATOR).label("reviewer"),
        _holds_role(user_id, COORDINATOR).label("coordinator"),
        _holds_role(user_id, LAY_PARTNER).label("lay"),
        _work_waiting(user_id, now).label("work"),
        capped_count(unread_query(user_id)).label("unread"),
    )


def header_facts(user):
    """What the header needs about the signed-in person, in one statement per request.

    It finds their active roles (which also answers the permission helpers'
    "reviews any" and "coordinates any" questions for the rest of the request),
    the My work figure and the unread notifications figure.
    """
    if "header_facts" in g:
        return g.header_facts
    row = db.session.execute(_header_statement(), {"user_id": user.id, "now": utcnow()}).one()
    g.reviews_any = bool(row.reviewer)
    g.coordinates_any = bool(row.coordinator)
    staff = g.reviews_any or permissions.is_site_admin(user)
    g.header_facts = {
        "staff": staff,
        "reviewer": g.reviews_any,
        "lay": not staff or bool(row.lay),
        "work_count": (row.work or 0) if staff else 0,
        "unread": row.unread or 0,
    }
    return g.header_facts
