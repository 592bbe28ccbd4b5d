"""A lay partner's signed-in home: what is open for their views, and new briefings."""

import sqlalchemy as sa

from .. import db
from ..briefings.models import Briefing
from ..communities.models import ACTIVE, Membership
from ..consultations.models import Contribution, Proposal
from ..db import utcnow
from ..impact.models import AWAITING

SHORT_LIST = 5


def _my_community_ids(user):
    return sa.select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.status == ACTIVE
    )


def lay_home(user, now=None):
    """Open proposals, the latest outcomes of the person's views and the latest briefings
    of their communities: three statements."""
    now = now or utcnow()
    mine = _my_community_ids(user)
    open_proposals = db.session.scalars(
        sa.select(Proposal)
        .where(
            Proposal.community_id.in_(mine),
            Proposal.published_at.is_not(None),
            Proposal.decided_at.is_(None),
            Proposal.paused_at.is_(None),
            Proposal.opens_at <= now,
            Proposal.closes_at > now,
        )
        .order_by(Proposal.closes_at, Proposal.id)
        .limit(SHORT_LIST)
    ).all()
    # Outcomes are told once a proposal has closed; before that, links are reviewers' drafts.
    outcomes = db.session.execute(
        sa.select(Proposal.title, Contribution.outcome)
        .join(Contribution, Contribution.proposal_id == Proposal.id)
        .where(
            Contribution.author_id == user.id,
            Contribution.withdrawn_at.is_(None),
            Contribution.outcome != AWAITING,
            Proposal.closes_at <= now,
        )
        .order_by(Proposal.closes_at.desc(), Proposal.id.desc())
        .limit(SHORT_LIST)
    ).all()
    briefings = db.session.scalars(
        sa.select(Briefing)
        .where(
            Briefing.community_id.in_(mine),
            Briefing.published_at.is_not(None),
            Briefing.published_at <= now,
        )
        .order_by(Briefing.published_at.desc(), Briefing.id.desc())
        .limit(SHORT_LIST)
    ).all()
    return {"open_proposals": open_proposals, "outcomes": outcomes, "briefings": briefings}
