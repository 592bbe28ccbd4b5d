"""Communities, the people in them, invitations, consent and communication needs."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User


OPEN, REQUEST, INVITE = "open", "request", "invite"
VISIBILITIES = (OPEN, REQUEST, INVITE)

LAY_PARTNER, PROFESSIONAL, COORDINATOR = "lay_partner", "professional", "coordinator"
ROLES = (LAY_PARTNER, PROFESSIONAL, COORDINATOR)

INVITED, PENDING, ACTIVE, DECLINED, LEFT, REMOVED = (
    "invited",
    "pending",
    "active",
    "declined",
    "left",
    "removed",
)
STATUSES = (INVITED, PENDING, ACTIVE, DECLINED, LEFT, REMOVED)

# The consent text lives in templates/communities/consent/v<N>.html, translated.
# A new wording is a new file and a new number; acceptances keep their version.
CONSENT_VERSION = 1


class Community(Base):
    __tablename__ = "communities"
    __table_args__ = (sa.Index("ix_communities_listing", "archived_at", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    purpose: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    service_area: Mapped[str] = mapped_column(sa.String(80), index=True)
    visibility: Mapped[str] = mapped_column(sa.String(10), default=OPEN)
    target_reading_age: Mapped[int] = mapped_column(default=11)
    # Active members by role, kept by portal/communities/member_counts.py.
    lay_partner_count: Mapped[int] = mapped_column(default=0, server_default="0")
    professional_count: Mapped[int] = mapped_column(default=0, server_default="0")
    coordinator_count: Mapped[int] = mapped_column(default=0, server_default="0")
    role_description: Mapped[str] = mapped_column(sa.Text, default="")
    # Ways to give views other than online, shown on each of the community's proposals.
    respond_by_post: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    respond_by_phone: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    respond_in_person: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(Base):
    """One person in one community: their role, and where their membership stands."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "community_id"),
        sa.Index("ix_memberships_listing", "community_id", "status", "role"),
        sa.Index("ix_memberships_sorted", "community_id", "status", "sort_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user: Mapped["User"] = relationship(lazy="raise_on_sql", foreign_keys=[user_id])
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    role: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(10))
    use_pseudonym: Mapped[bool] = mapped_column(default=False)
    # The name other members see, lower-cased, kept by portal/communities/member_counts.py.
    sort_name: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    message: Mapped[str | None] = mapped_column(sa.Text)  # decision or removal reason
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


class MembershipEvent(Base):
    """The history of a membership: every change of status or role, who made it, and why."""

    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(10))
    role: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.Text)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    membership: Mapped[Membership] = relationship(lazy="raise_on_sql")


def new_invitation_nonce() -> str:
    return secrets.token_urlsafe(12)


class Invitation(Base):
    """An invitation to one email address. Its link works once, until it expires."""

    __tablename__ = "invitations"
    __table_args__ = (sa.Index("ix_invitations_open", "community_id", "accepted_at", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[str] = mapped_column(sa.String(20))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    nonce: Mapped[str] = mapped_column(sa.String(32), default=new_invitation_nonce)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class ConsentRecord(Base):
    """A lay partner's acceptance of one version of the consent text, for one community."""

    __tablename__ = "consent_records"
    __table_args__ = (sa.Index("ix_consent_records_member", "user_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    community: Mapped["Community"] = relationship(lazy="raise_on_sql")
    version: Mapped[int]
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# Accessible Information Standard: needs a person can ask us to meet.
NEEDS = (
    "large_print",
    "easy_read",
    "bsl_interpreter",
    "hearing_loop",
    "braille",
    "audio",
    "interpreter",
    "step_free",
)
CONTACT_METHODS = ("email", "phone", "text_message", "post")


class CommunicationNeeds(Base):
    """How a person needs us to communicate with them. Seen by them and coordinators only."""

    __tablename__ = "communication_needs"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    needs: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(sa.String(80), default="")
    other_needs: Mapped[str] = mapped_column(sa.Text, default="")
    preferred_contact: Mapped[str] = mapped_column(sa.String(20), default="email")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    carer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    carer_contact: Mapped[str] = mapped_column(sa.String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def is_empty(self) -> bool:
        return not (self.needs or self.other_needs or self.carer_name)
