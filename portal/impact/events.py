"""A community's timeline as its readers see it: public events for everyone, the rest for
members; and the events coordinators add."""

from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import caching, dates, db, permissions
from ..briefings.models import PUBLIC, Briefing
from ..communities import timeline
from ..communities.services import Refused, require
from ..communities.timeline import TimelineEvent
from ..db import utcnow
from .models import Decision, ServiceChange

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
    zone = dates.zone()
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
    zone = dates.zone()
    return list(range(now.astimezone(zone).year, first.astimezone(zone).year - 1, -1))


def by_year(events):
    """[(year, [event, ...])] in the order given, the year in UK time."""
    zone = dates.zone()
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
    if occurred_on > dates.today():
        raise EventRefused(_l("The date must be today or in the past"), "occurred_on")
    zone = dates.zone()
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
    caching.renew_after_commit(caching.timeline_figures(community.id))
    return event
