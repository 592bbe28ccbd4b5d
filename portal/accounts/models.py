"""Accounts: the people who use Chorus."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


def new_session_token():
    return secrets.token_urlsafe(24)


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
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self):
        return f"<User {self.id}>"

    # Flask-Login's user protocol. The id it keeps in the session carries the
    # session token, so rotating the token ends every copy of the cookie.
    is_active = True
    is_anonymous = False
    is_authenticated = True

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    def public_name(self, use_pseudonym=False):
        """The name other members see: the pseudonym when chosen, else the display name."""
        return self.pseudonym if use_pseudonym and self.pseudonym else self.display_name

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    def rotate_session_token(self):
        self.session_token = new_session_token()
