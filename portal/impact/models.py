"""Decisions, service changes, and the influence links that tie lay input to them."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..briefings.models import PUBLIC
from ..db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from ..communities.models import Community
    from ..consultations.models import Contribution, Proposal, Theme


APPROVED, APPROVED_WITH_CHANGES, NOT_APPROVED, DEFERRED = (
    "approved",
    "approved_with_changes",
    "not_approved",
    "deferred",
)
DECISION_KINDS = (APPROVED, APPROVED_WITH_CHANGES, NOT_APPROVED, DEFERRED)


class Decision(Base):
    """What was decided on a proposal, why, and by whom. One per proposal.

    `owner` is the staff member accountable for carrying it out by `target_on`.
    """

    __tablename__ = "decisions"
    __table_args__ = (sa.Index("ix_decisions_community", "community_id", "decided_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), unique=True
    )
    proposal: Mapped["Proposal"] = relationship(lazy="raise_on_sql")
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    summary: Mapped[str] = mapped_column(sa.Text)  # what was decided
    reasons: Mapped[str] = mapped_column(sa.Text)  # why
    decided_by: Mapped[str] = mapped_column(sa.String(150))  # a committee, role or person
    decided_on: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(25), default=APPROVED)
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    target_on: Mapped[date | None] = mapped_column(sa.Date)
    visibility: Mapped[str] = mapped_column(sa.String(10), default=PUBLIC)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


PLANNED, IN_PROGRESS, IMPLEMENTED, EVALUATED, STOPPED = (
    "planned",
    "in_progress",
    "implemented",
    "evaluated",
    "stopped",
)
CHANGE_STATUSES = (PLANNED, IN_PROGRESS, IMPLEMENTED, EVALUATED, STOPPED)


class ServiceChange(Base):
    """A concrete change to a service. `status` and `progress` repeat its latest history entry.

    A parent change's progress is computed from its children's (weighted by
    `weight` where weights are given, else their mean) and stored, so lists
    show it without reading the children.
    """

    __tablename__ = "service_changes"
    __table_args__ = (
        sa.Index("ix_service_changes_board", "visibility", "status", "updated_at"),
        # The board unfiltered, latest first: read in order, not sorted.
        sa.Index("ix_service_changes_public_latest", "visibility", "updated_at", "id"),
        sa.Index("ix_service_changes_community", "community_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_changes.id", ondelete="SET NULL"), index=True
    )
    parent: Mapped["ServiceChange | None"] = relationship(lazy="raise_on_sql", remote_side=[id])
    title: Mapped[str] = mapped_column(sa.String(150))
    description: Mapped[str] = mapped_column(sa.Text)
    service_area: Mapped[str] = mapped_column(sa.String(80))
    visibility: Mapped[str] = mapped_column(sa.String(10), default=PUBLIC)
    status: Mapped[str] = mapped_column(sa.String(15), default=PLANNED)
    status_on: Mapped[date] = mapped_column(sa.Date, default=date.today)
    progress: Mapped[int] = mapped_column(default=0)
    weight: Mapped[int | None]  # this change's share of its parent's progress
    evaluation_due: Mapped[date | None] = mapped_column(sa.Date, index=True)
    evaluation_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who is accountable for it, and when it starts and should be done.
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    target_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChangeDecision(Base):
    """A decision that a service change carries out."""

    __tablename__ = "change_decisions"

    change_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_changes.id", ondelete="CASCADE"), primary_key=True
    )
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ChangeStatusEntry(Base):
    """One dated step in a change's history, with a note."""

    __tablename__ = "change_status_entries"
    __table_args__ = (sa.Index("ix_change_status_entries_change", "change_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(sa.ForeignKey("service_changes.id", ondelete="CASCADE"))
    change: Mapped["ServiceChange"] = relationship(lazy="raise_on_sql")
    status: Mapped[str] = mapped_column(sa.String(15))
    progress: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (sa.Index("ix_milestones_change", "change_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(sa.ForeignKey("service_changes.id", ondelete="CASCADE"))
    change: Mapped["ServiceChange"] = relationship(lazy="raise_on_sql")
    due_on: Mapped[date] = mapped_column(sa.Date)
    title: Mapped[str] = mapped_column(sa.String(150))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


WORKED, PARTLY, DID_NOT_WORK, TOO_EARLY = "yes", "partly", "no", "too_early"
WORKED_ANSWERS = (WORKED, PARTLY, DID_NOT_WORK, TOO_EARLY)


class Evaluation(Base):
    """Did the change work? What was measured, and what was learned."""

    __tablename__ = "evaluations"

    change_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_changes.id", ondelete="CASCADE"), primary_key=True
    )
    worked: Mapped[str] = mapped_column(sa.String(10))
    measured: Mapped[str] = mapped_column(sa.Text)
    learned: Mapped[str] = mapped_column(sa.Text)
    recorded_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Influence -----------------------------------------------------------------------------

ADOPTED, ADAPTED, INFORMED, NOT_ADOPTED = "adopted", "adapted", "informed", "not_adopted"
EFFECTS = (ADOPTED, ADAPTED, INFORMED, NOT_ADOPTED)

SHAPED, AWAITING = "shaped", "awaiting"
OUTCOMES = (SHAPED, NOT_ADOPTED, AWAITING)


class Influence(Base):
    """A link from one contribution, or a whole theme, to a decision or a service change.

    Exactly one of contribution/theme and one of decision/change is set.
    Removing a link keeps it (with `removed_at`) so the history stays whole.
    """

    __tablename__ = "influences"
    __table_args__ = (
        sa.CheckConstraint("(contribution_id IS NULL) <> (theme_id IS NULL)", name="one_source"),
        sa.CheckConstraint("(decision_id IS NULL) <> (change_id IS NULL)", name="one_target"),
        sa.Index("ix_influences_proposal", "proposal_id", "removed_at"),
        sa.Index("ix_influences_contribution", "contribution_id", "removed_at"),
        sa.Index("ix_influences_theme", "theme_id", "removed_at"),
        sa.Index("ix_influences_change", "change_id", "removed_at"),
        sa.Index("ix_influences_decision", "decision_id", "removed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    proposal: Mapped["Proposal"] = relationship(lazy="raise_on_sql")
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE")
    )
    contribution: Mapped["Contribution | None"] = relationship(lazy="raise_on_sql")
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("themes.id", ondelete="CASCADE"))
    theme: Mapped["Theme | None"] = relationship(lazy="raise_on_sql")
    decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE")
    )
    decision: Mapped["Decision | None"] = relationship(lazy="raise_on_sql")
    change_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_changes.id", ondelete="CASCADE")
    )
    change: Mapped["ServiceChange | None"] = relationship(lazy="raise_on_sql")
    effect: Mapped[str] = mapped_column(sa.String(15))
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InfluenceRevision(Base):
    """Who made, changed or removed a link, when, and what it said at that point."""

    __tablename__ = "influence_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    influence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("influences.id", ondelete="CASCADE"), index=True
    )
    influence: Mapped["Influence"] = relationship(lazy="raise_on_sql")
    action: Mapped[str] = mapped_column(sa.String(10))  # created, changed, removed
    effect: Mapped[str] = mapped_column(sa.String(15))
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutcomeNotice(Base):
    """A contributor was told of this outcome: each outcome is told once per contribution."""

    __tablename__ = "outcome_notices"

    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(sa.String(15), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImpactReport(Base):
    """A coordinator's narrative for a community's impact report over a period (GRIPP2 short form).

    The figures, changes and quotes are not stored: they are read from the
    data each time the report is shown.
    """

    __tablename__ = "impact_reports"
    __table_args__ = (sa.UniqueConstraint("community_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    aim: Mapped[str] = mapped_column(sa.Text, default="")
    methods: Mapped[str] = mapped_column(sa.Text, default="")
    results_positive: Mapped[str] = mapped_column(sa.Text, default="")
    results_negative: Mapped[str] = mapped_column(sa.Text, default="")
    discussion: Mapped[str] = mapped_column(sa.Text, default="")
    reflections: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
