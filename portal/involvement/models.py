"""Involvement: what lay partners took part in, what they are paid and what they claim back.

Money is `Decimal` in `Numeric(10, 2)` columns, never a float.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..communities.models import Community
    from ..consultations.models import Proposal


MONEY = sa.Numeric(10, 2, asdecimal=True)

MEETING, DOCUMENT_REVIEW, INTERVIEW_PANEL, WORKSHOP, TRAINING, EVENT, OTHER = (
    "meeting",
    "document_review",
    "interview_panel",
    "workshop",
    "training",
    "event",
    "other",
)
ACTIVITY_KINDS = (MEETING, DOCUMENT_REVIEW, INTERVIEW_PANEL, WORKSHOP, TRAINING, EVENT, OTHER)


class InvolvementActivity(Base):
    """Something lay partners took part in: a meeting, a review, a panel, a training day."""

    __tablename__ = "involvement_activities"
    __table_args__ = (sa.Index("ix_involvement_activities_community", "community_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(150))
    held_on: Mapped[date] = mapped_column(sa.Date)
    # Time each person spent, preparation and travel included.
    minutes: Mapped[int] = mapped_column(default=60)
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="SET NULL")
    )
    proposal: Mapped["Proposal | None"] = relationship(lazy="raise_on_sql")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Participation(Base):
    """A lay partner in an activity. For training, `attended` false means offered only."""

    __tablename__ = "participations"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "user_id"),
        sa.Index("ix_participations_user", "user_id", "activity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("involvement_activities.id", ondelete="CASCADE")
    )
    activity: Mapped["InvolvementActivity"] = relationship(lazy="raise_on_sql")
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    user: Mapped["User"] = relationship(lazy="raise_on_sql", foreign_keys=[user_id])
    attended: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Payment rates and payments --------------------------------------------------------------

PER_HOUR, HALF_DAY, DAY, PER_TASK = "hour", "half_day", "day", "task"
UNITS = (PER_HOUR, HALF_DAY, DAY, PER_TASK)


class PaymentRate(Base):
    """What an activity of a kind pays, per unit, from a date. Rows are never changed:
    a new rate is a new row, so payments keep the rate they were made at."""

    __tablename__ = "payment_rates"
    __table_args__ = (
        sa.UniqueConstraint("kind", "effective_from"),
        sa.Index("ix_payment_rates_in_force", "kind", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    unit: Mapped[str] = mapped_column(sa.String(10))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    effective_from: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


PAID, VOUCHER, DECLINE, CANNOT_BE_PAID = "paid", "voucher", "decline", "cannot_be_paid"
PREFERENCES = (PAID, VOUCHER, DECLINE, CANNOT_BE_PAID)


class PaymentPreference(Base):
    """How a lay partner wants to be paid. Seen only by them and their coordinators."""

    __tablename__ = "payment_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    preference: Mapped[str] = mapped_column(sa.String(15), default=PAID)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


OFFERED, ACCEPTED, DECLINED, APPROVED, PAYMENT_PAID = (
    "offered",
    "accepted",
    "declined",
    "approved",
    "paid",
)
PAYMENT_STATUSES = (OFFERED, ACCEPTED, DECLINED, APPROVED, PAYMENT_PAID)


class Payment(Base):
    """The payment offered to one person for one activity; one per person and activity.

    `amount` is fixed when the offer is made, from the rate then in force, so a
    later change of rate changes nothing here.
    """

    __tablename__ = "payments"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "user_id"),
        sa.Index("ix_payments_user", "user_id", "status"),
        sa.Index("ix_payments_status", "status", "approved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("involvement_activities.id", ondelete="CASCADE")
    )
    activity: Mapped["InvolvementActivity"] = relationship(lazy="raise_on_sql")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    rate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment_rates.id", ondelete="SET NULL")
    )
    units: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2, asdecimal=True))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    method: Mapped[str] = mapped_column(sa.String(10), default=PAID)  # paid or voucher
    status: Mapped[str] = mapped_column(sa.String(10), default=OFFERED)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    reference: Mapped[str] = mapped_column(sa.String(80), default="")
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Expenses ----------------------------------------------------------------------------------

TRAVEL, CARER_COVER, CHILDCARE, OTHER_EXPENSE = "travel", "carer_cover", "childcare", "other"
EXPENSE_CATEGORIES = (TRAVEL, CARER_COVER, CHILDCARE, OTHER_EXPENSE)

SUBMITTED, CLAIM_APPROVED, PART_APPROVED, REJECTED, CLAIM_PAID = (
    "submitted",
    "approved",
    "part_approved",
    "rejected",
    "paid",
)
CLAIM_STATUSES = (SUBMITTED, CLAIM_APPROVED, PART_APPROVED, REJECTED, CLAIM_PAID)


class ExpenseClaim(Base):
    """Money a lay partner spent to take part, claimed back. Fixed once a coordinator decides."""

    __tablename__ = "expense_claims"
    __table_args__ = (
        sa.Index("ix_expense_claims_queue", "community_id", "status", "submitted_at"),
        sa.Index("ix_expense_claims_user", "user_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("involvement_activities.id", ondelete="SET NULL")
    )
    activity: Mapped["InvolvementActivity | None"] = relationship(lazy="raise_on_sql")
    category: Mapped[str] = mapped_column(sa.String(15))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    approved_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    spent_on: Mapped[date] = mapped_column(sa.Date)
    description: Mapped[str] = mapped_column(sa.Text)
    # The receipt is stored outside the web root under a random name; these describe it.
    receipt_file: Mapped[str | None] = mapped_column(sa.String(80))
    receipt_name: Mapped[str | None] = mapped_column(sa.String(150))
    receipt_type: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(15), default=SUBMITTED)
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why part-approved or rejected
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    reference: Mapped[str] = mapped_column(sa.String(80), default="")
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Who is involved ---------------------------------------------------------------------------

PREFER_NOT_TO_SAY = "prefer_not_to_say"
AGE_BANDS = ("under_25", "25_34", "35_44", "45_54", "55_64", "65_74", "75_over")
GENDERS = ("woman", "man", "non_binary", "other")
ETHNIC_GROUPS = ("asian", "black", "mixed", "white", "other")
YES_NO = ("yes", "no")
EQUALITY_QUESTIONS = {
    "age_band": AGE_BANDS,
    "gender": GENDERS,
    "ethnic_group": ETHNIC_GROUPS,
    "disability": YES_NO,
    "carer": YES_NO,
}


class EqualityAnswers(Base):
    """One person's optional equality monitoring answers, kept only with their consent.

    Only ever shown added up, with groups under five hidden. Deleting them
    deletes the row.
    """

    __tablename__ = "equality_answers"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    age_band: Mapped[str] = mapped_column(sa.String(20), default=PREFER_NOT_TO_SAY)
    gender: Mapped[str] = mapped_column(sa.String(20), default=PREFER_NOT_TO_SAY)
    ethnic_group: Mapped[str] = mapped_column(sa.String(20), default=PREFER_NOT_TO_SAY)
    disability: Mapped[str] = mapped_column(sa.String(20), default=PREFER_NOT_TO_SAY)
    carer: Mapped[str] = mapped_column(sa.String(20), default=PREFER_NOT_TO_SAY)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
