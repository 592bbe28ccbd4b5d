"""Held text: what someone typed into a long form is not lost when their session ends.

When such a form is sent after the session has ended, or with a CSRF token that
has expired, the submitted fields are held here (never the CSRF token), the
person signs in if they need to, and they land back on the page the form was on
with their text in it, once. A held form is given back only to the account that
sent it, or, if the sender was not known, to whoever signs in from that browser:
its random token travels only in that browser's signed session cookie.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime, utcnow


class HeldText(Base):
    """A long form's fields, sent when they could not be accepted; kept for a day."""

    __tablename__ = "held_texts"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(sa.String(2000))  # the form's page (a GET page)
    data: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
