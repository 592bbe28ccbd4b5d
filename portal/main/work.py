"""My work: what waits for a professional or coordinator, across their communities.

Every figure comes from a few aggregate statements (conditional counts, GROUP BY
community), so the page costs the same however many communities, proposals or
views there are.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import g

from .. import db, permissions
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
from ..impact import reading as impact_reading
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
from ..involvement.payment_reading import WAITING_PAYMENTS
from ..notifications.services import unread_query

SHORT_LIST = 5
CLOSING_SOON_DAYS = 7


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


def _view_counts(community_ids, now):
    """{community id: (new, overdue)} in one statement."""
    late = sa.and_(
        Contribution.first_response_at.is_(None), Contribution.submitted_at < overdue_before(now)
    )
    rows = db.session.execute(
        sa.select(
            Proposal.community_id,
            sa.func.count(sa.case((Contribution.review_status == NEW, 1))),
            sa.func.count(sa.case((late, 1))),
        )
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Proposal.community_id.in_(community_ids), Contribution.withdrawn_at.is_(None))
        .group_by(Proposal.community_id)
    )
    return {row[0]: (row[1], row[2]) for row in rows}


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


def _proposal_counts(community_ids, now):
    """{community id: (closing soon, awaiting a decision)} in one statement."""
    rows = db.session.execute(
        sa.select(
            Proposal.community_id,
            sa.func.count(sa.case((_closing_soon(now), 1))),
            sa.func.count(sa.case((Proposal.closes_at <= now, 1))),
        )
        .where(_undecided(community_ids))
        .group_by(Proposal.community_id)
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _first_proposals(community_ids, condition, order):
    return db.session.scalars(
        sa.select(Proposal)
        .where(_undecided(community_ids), condition)
        .order_by(order, Proposal.id)
        .limit(SHORT_LIST)
    ).all()


def _count(query):
    return query.with_only_columns(sa.func.count()).order_by(None).scalar_subquery()


def _loop_counts(community_ids, today):
    """{community id: (views with no outcome, evaluations due)} in one statement."""
    no_outcome = _count(
        sa.select(Contribution.id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Proposal.community_id == Community.id, impact_reading.waiting_for_outcome())
    )
    evaluations = _count(
        sa.select(ServiceChange.id).where(
            ServiceChange.community_id == Community.id, evaluation_is_due(today)
        )
    )
    rows = db.session.execute(
        sa.select(Community.id, no_outcome, evaluations).where(Community.id.in_(community_ids))
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _coordinator_counts(community_ids):
    """{community id: (join requests, open reports, quotes waiting, payments waiting,
    expense claims waiting)} in one statement."""
    requests = _count(
        sa.select(Membership.id).where(
            Membership.community_id == Community.id, Membership.status == PENDING
        )
    )
    reports = _count(
        sa.select(Report.id)
        .join(Contribution, Contribution.id == Report.contribution_id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Proposal.community_id == Community.id, Report.resolved_at.is_(None))
    )
    quotes = _count(
        sa.select(Contribution.id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Proposal.community_id == Community.id, quote_waiting())
    )
    payments = _count(
        sa.select(Payment.id)
        .join(InvolvementActivity, InvolvementActivity.id == Payment.activity_id)
        .where(
            InvolvementActivity.community_id == Community.id,
            Payment.status.in_(WAITING_PAYMENTS),
        )
    )
    claims = _count(
        sa.select(ExpenseClaim.id).where(
            ExpenseClaim.community_id == Community.id,
            ExpenseClaim.status.in_((SUBMITTED, CLAIM_APPROVED, PART_APPROVED)),
        )
    )
    rows = db.session.execute(
        sa.select(Community.id, requests, reports, quotes, payments, claims).where(
            Community.id.in_(community_ids)
        )
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def my_work(user, now=None, today=None):
    """Everything My work shows, in a fixed number of statements."""
    now = now or utcnow()
    communities = staff_communities(user)
    ids = [community.id for community, _role in communities]
    coordinated = [community.id for community, role in communities if role == COORDINATOR]
    views = _view_counts(ids, now) if ids else {}
    proposals = _proposal_counts(ids, now) if ids else {}
    today = today or date.today()
    loop = _loop_counts(ids, today) if ids else {}
    coordinator = _coordinator_counts(coordinated) if coordinated else {}
    rows = []
    for community, role in communities:
        new, overdue = views.get(community.id, (0, 0))
        closing, awaiting = proposals.get(community.id, (0, 0))
        no_outcome, evaluations = loop.get(community.id, (0, 0))
        requests, reports, quotes, payments, claims = coordinator.get(community.id, (0,) * 5)
        rows.append(
            {
                "community": community,
                "coordinator": role == COORDINATOR,
                "new": new,
                "overdue": overdue,
                "closing_soon": closing,
                "awaiting_decision": awaiting,
                "no_outcome": no_outcome,
                "evaluations_due": evaluations,
                "join_requests": requests,
                "reports": reports,
                "quotes": quotes,
                "payments": payments,
                "claims": claims,
            }
        )
    keys = (
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
    totals = {key: sum(row[key] for row in rows) for key in keys}
    return {
        "communities": rows,
        "totals": totals,
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


# The header counts no further than this and shows "99+" beyond it, so its figures
# cost the same for someone with 100 new views waiting as for someone with 100,000.
HEADER_COUNT_LIMIT = 99


def capped_count(rows):
    """How many rows `rows` (a select) finds, as a scalar subquery that stops one past the limit."""
    found = rows.limit(HEADER_COUNT_LIMIT + 1).subquery()
    return sa.select(sa.func.count()).select_from(found).scalar_subquery()


def _work_waiting(user, now):
    """The figure beside "My work": new views plus proposals awaiting a decision.

    A scalar subquery, so the header asks it together with the person's roles.
    It is 0 for anyone who reviews no community. Each part stops counting past
    the header's limit, reading the index of new views
    (`ix_contributions_new_views`), never the views themselves.
    """
    ids = sa.select(Membership.community_id).where(
        Membership.user_id == user.id,
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


def _holds_role(user, *roles):
    return sa.exists().where(
        Membership.user_id == user.id,
        Membership.status == ACTIVE,
        Membership.role.in_(roles),
    )


def header_facts(user):
    """What the header needs about the signed-in person, in one statement per request.

    It finds their active roles (which also answers the permission helpers'
    "reviews any" and "coordinates any" questions for the rest of the request),
    the My work figure and the unread notifications figure.
    """
    if "header_facts" in g:
        return g.header_facts
    row = db.session.execute(
        sa.select(
            _holds_role(user, PROFESSIONAL, COORDINATOR).label("reviewer"),
            _holds_role(user, COORDINATOR).label("coordinator"),
            _holds_role(user, LAY_PARTNER).label("lay"),
            _work_waiting(user, utcnow()).label("work"),
            capped_count(unread_query(user)).label("unread"),
        )
    ).one()
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
