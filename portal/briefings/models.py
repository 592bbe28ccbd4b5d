"""Briefings, their published versions, the glossary, and how briefings are read."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from ..communities.models import Community


PUBLIC, MEMBERS = "public", "members"
VISIBILITIES = (PUBLIC, MEMBERS)


class Briefing(Base):
    """A plain-language document of one community, in one language.

    The row holds the working copy that authors edit. Readers only ever see
    published versions: `version_number` names the latest (0 before the first
    publish). A translation is a briefing of its own whose `original_id`
    points at the English (or first-language) briefing.
    """

    __tablename__ = "briefings"
    __table_args__ = (
        sa.UniqueConstraint("original_id", "language"),
        sa.Index("ix_briefings_listing", "community_id", "published_at"),
        sa.Index("ix_briefings_published_at", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    original_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("briefings.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(sa.String(10), default="en")
    visibility: Mapped[str] = mapped_column(sa.String(10), default=PUBLIC)
    review_by: Mapped[date | None] = mapped_column(sa.Date)

    title: Mapped[str] = mapped_column(sa.String(150))
    summary: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    easy_read: Mapped[str] = mapped_column(sa.Text, default="")

    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version_number: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Briefing {self.id} {self.language}>"

    @property
    def is_published(self) -> bool:
        return self.version_number > 0

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published_at is None or self.updated_at > self.published_at


class BriefingVersion(Base):
    """One publish of a briefing: its words as readers saw them. Never changed."""

    __tablename__ = "briefing_versions"
    __table_args__ = (sa.UniqueConstraint("briefing_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(sa.ForeignKey("briefings.id", ondelete="CASCADE"))
    briefing: Mapped["Briefing"] = relationship(lazy="raise_on_sql")
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(150))
    summary: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    easy_read: Mapped[str] = mapped_column(sa.Text, default="")
    # Markdown rendered and sanitised once, when published.
    body_html: Mapped[str] = mapped_column(sa.Text)
    easy_read_html: Mapped[str] = mapped_column(sa.Text, default="")
    change_note: Mapped[str] = mapped_column(sa.String(300))
    reading_age: Mapped[int | None]  # None where scores are not available (not English)
    target_reading_age: Mapped[int | None]
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def overridden(self) -> bool:
        return self.override_reason is not None


# How a briefing's row finds its latest published version, in a join.
LATEST_VERSION = sa.and_(
    BriefingVersion.briefing_id == Briefing.id,
    BriefingVersion.number == Briefing.version_number,
)


@event.listens_for(BriefingVersion, "before_update")
def _versions_are_immutable(_mapper: object, _connection: object, _target: object) -> None:
    raise ValueError("A published briefing version cannot be changed")


class BriefingLink(Base):
    """A briefing that readers of another are pointed to ("read next")."""

    __tablename__ = "briefing_links"

    briefing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True
    )
    linked_id: Mapped[int] = mapped_column(
        sa.ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True
    )


class BriefingDailyViews(Base):
    """Page views of a briefing, one row per day, added to as views are counted."""

    __tablename__ = "briefing_daily_views"

    briefing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    views: Mapped[int] = mapped_column(default=0)


class BriefingReader(Base):
    """A signed-in person who has read a briefing (counted, never listed)."""

    __tablename__ = "briefing_readers"

    briefing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    first_read_on: Mapped[date] = mapped_column(sa.Date)


class BriefingViewBatch(Base):
    """A batch of views moved from Redis, written in the same transaction as its counts,
    so a batch retried after a worker stopped is never counted twice (see readership)."""

    __tablename__ = "briefing_view_batches"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class BriefingFeedback(Base):
    """A reader's answer to "Was this useful?": one per reader, changeable."""

    __tablename__ = "briefing_feedback"
    __table_args__ = (
        sa.UniqueConstraint("briefing_id", "user_id"),
        sa.Index("ix_briefing_feedback_listing", "briefing_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(sa.ForeignKey("briefings.id", ondelete="CASCADE"))
    briefing: Mapped["Briefing"] = relationship(lazy="raise_on_sql")
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    useful: Mapped[bool]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GlossaryTerm(Base):
    """A word readers may not know, with its plain explanation.

    Terms without a community are site-wide. `initial` is the letter the
    glossary files the term under.
    """

    __tablename__ = "glossary_terms"
    __table_args__ = (sa.Index("ix_glossary_terms_listing", "language", "initial", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    community: Mapped["Community | None"] = relationship(lazy="raise_on_sql")
    language: Mapped[str] = mapped_column(sa.String(10), default="en")
    term: Mapped[str] = mapped_column(sa.String(80))
    initial: Mapped[str] = mapped_column(sa.String(1))
    explanation: Mapped[str] = mapped_column(sa.String(400))
    say_instead: Mapped[str] = mapped_column(sa.String(80), default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<GlossaryTerm {self.term}>"
