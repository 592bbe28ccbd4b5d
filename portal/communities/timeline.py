"""A community's timeline: dated events that make its work visible.

Most events are written by the service that caused them (a briefing
published, a proposal opened, a change implemented). Coordinators add others
(a meeting held, an award). The model lives here, in the lowest domain that
has communities, so that every higher domain can record events.

An automatic event names its subject by kind and id, and keeps the subject's
title as it was, so the timeline needs no join to show it. A unique key on
(community, kind, subject) means an event is recorded once, however often its
cause is repeated.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, object_session

from .. import caching, db
from ..db import Base, UTCDateTime, utcnow
from .models import ACTIVE, Community, Membership

# Created automatically.
FOUNDED = "founded"
BRIEFING_PUBLISHED = "briefing_published"
PROPOSAL_OPENED = "proposal_opened"
PROPOSAL_DECIDED = "proposal_decided"
CHANGE_STATUS = "change_status"
EVALUATION_RECORDED = "evaluation_recorded"
MEMBERS_MILESTONE = "members_milestone"
AUTOMATIC_KINDS = (
    FOUNDED,
    BRIEFING_PUBLISHED,
    PROPOSAL_OPENED,
    PROPOSAL_DECIDED,
    CHANGE_STATUS,
    EVALUATION_RECORDED,
    MEMBERS_MILESTONE,
)
# Added by coordinators.
MEETING, AWARD, PRESENTATION, OTHER = "meeting", "award", "presentation", "other"
ADDED_KINDS = (MEETING, AWARD, PRESENTATION, OTHER)
KINDS = AUTOMATIC_KINDS + ADDED_KINDS

# Active members reaching these numbers is worth marking.
MILESTONES = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


class TimelineEvent(Base):
    """Something notable in a community's life. Public ones show to everyone."""

    __tablename__ = "timeline_events"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "kind", "subject_id", "detail_key"),
        sa.Index("ix_timeline_events_community", "community_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    # The briefing, proposal or service change the event is about, if any.
    subject_id: Mapped[int | None]
    # Tells apart repeated events about one subject (a change's successive statuses).
    detail_key: Mapped[str] = mapped_column(sa.String(30), default="", server_default="")
    title: Mapped[str] = mapped_column(sa.String(200))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    public: Mapped[bool] = mapped_column(default=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_automatic(self):
        return self.kind in AUTOMATIC_KINDS


def record(
    community_id,
    kind,
    title,
    *,
    subject_id=None,
    detail_key="",
    detail="",
    public=True,
    occurred_at=None,
    actor=None,
):
    """Add an automatic event, once: a repeat of the same kind, subject and key is ignored."""
    exists = db.session.scalar(
        sa.select(TimelineEvent.id).where(
            TimelineEvent.community_id == community_id,
            TimelineEvent.kind == kind,
            TimelineEvent.subject_id.is_(None)
            if subject_id is None
            else TimelineEvent.subject_id == subject_id,
            TimelineEvent.detail_key == detail_key,
        )
    )
    if exists is not None:
        return None
    entry = TimelineEvent(
        community_id=community_id,
        kind=kind,
        subject_id=subject_id,
        detail_key=detail_key,
        title=title[:200],
        detail=detail,
        public=public,
        occurred_at=occurred_at or utcnow(),
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    caching.renew_after_commit(caching.timeline_figures(community_id))
    return entry


def _members_milestone(_mapper, connection, membership):
    """When a community's active members reach a milestone, mark it on its timeline.

    Runs inside the flush, on its connection, after `member_counts` has recounted.
    """
    if membership.status != ACTIVE:
        return
    total = connection.execute(
        sa.select(sa.func.count())
        .select_from(Membership)
        .where(Membership.community_id == membership.community_id, Membership.status == ACTIVE)
    ).scalar_one()
    if total not in MILESTONES:
        return
    exists = connection.execute(
        sa.select(TimelineEvent.id).where(
            TimelineEvent.community_id == membership.community_id,
            TimelineEvent.kind == MEMBERS_MILESTONE,
            TimelineEvent.subject_id == total,
        )
    ).first()
    if exists is None:
        now = utcnow()
        connection.execute(
            sa.insert(TimelineEvent).values(
                community_id=membership.community_id,
                kind=MEMBERS_MILESTONE,
                subject_id=total,
                detail_key="",
                title=str(total),
                detail="",
                public=True,
                occurred_at=now,
                created_at=now,
            )
        )
        caching.renew_after_commit(
            caching.timeline_figures(membership.community_id), object_session(membership)
        )


def _founded(_mapper, connection, community):
    now = utcnow()
    connection.execute(
        sa.insert(TimelineEvent).values(
            community_id=community.id,
            kind=FOUNDED,
            subject_id=None,
            detail_key="",
            title=community.name[:200],
            detail="",
            public=True,
            occurred_at=community.created_at or now,
            created_at=now,
        )
    )


def listen():
    """Mark a community's founding and its members' milestones on its timeline, in the
    flush that makes them. Connected once, from `signals.connect_receivers`, after
    `member_counts.listen` (a milestone is marked after the members are recounted)."""
    db.listen_once(
        (Membership, "after_insert", _members_milestone),
        (Membership, "after_update", _members_milestone),
        (Community, "after_insert", _founded),
    )
