"""In-app notifications: unread count and marking read."""

import sqlalchemy as sa

from .. import db
from ..db import utcnow
from ..outbox import OutboxMessage


def _own_in_app(user):
    return sa.and_(OutboxMessage.user_id == user.id, OutboxMessage.in_app.is_(True))


def unread_count(user) -> int:
    """How many of the person's in-app notifications are unread: one indexed COUNT."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(_own_in_app(user), OutboxMessage.read_at.is_(None))
    )


def mark_read(user, message_id):
    """Mark one of the person's own notifications read; None if it is not theirs."""
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.id == message_id, _own_in_app(user))
    )
    if message is None:
        return None
    if message.read_at is None:
        message.read_at = utcnow()
        db.session.flush()
    return message


def mark_all_read(user) -> int:
    """Mark every unread notification of the person read; returns how many."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(_own_in_app(user), OutboxMessage.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
