"""What lay input changed, for the people who gave it and for a proposal's members:
"my impact" and a proposal's trace. Each in a fixed number of queries, however many
contributions or links there are."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

import sqlalchemy as sa

from .. import caching, db
from ..briefings.models import PUBLIC
from ..communities.models import ACTIVE, Community, Membership
from ..consultations.models import Contribution, ContributionTheme, Proposal, Theme
from ..db import utcnow
from . import influence, reach
from .models import OUTCOMES, ChangeDecision, Decision, Influence, ServiceChange

# My impact --------------------------------------------------------------------------------


def my_totals(user):
    """{outcome: count} of the person's contributions that still count, and "total"."""
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update(
        db.session.execute(
            sa.select(Contribution.outcome, sa.func.count())
            .where(Contribution.author_id == user.id, Contribution.withdrawn_at.is_(None))
            .group_by(Contribution.outcome)
        ).all()
    )
    counts["total"] = sum(counts[outcome] for outcome in OUTCOMES)
    return counts


def my_contributions_query(user):
    """The person's contributions that still count, newest first, with their proposal.

    `readable` says whether they may still open the proposal: a published
    proposal is for the community's active members (see permissions.can_read_proposal),
    worked out here in SQL so that a page of proposals costs no query each.
    """
    active_member = (
        sa.exists()
        .where(
            Membership.user_id == user.id,
            Membership.community_id == Proposal.community_id,
            Membership.status == ACTIVE,
        )
        .correlate(Proposal)
    )
    return (
        sa.select(
            Contribution,
            Proposal,
            Community.name,
            sa.and_(Proposal.published_at.is_not(None), active_member).label("readable"),
        )
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .join(Community, Community.id == Proposal.community_id)
        .where(Contribution.author_id == user.id, Contribution.withdrawn_at.is_(None))
        .order_by(Contribution.submitted_at.desc(), Contribution.id.desc())
    )


def links_of(rows):
    """The live links reaching the contributions of a page: one query."""
    return influence.links_of([row[0].id for row in rows])


def open_proposals_by_community(user, now=None):
    """(slug, name, proposals open now) for each community the person is active in."""
    now = now or utcnow()
    open_now = sa.and_(
        Proposal.community_id == Community.id,
        Proposal.published_at.is_not(None),
        Proposal.decided_at.is_(None),
        Proposal.opens_at <= now,
        Proposal.closes_at > now,
    )
    return db.session.execute(
        sa.select(Community.slug, Community.name, sa.func.count(Proposal.id))
        .join(Membership, Membership.community_id == Community.id)
        .outerjoin(Proposal, open_now)
        .where(
            Membership.user_id == user.id,
            Membership.status == ACTIVE,
            Community.archived_at.is_(None),
        )
        .group_by(Community.id, Community.slug, Community.name)
        .order_by(Community.name)
        .limit(50)
    ).all()


# A proposal's trace -----------------------------------------------------------------------


@dataclass
class Node:
    """A box in the trace: an outcome, a theme, a decision or a change."""

    kind: str  # "outcome", "theme", "decision", "change"
    key: object
    label: str
    count: int | None = None
    status: str | None = None
    progress: int | None = None
    decided_on: date | None = None


@dataclass
class Trace:
    counts: dict
    outcomes: list  # Nodes: shaped, not adopted, awaiting
    themes: list  # Nodes
    decision: Decision | None
    decisions: list  # Nodes: the proposal's decision first, then others its links reach
    changes: list  # Nodes
    edges: list = field(default_factory=list)  # (from Node, to Node, effect or None, count)
    theme_effects: dict = field(default_factory=dict)  # theme id: [effect, ...]
    # (theme Node, target Node, contributions linked directly and through that theme too)
    both: list = field(default_factory=list)


def _counted(proposal_id):
    """The three statements of a trace that count the proposal's contributions: by
    outcome, by theme and outcome, and by what each reached. Plain tuples, so they
    can be kept (caching.remember); the rest of the trace is read fresh each time."""
    by_outcome = db.session.execute(
        sa.select(Contribution.outcome, sa.func.count())
        .where(Contribution.proposal_id == proposal_id, Contribution.withdrawn_at.is_(None))
        .group_by(Contribution.outcome)
    ).all()
    counted = sa.and_(
        Contribution.id == ContributionTheme.contribution_id, Contribution.withdrawn_at.is_(None)
    )
    by_theme = db.session.execute(
        sa.select(Theme.id, Theme.name, Contribution.outcome, sa.func.count(Contribution.id))
        .outerjoin(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .outerjoin(Contribution, counted)
        .where(Theme.proposal_id == proposal_id)
        .group_by(Theme.id, Theme.name, Contribution.outcome)
        .order_by(Theme.name, Theme.id)
    ).all()
    # Each contribution once per decision or change, the direct link's effect winning.
    effective = reach.effective(Influence.proposal_id == proposal_id)
    reached = (
        effective.c.theme_id,
        effective.c.also_theme_id,
        effective.c.decision_id,
        effective.c.change_id,
        effective.c.effect,
        Contribution.outcome,
    )
    links = db.session.execute(
        sa.select(*reached, sa.func.count(effective.c.cid))
        .join(Contribution, Contribution.id == effective.c.cid)
        .group_by(*reached)
    ).all()
    return (
        [tuple(row) for row in by_outcome],
        [tuple(row) for row in by_theme],
        [tuple(row) for row in links],
    )


@cache
def _trace_statements():
    """The trace's statements after its kept counts, built once per process: each page
    binds the proposal's id. Building them afresh cost more than running them."""
    proposal_id = sa.bindparam("proposal_id", type_=sa.Integer)
    theme_links = (
        sa.select(Influence.theme_id, Influence.decision_id, Influence.change_id, Influence.effect)
        .where(
            Influence.proposal_id == proposal_id,
            Influence.removed_at.is_(None),
            Influence.theme_id.is_not(None),
        )
        .order_by(Influence.id)
    )
    own_decision = sa.select(Decision.id).where(Decision.proposal_id == proposal_id)
    linked_decisions = sa.select(Influence.decision_id).where(
        Influence.proposal_id == proposal_id, Influence.removed_at.is_(None)
    )
    decisions = (
        sa.select(Decision, Proposal.title)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        # One list of ids rather than an OR, so the database looks each decision up by id.
        .where(Decision.id.in_(sa.union(own_decision, linked_decisions)))
        .order_by((Decision.proposal_id == proposal_id).desc(), Decision.decided_on.desc())
    )
    carries = ServiceChange.id.in_(
        sa.select(ChangeDecision.change_id).where(ChangeDecision.decision_id.in_(own_decision))
    )
    shown = ServiceChange.id.in_(
        sa.union(
            sa.select(ChangeDecision.change_id).where(ChangeDecision.decision_id.in_(own_decision)),
            sa.select(Influence.change_id).where(
                Influence.proposal_id == proposal_id, Influence.removed_at.is_(None)
            ),
        )
    )
    changes = sa.select(ServiceChange, carries.label("carries")).order_by(
        ServiceChange.title, ServiceChange.id
    )
    return {
        "theme_links": theme_links,
        "decisions": decisions,
        "changes": changes.where(shown),
        # For someone who is not a member: the public changes only.
        "public_changes": changes.where(shown, ServiceChange.visibility == PUBLIC),
    }


def trace(proposal, member=True):
    """Counts, themes, the decision and the resulting changes of a proposal, and the
    lines between them. Never who wrote anything: counts only. Six queries.

    For someone who is not a member of the community, members-only changes and the
    lines to them are left out.

    A contribution linked directly and through its theme to the same decision
    or change counts once, on the direct line (reach.effective); a theme's line
    counts the contributions its link alone reaches. `both` says how many had
    the two.

    The counts are kept for up to a minute (caching.remember), and worked out
    afresh as soon as a write changes what they count."""
    outcome_rows, theme_rows, links = caching.remember(
        ("trace", proposal.id),
        lambda: _counted(proposal.id),
        stamp=caching.proposal_figures(proposal.id),
    )
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update(outcome_rows)
    counts["total"] = sum(counts[outcome] for outcome in OUTCOMES)
    outcomes = {outcome: Node("outcome", outcome, outcome, counts[outcome]) for outcome in OUTCOMES}

    themes, by_outcome = {}, []
    for theme_id, name, outcome, number in theme_rows:
        node = themes.setdefault(theme_id, Node("theme", theme_id, name, 0))
        node.count += number
        if number:
            by_outcome.append((outcomes[outcome], node, None, number))

    statements = _trace_statements()
    params = {"proposal_id": proposal.id}
    theme_links = db.session.execute(statements["theme_links"], params).all()

    decision, decisions = None, {}
    for found, title in db.session.execute(statements["decisions"], params):
        if found.proposal_id == proposal.id:
            decision = found
        decisions[found.id] = Node("decision", found.id, title, decided_on=found.decided_on)

    changes, carried = {}, []
    shown_changes = statements["changes" if member else "public_changes"]
    for change, carries_decision in db.session.execute(shown_changes, params):
        changes[change.id] = Node(
            "change",
            change.id,
            change.title,
            status=change.status,
            progress=change.progress,
        )
        if carries_decision and decision is not None:
            carried.append(changes[change.id])

    result = Trace(
        counts=counts,
        outcomes=[outcomes[outcome] for outcome in OUTCOMES],
        themes=list(themes.values()),
        decision=decision,
        decisions=list(decisions.values()),
        changes=list(changes.values()),
    )
    result.edges.extend(by_outcome)
    themed = {}
    for theme_id, decision_id, change_id, effect in theme_links:
        target = decisions.get(decision_id) if decision_id else changes.get(change_id)
        if target is not None and theme_id in themes:
            themed[(theme_id, target.kind, target.key)] = [themes[theme_id], target, effect, 0]
            result.theme_effects.setdefault(theme_id, []).append(effect)
    direct, both_ways = {}, {}
    for theme_id, also_theme_id, decision_id, change_id, effect, outcome, number in links:
        target = decisions.get(decision_id) if decision_id else changes.get(change_id)
        if target is None:
            continue
        if theme_id is not None:
            edge = themed.get((theme_id, target.kind, target.key))
            if edge is not None:
                edge[3] += number
            continue
        key = (outcome, target.kind, target.key, effect)
        direct[key] = direct.get(key, 0) + number
        if also_theme_id in themes:
            both = both_ways.setdefault(
                (also_theme_id, target.kind, target.key), [themes[also_theme_id], target, 0]
            )
            both[2] += number
    result.edges.extend(tuple(edge) for edge in themed.values())
    result.both = [tuple(row) for row in both_ways.values()]
    for (outcome, kind, key, effect), number in direct.items():
        target = decisions[key] if kind == "decision" else changes[key]
        result.edges.append((outcomes[outcome], target, effect, number))
    for change in carried:
        result.edges.append((decisions[decision.id], change, None, None))
    return result
