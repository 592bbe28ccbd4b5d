"""Who wants to be told what, how: delivery settings and follows."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class NotificationSettings(Base):
    """One row per person who changed the defaults: a delivery per group of kinds.

    Each delivery column holds "email" (at once), "daily", "weekly" or "site"
    (in Chorus only). Digests go out at `digest_hour` (Europe/London), weekly
    ones on `digest_weekday` (0 = Monday).
    """

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    outcomes: Mapped[str] = mapped_column(sa.String(10), default="email")
    replies: Mapped[str] = mapped_column(sa.String(10), default="email")
    following: Mapped[str] = mapped_column(sa.String(10), default="email")
    consultations: Mapped[str] = mapped_column(sa.String(10), default="email")
    membership: Mapped[str] = mapped_column(sa.String(10), default="email")
    involvement: Mapped[str] = mapped_column(sa.String(10), default="email")
    digest_hour: Mapped[int] = mapped_column(default=8)
    digest_weekday: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Follow(Base):
    """A person follows one proposal or one service change (exactly one of the two)."""

    __tablename__ = "follows"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "proposal_id", name="uq_follows_user_proposal"),
        sa.UniqueConstraint("user_id", "change_id", name="uq_follows_user_change"),
        sa.CheckConstraint("(proposal_id IS NULL) <> (change_id IS NULL)", name="one_target"),
        sa.Index("ix_follows_proposal", "proposal_id"),
        sa.Index("ix_follows_change", "change_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE")
    )
    change_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_changes.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
