"""What the pages for decisions, changes and links read: one statement each, whatever the data.

These take what the view knows (the viewer's membership, the chosen ids) and
never read the request, so the rules stay testable without one.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from .. import db
from ..accounts.models import User
from ..briefings.models import PUBLIC
from ..consultations import review
from ..consultations.models import Contribution, ContributionTheme, Proposal, Theme
from . import reach, services
from .models import AWAITING, EFFECTS, ChangeDecision, Decision, Influence, ServiceChange


def changes_query(community, member):
    """The community's changes, latest news first: members see every one, others public ones."""
    query = sa.select(ServiceChange).where(ServiceChange.community_id == community.id)
    if not member:
        query = query.where(ServiceChange.visibility == PUBLIC)
    return query.order_by(ServiceChange.updated_at.desc(), ServiceChange.id.desc())


def evaluations_due_query(community_ids, today):
    """Changes of these communities whose evaluation is due, the longest overdue first."""
    return (
        sa.select(ServiceChange)
        .where(ServiceChange.community_id.in_(community_ids), services.evaluation_is_due(today))
        .order_by(ServiceChange.evaluation_due, ServiceChange.id)
    )


def parent_choices(community, change=None):
    """(id, title) of the community's changes that may be this one's parent.

    Leaves out the change itself and its parts, so a change never ends up
    inside itself. One statement for the whole community.
    """
    rows = db.session.execute(
        sa.select(ServiceChange.id, ServiceChange.parent_id, ServiceChange.title)
        .where(ServiceChange.community_id == community.id)
        .order_by(ServiceChange.title)
        .limit(500)
    ).all()
    excluded = set()
    if change is not None:
        excluded.add(change.id)
        grew = True
        while grew:
            within = {row.id for row in rows if row.parent_id in excluded}
            grew = not within <= excluded
            excluded |= within
    return [(row.id, row.title) for row in rows if row.id not in excluded]


def linked_decisions(change, member):
    """Decisions the change carries out, with their proposals; members-only ones for members."""
    query = (
        sa.select(Decision, Proposal.id.label("proposal_id"), Proposal.title)
        .join(ChangeDecision, ChangeDecision.decision_id == Decision.id)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .where(ChangeDecision.change_id == change.id)
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    )
    if not member:
        query = query.where(Decision.visibility == PUBLIC)
    return db.session.execute(query).all()


def lay_counts(change):
    """[(effect, contributions)] linked to the change, directly or through a theme: each
    contribution once, the direct link's effect winning (reach.effective).

    One grouped statement; withdrawn contributions do not count, and no name
    is read.
    """
    counted = reach.effective(Influence.change_id == change.id)
    rows = db.session.execute(
        sa.select(counted.c.effect, sa.func.count(counted.c.cid)).group_by(counted.c.effect)
    ).all()
    found = dict(rows)
    return [(effect, found[effect]) for effect in EFFECTS if found.get(effect)]


def links_query():
    """Links with their source theme, their target's title and who made them: one statement."""
    decided = aliased(Proposal)
    return (
        sa.select(
            Influence,
            Theme.name.label("theme"),
            sa.func.coalesce(ServiceChange.title, decided.title).label("target"),
            User.display_name.label("linked_by"),
        )
        .outerjoin(Theme, Theme.id == Influence.theme_id)
        .outerjoin(ServiceChange, ServiceChange.id == Influence.change_id)
        .outerjoin(Decision, Decision.id == Influence.decision_id)
        .outerjoin(decided, decided.id == Decision.proposal_id)
        .outerjoin(User, User.id == Influence.created_by_id)
    )


def proposal_links_query(proposal):
    """The proposal's live links, newest first."""
    return (
        links_query()
        .where(Influence.proposal_id == proposal.id, Influence.removed_at.is_(None))
        .order_by(Influence.created_at.desc(), Influence.id.desc())
    )


def contribution_links(contribution):
    """The live links that reach a contribution, directly or through its themes."""
    direct = sa.select(Influence.id).where(Influence.contribution_id == contribution.id)
    themed = (
        sa.select(Influence.id)
        .join(ContributionTheme, ContributionTheme.theme_id == Influence.theme_id)
        .where(ContributionTheme.contribution_id == contribution.id)
    )
    return db.session.execute(
        links_query()
        .where(Influence.id.in_(sa.union(direct, themed)), Influence.removed_at.is_(None))
        .order_by(Influence.created_at, Influence.id)
    ).all()


def chosen_contributions(proposal, ids):
    """[(contribution, shown name)] for these ids of the proposal, or None if any is not one.

    Anonymous contributions show as such: their author is never read.
    """
    rows = db.session.execute(
        sa.select(Contribution, review.shown_name(), review.unnamed())
        .options(review.without_author())
        .outerjoin(User, User.id == Contribution.author_id)
        .where(
            Contribution.id.in_(ids),
            Contribution.proposal_id == proposal.id,
            Contribution.withdrawn_at.is_(None),
        )
        .order_by(Contribution.id)
    ).all()
    if len(rows) != len(set(ids)):
        return None
    return [
        (contribution, name or review.anonymous_label(contribution, is_unnamed))
        for contribution, name, is_unnamed in rows
    ]


def link_targets(proposal):
    """The proposal's decision, and choices "decision:ID" and "change:ID": only its own
    decision and the changes connected to it (`connected_to`)."""
    community = proposal.community
    own = services.decision_of(proposal)
    changes = db.session.execute(
        sa.select(ServiceChange.id, ServiceChange.title)
        .where(
            ServiceChange.community_id == community.id,
            connected_to(proposal),
        )
        .order_by(ServiceChange.updated_at.desc(), ServiceChange.id.desc())
        .limit(200)
    ).all()
    decisions = (
        [(f"decision:{own.id}", _("Decision on “%(title)s”", title=proposal.title))]
        if own is not None
        else []
    )
    return own, [("", _("Choose a decision or change"))] + decisions + [
        (f"change:{row.id}", _("Service change: %(title)s", title=row.title)) for row in changes
    ]


def with_outcome(theme, contribution_ids):
    """How many of the linked contributions (the theme's, or these) now have an outcome."""
    if theme is not None:
        linked = sa.select(ContributionTheme.contribution_id).where(
            ContributionTheme.theme_id == theme.id
        )
    else:
        linked = contribution_ids
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Contribution)
        .where(Contribution.id.in_(linked), Contribution.outcome != AWAITING)
    )


def waiting_for_outcome():
    """On Contribution joined to its Proposal: a view on a decided proposal no link reaches yet."""
    return sa.and_(
        Proposal.decided_at.is_not(None),
        Contribution.outcome == AWAITING,
        Contribution.withdrawn_at.is_(None),
    )


def outcome_missing_query(community_ids):
    """Views on decided proposals of these communities that no link reaches yet."""
    return (
        sa.select(Contribution, Proposal.title, review.shown_name(), review.unnamed())
        .options(review.without_author())
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .outerjoin(User, User.id == Contribution.author_id)
        .where(Proposal.community_id.in_(community_ids), waiting_for_outcome())
        .order_by(
            Proposal.decided_at.desc(), Proposal.id, Contribution.submitted_at, Contribution.id
        )
    )


def decision_changes(decision, member):
    """The changes that carry out a decision, with their owner's name: one statement."""
    query = (
        sa.select(ServiceChange, User.display_name.label("owner"))
        .join(ChangeDecision, ChangeDecision.change_id == ServiceChange.id)
        .outerjoin(User, User.id == ServiceChange.owner_id)
        .where(ChangeDecision.decision_id == decision.id)
        .order_by(ServiceChange.title, ServiceChange.id)
        .limit(100)
    )
    if not member:
        query = query.where(ServiceChange.visibility == PUBLIC)
    return db.session.execute(query).all()


def connected_to(proposal):
    """SQL (on ServiceChange): changes the proposal's views may be linked to.

    Those that carry out its decision (a coordinator ticks the decision on the change's form),
    and those of the community that carry out no decision yet. A change that carries out only
    other proposals' decisions is left out, so views are not linked to it by mistake.
    """
    tied = sa.select(ChangeDecision.change_id).where(ChangeDecision.change_id == ServiceChange.id)
    own = tied.join(Decision, Decision.id == ChangeDecision.decision_id).where(
        Decision.proposal_id == proposal.id
    )
    return sa.or_(sa.exists(own), ~sa.exists(tied))


def proposals_behind(change):
    """[(proposal id, title, views)] whose views are linked to the change, directly or through
    a theme: one grouped statement; withdrawn views do not count and no name is read."""
    live = (Influence.change_id == change.id, Influence.removed_at.is_(None))
    direct = sa.select(Influence.contribution_id.label("cid")).where(
        *live, Influence.contribution_id.is_not(None)
    )
    themed = (
        sa.select(ContributionTheme.contribution_id.label("cid"))
        .join(Influence, Influence.theme_id == ContributionTheme.theme_id)
        .where(*live)
    )
    reached = sa.union(direct, themed).subquery()
    return db.session.execute(
        sa.select(Proposal.id, Proposal.title, sa.func.count(sa.distinct(Contribution.id)))
        .select_from(reached)
        .join(Contribution, Contribution.id == reached.c.cid)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Contribution.withdrawn_at.is_(None))
        .group_by(Proposal.id, Proposal.title)
        .order_by(Proposal.title, Proposal.id)
        .limit(100)
    ).all()
