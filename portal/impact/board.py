"""What lay input changed, read back: "my impact", a proposal's trace, the "you said, we
did" board, a community's timeline, and open data.

Each page's data comes in a fixed number of queries, however many contributions,
links or changes it shows. Public pages and files read public changes and
decisions only, and quotes only from approved `Quote` rows of consenting,
visible contributions; they never read who wrote anything.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import db, permissions
from ..briefings.models import Briefing
from ..communities import timeline
from ..communities.models import ACTIVE, Community, Membership
from ..communities.services import Refused, require
from ..communities.timeline import TimelineEvent
from ..consultations.models import Contribution, ContributionTheme, Proposal, Quote, Theme
from ..db import utcnow
from . import influence
from .models import (
    OUTCOMES,
    PUBLIC,
    ChangeDecision,
    ChangeStatusEntry,
    Decision,
    Influence,
    ServiceChange,
)

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


def trace(proposal):
    """Counts, themes, the decision and the resulting changes of a proposal, and the
    lines between them. Never who wrote anything: counts only. Five queries."""
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update(
        db.session.execute(
            sa.select(Contribution.outcome, sa.func.count())
            .where(Contribution.proposal_id == proposal.id, Contribution.withdrawn_at.is_(None))
            .group_by(Contribution.outcome)
        ).all()
    )
    counts["total"] = sum(counts[outcome] for outcome in OUTCOMES)
    outcomes = {outcome: Node("outcome", outcome, outcome, counts[outcome]) for outcome in OUTCOMES}

    counted = sa.and_(
        Contribution.id == ContributionTheme.contribution_id, Contribution.withdrawn_at.is_(None)
    )
    themes, by_outcome = {}, []
    for theme_id, name, outcome, number in db.session.execute(
        sa.select(Theme.id, Theme.name, Contribution.outcome, sa.func.count(Contribution.id))
        .outerjoin(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .outerjoin(Contribution, counted)
        .where(Theme.proposal_id == proposal.id)
        .group_by(Theme.id, Theme.name, Contribution.outcome)
        .order_by(Theme.name, Theme.id)
    ):
        node = themes.setdefault(theme_id, Node("theme", theme_id, name, 0))
        node.count += number
        if number:
            by_outcome.append((outcomes[outcome], node, None, number))

    links = db.session.execute(
        sa.select(
            Influence.theme_id,
            Influence.decision_id,
            Influence.change_id,
            Influence.effect,
            Contribution.outcome,
            sa.func.count(Contribution.id),
        )
        .outerjoin(
            Contribution,
            sa.and_(
                Contribution.id == Influence.contribution_id, Contribution.withdrawn_at.is_(None)
            ),
        )
        .where(Influence.proposal_id == proposal.id, Influence.removed_at.is_(None))
        .group_by(
            Influence.theme_id,
            Influence.decision_id,
            Influence.change_id,
            Influence.effect,
            Contribution.outcome,
        )
    ).all()

    own_decision = sa.select(Decision.id).where(Decision.proposal_id == proposal.id)
    linked_decisions = sa.select(Influence.decision_id).where(
        Influence.proposal_id == proposal.id, Influence.removed_at.is_(None)
    )
    decision, decisions = None, {}
    for found, title in db.session.execute(
        sa.select(Decision, Proposal.title)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .where(sa.or_(Decision.proposal_id == proposal.id, Decision.id.in_(linked_decisions)))
        .order_by((Decision.proposal_id == proposal.id).desc(), Decision.decided_on.desc())
    ):
        if found.proposal_id == proposal.id:
            decision = found
        decisions[found.id] = Node("decision", found.id, title, decided_on=found.decided_on)

    carries = ServiceChange.id.in_(
        sa.select(ChangeDecision.change_id).where(ChangeDecision.decision_id.in_(own_decision))
    )
    reached = ServiceChange.id.in_(
        sa.select(Influence.change_id).where(
            Influence.proposal_id == proposal.id, Influence.removed_at.is_(None)
        )
    )
    changes, carried = {}, []
    for change, carries_decision in db.session.execute(
        sa.select(ServiceChange, carries.label("carries"))
        .where(sa.or_(carries, reached))
        .order_by(ServiceChange.title, ServiceChange.id)
    ):
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
    for theme_id, decision_id, change_id, effect, outcome, number in links:
        target = decisions.get(decision_id) if decision_id else changes.get(change_id)
        if target is None:
            continue
        if theme_id is not None:
            if theme_id in themes:
                result.edges.append((themes[theme_id], target, effect, themes[theme_id].count))
                result.theme_effects.setdefault(theme_id, []).append(effect)
        elif number:
            result.edges.append((outcomes[outcome], target, effect, number))
    for change in carried:
        result.edges.append((decisions[decision.id], change, None, None))
    return result


# The "you said, we did" board -------------------------------------------------------------


def public_changes(*, community_slug=None, status=None, year=None):
    """Public changes of communities that are not archived, latest update first."""
    query = (
        sa.select(ServiceChange, Community.name, Community.slug)
        .join(Community, Community.id == ServiceChange.community_id)
        .where(ServiceChange.visibility == PUBLIC, Community.archived_at.is_(None))
    )
    if community_slug:
        query = query.where(Community.slug == community_slug)
    if status:
        query = query.where(ServiceChange.status == status)
    if year:
        query = query.where(
            ServiceChange.status_on >= date(year, 1, 1),
            ServiceChange.status_on <= date(year, 12, 31),
        )
    return query.order_by(ServiceChange.updated_at.desc(), ServiceChange.id.desc())


def board_communities():
    """(slug, name) of the communities that are not archived, to filter the board by."""
    return db.session.execute(
        sa.select(Community.slug, Community.name)
        .where(Community.archived_at.is_(None))
        .order_by(Community.name)
    ).all()


def board_years():
    """The years of the latest status dates on the board, newest first."""
    first, last = db.session.execute(
        sa.select(sa.func.min(ServiceChange.status_on), sa.func.max(ServiceChange.status_on))
        .join(Community, Community.id == ServiceChange.community_id)
        .where(ServiceChange.visibility == PUBLIC, Community.archived_at.is_(None))
    ).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def _reach(change_ids):
    """(change_id, cid, effect) for each contribution a live link reaches, directly or
    through its theme."""
    direct = sa.select(
        Influence.change_id.label("change_id"),
        Influence.contribution_id.label("cid"),
        Influence.effect.label("effect"),
    ).where(
        Influence.change_id.in_(change_ids),
        Influence.contribution_id.is_not(None),
        Influence.removed_at.is_(None),
    )
    themed = (
        sa.select(
            Influence.change_id.label("change_id"),
            ContributionTheme.contribution_id.label("cid"),
            Influence.effect.label("effect"),
        )
        .join(ContributionTheme, ContributionTheme.theme_id == Influence.theme_id)
        .where(Influence.change_id.in_(change_ids), Influence.removed_at.is_(None))
    )
    return sa.union_all(direct, themed).subquery()


@dataclass
class Said:
    """What lay partners said about one change, and what was done."""

    themes: list = field(default_factory=list)  # (theme name, contributions)
    effects: dict = field(default_factory=dict)  # effect: contributions
    quotes: list = field(default_factory=list)  # approved quote texts, at most 2
    note: str = ""  # the note of the latest status


def board_details(change_ids):
    """{change id: Said} for a page of public changes, in four queries."""
    found = {change_id: Said() for change_id in change_ids}
    if not change_ids:
        return found
    counted = sa.and_(
        Contribution.id == ContributionTheme.contribution_id, Contribution.withdrawn_at.is_(None)
    )
    for change_id, name, number in db.session.execute(
        sa.select(Influence.change_id, Theme.name, sa.func.count(Contribution.id))
        .join(Theme, Theme.id == Influence.theme_id)
        .outerjoin(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .outerjoin(Contribution, counted)
        .where(Influence.change_id.in_(change_ids), Influence.removed_at.is_(None))
        .group_by(Influence.change_id, Theme.id, Theme.name)
        .order_by(Influence.change_id, sa.func.count(Contribution.id).desc(), Theme.name)
    ):
        found[change_id].themes.append((name, number))

    reach = _reach(change_ids)
    for change_id, effect, number in db.session.execute(
        sa.select(reach.c.change_id, reach.c.effect, sa.func.count(sa.distinct(reach.c.cid)))
        .join(Contribution, Contribution.id == reach.c.cid)
        .where(Contribution.withdrawn_at.is_(None))
        .group_by(reach.c.change_id, reach.c.effect)
    ):
        found[change_id].effects[effect] = number

    reach = _reach(change_ids)
    quoted = (
        sa.select(reach.c.change_id, Quote.id, Quote.text, Quote.approved_at)
        .distinct()
        .join(Contribution, Contribution.id == reach.c.cid)
        .join(Quote, Quote.contribution_id == Contribution.id)
        .where(
            Contribution.quote_consent.is_(True),
            Contribution.hidden_at.is_(None),
            Contribution.withdrawn_at.is_(None),
        )
        .subquery()
    )
    ranked = sa.select(
        quoted.c.change_id,
        quoted.c.text,
        sa.func.row_number()
        .over(
            partition_by=quoted.c.change_id,
            order_by=(quoted.c.approved_at.desc(), quoted.c.id.desc()),
        )
        .label("rank"),
    ).subquery()
    for change_id, text in db.session.execute(
        sa.select(ranked.c.change_id, ranked.c.text)
        .where(ranked.c.rank <= 2)
        .order_by(ranked.c.change_id, ranked.c.rank)
    ):
        found[change_id].quotes.append(text)

    latest = (
        sa.select(
            ChangeStatusEntry.change_id,
            ChangeStatusEntry.note,
            sa.func.row_number()
            .over(
                partition_by=ChangeStatusEntry.change_id,
                order_by=(ChangeStatusEntry.occurred_on.desc(), ChangeStatusEntry.id.desc()),
            )
            .label("rank"),
        )
        .where(ChangeStatusEntry.change_id.in_(change_ids))
        .subquery()
    )
    for change_id, note in db.session.execute(
        sa.select(latest.c.change_id, latest.c.note).where(latest.c.rank == 1)
    ):
        found[change_id].note = note
    return found


# The community timeline -------------------------------------------------------------------

SUBJECT_CHANGES = (timeline.CHANGE_STATUS, timeline.EVALUATION_RECORDED)


def _public_subject():
    """An event whose subject is public now. Its `public` flag was set when it happened;
    a briefing, decision or change made members-only later takes its events with it."""
    kind, subject = TimelineEvent.kind, TimelineEvent.subject_id
    return sa.or_(
        kind.not_in((timeline.BRIEFING_PUBLISHED, timeline.PROPOSAL_DECIDED, *SUBJECT_CHANGES)),
        sa.and_(
            kind == timeline.BRIEFING_PUBLISHED,
            sa.exists().where(Briefing.id == subject, Briefing.visibility == PUBLIC),
        ),
        sa.and_(
            kind == timeline.PROPOSAL_DECIDED,
            sa.exists().where(Decision.proposal_id == subject, Decision.visibility == PUBLIC),
        ),
        sa.and_(
            kind.in_(SUBJECT_CHANGES),
            sa.exists().where(ServiceChange.id == subject, ServiceChange.visibility == PUBLIC),
        ),
    )


def _visible_events(community, member, now):
    query = sa.select(TimelineEvent).where(
        TimelineEvent.community_id == community.id, TimelineEvent.occurred_at <= now
    )
    if not member:
        query = query.where(TimelineEvent.public.is_(True), _public_subject())
    return query


def _uk_year_start(year):
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(date(year, 1, 1), time(), tzinfo=zone)


def timeline_query(community, *, member, year=None, kind=None, now=None):
    """The events this reader may see, newest first. Nothing dated in the future."""
    query = _visible_events(community, member, now or utcnow())
    if year:
        query = query.where(
            TimelineEvent.occurred_at >= _uk_year_start(year),
            TimelineEvent.occurred_at < _uk_year_start(year + 1),
        )
    if kind:
        query = query.where(TimelineEvent.kind == kind)
    return query.order_by(TimelineEvent.occurred_at.desc(), TimelineEvent.id.desc())


def timeline_years(community, *, member, now=None):
    """The years that have events this reader may see, newest first."""
    now = now or utcnow()
    events = _visible_events(community, member, now).subquery()
    first = db.session.scalar(sa.select(sa.func.min(events.c.occurred_at)))
    if first is None:
        return []
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return list(range(now.astimezone(zone).year, first.astimezone(zone).year - 1, -1))


def by_year(events):
    """[(year, [event, ...])] in the order given, the year in UK time."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    groups = []
    for event in events:
        year = event.occurred_at.astimezone(zone).year
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(event)
    return groups


class EventRefused(Refused):
    """A refusal about one field of the new event form."""

    def __init__(self, message, field_name):
        super().__init__(message)
        self.field_name = field_name


def new_event(actor, community, *, kind, title, detail, occurred_on, public):
    """Add a meeting, award, presentation or other event to the community's timeline.

    It is dated at the start of that day, UK time, so it shows at once.
    """
    require(permissions.can_manage_timeline(actor, community))
    if kind not in timeline.ADDED_KINDS:
        raise EventRefused(_l("Choose what kind of event it was"), "kind")
    title = (title or "").strip()
    if not title:
        raise EventRefused(_l("Enter a title"), "title")
    if len(title) > 200:
        raise EventRefused(_l("Shorten the title to 200 characters or fewer"), "title")
    if occurred_on is None:
        raise EventRefused(_l("Enter the date of the event"), "occurred_on")
    if occurred_on > date.today():
        raise EventRefused(_l("The date must be today or in the past"), "occurred_on")
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    event = TimelineEvent(
        community_id=community.id,
        kind=kind,
        title=title,
        detail=(detail or "").strip(),
        public=bool(public),
        occurred_at=min(datetime.combine(occurred_on, time(), tzinfo=zone), utcnow()),
        created_by_id=actor.id,
    )
    db.session.add(event)
    db.session.flush()
    return event


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

    Counts only: no contribution, no words, no names. Two queries.
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
    reach = sa.union_all(
        sa.select(*target, Influence.contribution_id.label("cid")).where(
            live, Influence.contribution_id.is_not(None)
        ),
        sa.select(*target, ContributionTheme.contribution_id.label("cid"))
        .join(ContributionTheme, ContributionTheme.theme_id == Influence.theme_id)
        .where(live),
    ).subquery()
    reached = (reach.c.change_id, reach.c.decision_id, reach.c.effect)
    contributions = {
        tuple(row[:3]): row[3]
        for row in db.session.execute(
            sa.select(*reached, sa.func.count(sa.distinct(reach.c.cid)))
            .join(Contribution, Contribution.id == reach.c.cid)
            .where(Contribution.withdrawn_at.is_(None))
            .group_by(*reached)
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
