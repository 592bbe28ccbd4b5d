"""Open data: public changes, public decisions and anonymised influence counts, as rows
for CSV and JSON files at stable addresses. Nothing from members-only changes or
decisions, and no contribution's words or author."""

import sqlalchemy as sa

from .. import db
from ..briefings.models import PUBLIC
from ..communities.models import Community
from ..consultations.models import Proposal
from . import reach
from .models import ChangeDecision, Decision, Influence, ServiceChange

# Open data --------------------------------------------------------------------------------

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

CHANGE_FIELDS = (
    "id",
    "community",
    "title",
    "description",
    "service_area",
    "status",
    "status_date",
    "progress",
    "parent_id",
    "decision_ids",
)
DECISION_FIELDS = ("id", "community", "proposal", "summary", "reasons", "decided_by", "date")
INFLUENCE_FIELDS = ("target_type", "target_id", "effect", "contributions", "links")


def _open_communities():
    return sa.select(Community.id).where(Community.archived_at.is_(None))


def open_changes():
    """Public changes of communities that are not archived. Two queries.

    A parent or decision that is members-only is left out, not even its number.
    """
    parent = sa.orm.aliased(ServiceChange)
    rows = db.session.execute(
        sa.select(ServiceChange, Community.slug, parent.id.label("parent_id"))
        .join(Community, Community.id == ServiceChange.community_id)
        .outerjoin(
            parent,
            sa.and_(parent.id == ServiceChange.parent_id, parent.visibility == PUBLIC),
        )
        .where(ServiceChange.visibility == PUBLIC, Community.archived_at.is_(None))
        .order_by(ServiceChange.id)
    ).all()
    decisions = {}
    for change_id, decision_id in db.session.execute(
        sa.select(ChangeDecision.change_id, ChangeDecision.decision_id)
        .join(Decision, Decision.id == ChangeDecision.decision_id)
        .join(ServiceChange, ServiceChange.id == ChangeDecision.change_id)
        .where(
            Decision.visibility == PUBLIC,
            ServiceChange.visibility == PUBLIC,
            ServiceChange.community_id.in_(_open_communities()),
        )
        .order_by(ChangeDecision.change_id, ChangeDecision.decision_id)
    ):
        decisions.setdefault(change_id, []).append(decision_id)
    return [
        {
            "id": change.id,
            "community": slug,
            "title": change.title,
            "description": change.description,
            "service_area": change.service_area,
            "status": change.status,
            "status_date": change.status_on.isoformat(),
            "progress": change.progress,
            "parent_id": parent_id,
            "decision_ids": decisions.get(change.id, []),
        }
        for change, slug, parent_id in rows
    ]


def open_decisions():
    """Public decisions of communities that are not archived. One query."""
    rows = db.session.execute(
        sa.select(Decision, Community.slug, Proposal.title)
        .join(Community, Community.id == Decision.community_id)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .where(Decision.visibility == PUBLIC, Community.archived_at.is_(None))
        .order_by(Decision.id)
    ).all()
    return [
        {
            "id": decision.id,
            "community": slug,
            "proposal": title,
            "summary": decision.summary,
            "reasons": decision.reasons,
            "decided_by": decision.decided_by,
            "date": decision.decided_on.isoformat(),
        }
        for decision, slug, title in rows
    ]


def open_influence():
    """How many contributions and links reached each public change or decision, by effect.

    Each contribution counts once per change or decision, with one effect: the
    direct link's wins over its theme's (reach.effective). Counts only: no
    contribution, no words, no names. Two queries.
    """
    public_target = sa.or_(
        Influence.change_id.in_(
            sa.select(ServiceChange.id).where(
                ServiceChange.visibility == PUBLIC,
                ServiceChange.community_id.in_(_open_communities()),
            )
        ),
        Influence.decision_id.in_(
            sa.select(Decision.id).where(
                Decision.visibility == PUBLIC, Decision.community_id.in_(_open_communities())
            )
        ),
    )
    live = sa.and_(Influence.removed_at.is_(None), public_target)
    target = (Influence.change_id, Influence.decision_id, Influence.effect)
    links = db.session.execute(
        sa.select(*target, sa.func.count(Influence.id)).where(live).group_by(*target)
    ).all()
    counted = reach.effective(public_target)
    reached = (counted.c.change_id, counted.c.decision_id, counted.c.effect)
    contributions = {
        tuple(row[:3]): row[3]
        for row in db.session.execute(
            sa.select(*reached, sa.func.count(counted.c.cid)).group_by(*reached)
        )
    }
    items = [
        {
            "target_type": "change" if change_id else "decision",
            "target_id": change_id or decision_id,
            "effect": effect,
            "contributions": contributions.get((change_id, decision_id, effect), 0),
            "links": count,
        }
        for change_id, decision_id, effect, count in links
    ]
    return sorted(items, key=lambda item: (item["target_type"], item["target_id"], item["effect"]))


OPEN_DATA = {
    "changes": (CHANGE_FIELDS, open_changes),
    "decisions": (DECISION_FIELDS, open_decisions),
    "influence": (INFLUENCE_FIELDS, open_influence),
}
