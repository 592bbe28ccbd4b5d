"""A lay partner's signed-in home: what is open for their views, and new briefings."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from .. import db
from ..briefings.models import Briefing
from ..communities.models import ACTIVE, Membership
from ..consultations.models import Contribution, Proposal
from ..db import utcnow
from ..impact.models import AWAITING

SHORT_LIST = 5

_USER_ID = sa.bindparam("user_id", type_=sa.Integer)
_NOW = sa.bindparam("now", type_=Proposal.closes_at.type)
_MY_COMMUNITY_IDS = sa.select(Membership.community_id).where(
    Membership.user_id == _USER_ID, Membership.status == ACTIVE
)


def _open_proposals_statement(lateral):
    """The first proposals to close of those open in the person's communities.

    Each community gives its own first few from `ix_proposals_undecided_closing`, and
    the page keeps the first of those: a busy community's thousands of proposals are
    never read or sorted. PostgreSQL is asked with a LATERAL join, which it runs once
    per membership; to the same question put as `id IN (a correlated subquery)` it
    answered by trying every proposal against every membership (a second at national
    scale). SQLite has no LATERAL, and runs the IN form once per membership.
    """
    candidate = aliased(Proposal)
    firsts = (
        sa.select(candidate.id, candidate.title, candidate.closes_at)
        .where(
            candidate.community_id == Membership.community_id,
            candidate.published_at.is_not(None),
            candidate.decided_at.is_(None),
            candidate.paused_at.is_(None),
            candidate.opens_at <= _NOW,
            candidate.closes_at > _NOW,
        )
        .order_by(candidate.closes_at, candidate.id)
        .limit(SHORT_LIST)
    )
    if lateral:
        found = firsts.lateral("firsts")
        return (
            sa.select(found.c.id, found.c.title, found.c.closes_at)
            .select_from(Membership)
            .join(found, sa.true())
            .where(Membership.user_id == _USER_ID, Membership.status == ACTIVE)
            .order_by(found.c.closes_at, found.c.id)
            .limit(SHORT_LIST)
        )
    ids = firsts.with_only_columns(candidate.id).correlate(Membership)
    return (
        sa.select(Proposal.id, Proposal.title, Proposal.closes_at)
        .select_from(Membership)
        .join(Proposal, Proposal.id.in_(ids))
        .where(Membership.user_id == _USER_ID, Membership.status == ACTIVE)
        .order_by(Proposal.closes_at, Proposal.id)
        .limit(SHORT_LIST)
    )


# Built once: building them cost more than running them.
OPEN_PROPOSALS = {
    "postgresql": _open_proposals_statement(lateral=True),
    "sqlite": _open_proposals_statement(lateral=False),
}
# Outcomes are told once a proposal has closed; before that, links are reviewers' drafts.
OUTCOMES = (
    sa.select(Proposal.title, Contribution.outcome)
    .join(Contribution, Contribution.proposal_id == Proposal.id)
    .where(
        Contribution.author_id == _USER_ID,
        Contribution.withdrawn_at.is_(None),
        Contribution.outcome != AWAITING,
        Proposal.closes_at <= _NOW,
    )
    .order_by(Proposal.closes_at.desc(), Proposal.id.desc())
    .limit(SHORT_LIST)
)
BRIEFINGS = (
    sa.select(Briefing.id, Briefing.title)
    .where(
        Briefing.community_id.in_(_MY_COMMUNITY_IDS),
        Briefing.published_at.is_not(None),
        Briefing.published_at <= _NOW,
    )
    .order_by(Briefing.published_at.desc(), Briefing.id.desc())
    .limit(SHORT_LIST)
)


def lay_home(user, now=None):
    """Open proposals, the latest outcomes of the person's views and the latest briefings
    of their communities: three statements, each reading only the columns shown."""
    params = {"user_id": user.id, "now": now or utcnow()}
    return {
        "open_proposals": db.session.execute(
            OPEN_PROPOSALS[db.session.get_bind().dialect.name], params
        ).all(),
        "outcomes": db.session.execute(OUTCOMES, params).all(),
        "briefings": db.session.execute(BRIEFINGS, params).all(),
    }
