"""Accounts: the people who use Chorus."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a session token: a copied table signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    pseudonym: Mapped[str | None] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    # Flask-Login's user protocol. The id it keeps in the cookie carries the token of one
    # signed-in device (a UserSession), so ending that session ends every copy of the cookie.
    is_active = True
    is_anonymous = False
    is_authenticated = True

    # Set when signing in or when the cookie is checked: this device's session, not stored.
    session_token = None
    session_id = None

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("Start a session (accounts.services.start_session) first")
        return f"{self.id}:{self.session_token}"

    def public_name(self, use_pseudonym: bool = False) -> str:
        """The name other members see: the pseudonym when chosen, else the display name."""
        return self.pseudonym if use_pseudonym and self.pseudonym else self.display_name

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class UserSession(Base):
    """One signed-in device: ended by signing out there, everywhere, or a new password.

    Only a hash of the cookie's token is kept. Nothing is written while it is used.
    """

    __tablename__ = "user_sessions"
    __table_args__ = (sa.Index("ix_user_sessions_user", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    user: Mapped["User"] = relationship(lazy="raise_on_sql")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # A short description from the browser's user agent, such as "Firefox" and "Windows".
    browser: Mapped[str] = mapped_column(sa.String(40), default="")
    system: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
