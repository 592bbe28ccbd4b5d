"""Proposals put to a community, and the questions they ask."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..communities.models import Community


DRAFT, UPCOMING, OPEN, CLOSED, DECIDED = "draft", "upcoming", "open", "closed", "decided"
PAUSED = "paused"  # open, but taking no views for now
STATUSES = (DRAFT, UPCOMING, OPEN, PAUSED, CLOSED, DECIDED)

TEXT, SCALE, SINGLE, MULTIPLE = "text", "scale", "single", "multiple"
QUESTION_KINDS = (TEXT, SCALE, SINGLE, MULTIPLE)

UNDECIDED = sa.text("published_at IS NOT NULL AND decided_at IS NULL")


def _undecided(name: str, *columns: str) -> sa.Index:
    """An index of the published proposals without a decision: the open and upcoming ones."""
    return sa.Index(name, *columns, postgresql_where=UNDECIDED, sqlite_where=UNDECIDED)


class Proposal(Base):
    """A proposed change to a service, put to the community for a set window.

    Its status follows from its times: a draft until published, then upcoming
    until `opens_at`, open until `closes_at`, then closed until a decision is
    recorded. Nothing has to run at the opening or closing time, except
    telling people the outcomes held while it was open (`outcomes_released_at`).
    """

    __tablename__ = "proposals"
    __table_args__ = (
        sa.Index("ix_proposals_window", "community_id", "published_at", "closes_at"),
        sa.Index("ix_proposals_to_announce", "announced_at", "opens_at"),
        # What is open, and what opens next, in a community: the undecided published
        # proposals in closing and in opening order, so a page reads its first few from the
        # index however many proposals came before.
        _undecided("ix_proposals_undecided_closing", "community_id", "closes_at", "id"),
        _undecided("ix_proposals_undecided_opening", "community_id", "opens_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    title: Mapped[str] = mapped_column(sa.String(150))
    summary: Mapped[str] = mapped_column(sa.Text)
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    change: Mapped[str] = mapped_column(sa.Text, default="")
    affects: Mapped[str] = mapped_column(sa.Text, default="")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Paused by its authors: still open until `closes_at`, but taking no views.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the outcomes held while it was open were told (set once it has closed).
    outcomes_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its "what we heard" summary was published for members (and the public).
    heard_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The day its authors plan to publish the outcome, as the proposal page promises.
    outcome_due_on: Mapped[date | None] = mapped_column(sa.Date())
    reading_age: Mapped[int | None]
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Proposal {self.id}>"

    def status(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if self.published_at is None:
            return DRAFT
        if self.decided_at is not None:
            return DECIDED
        if self.opens_at is None or self.closes_at is None:
            raise ValueError("A published proposal has an opening and a closing time")
        if now < self.opens_at:
            return UPCOMING
        if now < self.closes_at:
            return PAUSED if self.paused_at is not None else OPEN
        return CLOSED

    def is_closed(self, now: datetime | None = None) -> bool:
        return self.status(now) in (CLOSED, DECIDED)

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


CLOSED_EARLY, EXTENDED, PAUSE, RESUMED = "closed_early", "extended", "paused", "resumed"
EVENT_KINDS = (CLOSED_EARLY, EXTENDED, PAUSE, RESUMED)


class ProposalEvent(Base):
    """A move in a proposal's consultation window, with its reason: the proposal's history."""

    __tablename__ = "proposal_events"
    __table_args__ = (sa.Index("ix_proposal_events_proposal", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    proposal: Mapped["Proposal"] = relationship(lazy="raise_on_sql")
    kind: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text)
    old_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    new_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Question(Base):
    """One prompt of a proposal. Fixed once anyone has answered the proposal."""

    __tablename__ = "questions"
    __table_args__ = (sa.Index("ix_questions_order", "proposal_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    proposal: Mapped["Proposal"] = relationship(lazy="raise_on_sql")
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(10), default=TEXT)
    prompt: Mapped[str] = mapped_column(sa.String(300))
    hint: Mapped[str] = mapped_column(sa.Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    # The choices of a single or multiple choice question.
    options: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    # Why a question was added after people had answered, shown beside it.
    added_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProposalBriefing(Base):
    """A briefing that explains the background of a proposal."""

    __tablename__ = "proposal_briefings"

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    briefing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True, index=True
    )


# Contributions -----------------------------------------------------------------------

NAMED, PSEUDONYM, ANONYMOUS = "named", "pseudonym", "anonymous"
IDENTITIES = (NAMED, PSEUDONYM, ANONYMOUS)

ONLINE = "online"
OFFLINE_SOURCES = ("meeting", "phone", "letter", "email", "paper_survey")
SOURCES = (ONLINE, *OFFLINE_SOURCES)

NEW, ACKNOWLEDGED, RESPONDED = "new", "acknowledged", "responded"
REVIEW_STATUSES = (NEW, ACKNOWLEDGED, RESPONDED)


NEW_VIEW = sa.text("withdrawn_at IS NULL AND review_status = 'new'")
UNANSWERED = sa.text("withdrawn_at IS NULL AND first_response_at IS NULL")


def _not_withdrawn(name: str, *columns: str) -> sa.Index:
    """An index of the contributions that are not withdrawn: the only ones lists show."""
    where = sa.text("withdrawn_at IS NULL")
    return sa.Index(name, *columns, postgresql_where=where, sqlite_where=where)


def _community_of_proposal(context: Any) -> int | None:
    """The default of `Contribution.community_id`: the community of its proposal."""
    proposal_id = context.get_current_parameters()["proposal_id"]
    community_id: int | None = context.connection.scalar(
        sa.select(Proposal.community_id).where(Proposal.id == proposal_id)
    )
    return community_id


class Contribution(Base):
    """One piece of lay input on a proposal: answers given online, or recorded from elsewhere.

    `author_id` lets the author find and change their own contribution. For an
    anonymous contribution no reviewer page, export, notification or count
    ever reads it. Input recorded from a meeting or letter may have no author
    ("unnamed lay partners", `people_count` of them).
    """

    __tablename__ = "contributions"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "idempotency_key"),
        # The review inbox, newest first, for one proposal or for one community: each reads
        # its first page from the index alone, however many views came before...
        _not_withdrawn("ix_contributions_inbox", "proposal_id", "submitted_at", "id"),
        _not_withdrawn("ix_contributions_community_inbox", "community_id", "submitted_at", "id"),
        # ...and across several communities, when they hold many of all the views.
        _not_withdrawn("ix_contributions_newest", "submitted_at", "id"),
        # The header's "new views waiting" figure, for a reviewer's communities.
        sa.Index(
            "ix_contributions_new_views",
            "community_id",
            postgresql_where=NEW_VIEW,
            sqlite_where=NEW_VIEW,
        ),
        # My work's "overdue" figure, oldest first: only views no one has replied to.
        sa.Index(
            "ix_contributions_overdue",
            "community_id",
            "submitted_at",
            postgresql_where=UNANSWERED,
            sqlite_where=UNANSWERED,
        ),
        sa.Index("ix_contributions_author", "author_id", "submitted_at"),
        # A person's views by outcome (My impact's figures, the home page's outcomes).
        _not_withdrawn("ix_contributions_author_outcome", "author_id", "outcome", "proposal_id"),
        sa.Index("ix_contributions_outcome", "proposal_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    proposal: Mapped["Proposal"] = relationship(lazy="raise_on_sql")
    # The proposal's community, kept on the row so lists across communities need no join.
    # A proposal never moves, so this never changes. Writers that leave it out get it from
    # the proposal (`_community_of_proposal`).
    community_id: Mapped[int] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE"), default=_community_of_proposal
    )
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped["User | None"] = relationship(lazy="raise_on_sql", foreign_keys=[author_id])
    identity: Mapped[str] = mapped_column(sa.String(10), default=NAMED)
    quote_consent: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(20), default=ONLINE)
    source_date: Mapped[date | None] = mapped_column(sa.Date)
    people_count: Mapped[int] = mapped_column(default=1)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    review_status: Mapped[str] = mapped_column(sa.String(15), default=NEW)
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moderation: hidden contributions are kept and counted, but not shown.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    # What it changed: "shaped", "not_adopted" or "awaiting". Derived from its influence
    # links (see portal/impact/outcomes.py) and stored, so counts need no join.
    outcome: Mapped[str] = mapped_column(
        sa.String(15), default="awaiting", server_default="awaiting"
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Answer(Base):
    """The answer to one question in a contribution."""

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("contribution_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")
    scale: Mapped[int | None]
    choices: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)


class ContributionRevision(Base):
    """What a contribution said before its author changed it."""

    __tablename__ = "contribution_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    identity: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContributionDraft(Base):
    """Answers saved to finish later: one per person and proposal, deleted when sent."""

    __tablename__ = "contribution_drafts"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HeldForm(Base):
    """Answers sent after the person's session had ended, kept until they sign in again.

    Found only by its random token, which travels in the sign-in link back to
    the form; deleted when used or after a day.
    """

    __tablename__ = "held_forms"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# Review --------------------------------------------------------------------------------


class Theme(Base):
    """A label reviewers group a proposal's contributions under."""

    __tablename__ = "themes"
    __table_args__ = (sa.Index("ix_themes_proposal", "proposal_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    proposal: Mapped["Proposal"] = relationship(lazy="raise_on_sql")
    name: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContributionTheme(Base):
    __tablename__ = "contribution_themes"

    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Response(Base):
    """A reviewer's reply to a contribution. Its author sees it and is told."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    contribution: Mapped["Contribution"] = relationship(lazy="raise_on_sql")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewEvent(Base):
    """The review history of a contribution: acknowledged, replied to, themed, hidden."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Moderation --------------------------------------------------------------------------------


class Report(Base):
    """A member's concern about a contribution, for a coordinator to act on."""

    __tablename__ = "reports"
    __table_args__ = (sa.Index("ix_reports_open", "contribution_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE")
    )
    contribution: Mapped["Contribution"] = relationship(lazy="raise_on_sql")
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(sa.String(10))  # "hidden" or "dismissed"
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class Quote(Base):
    """A redacted extract a coordinator approved for public use. The original is never shown."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    contribution: Mapped["Contribution"] = relationship(lazy="raise_on_sql")
    text: Mapped[str] = mapped_column(sa.Text)
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
