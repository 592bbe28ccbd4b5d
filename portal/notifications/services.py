"""In-app notifications: unread count, marking read, and delivery preferences."""

from collections.abc import Mapping
from typing import cast

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from .. import db
from ..accounts.models import User
from ..db import utcnow
from ..outbox import DIGEST, IN_APP_ONLY, PENDING, OutboxMessage
from .models import NotificationSettings
from .preferences import (
    DAILY,
    SITE,
    TOPICS,
    WEEKLY,
    delivery_for,
    next_digest_at,
    remember_settings,
    settings_for,
)


def _own_in_app(user: User) -> sa.ColumnElement[bool]:
    return _in_app_of(user.id)


def _in_app_of(user_id: int | sa.BindParameter[int]) -> sa.ColumnElement[bool]:
    return sa.and_(OutboxMessage.user_id == user_id, OutboxMessage.in_app.is_(True))


def unread_query(user_id: int | sa.BindParameter[int]) -> sa.Select[int]:
    """A row for each of a person's unread in-app notifications, read from an index alone.

    `user_id` is their id, or a bound parameter standing for it."""
    return sa.select(sa.literal(1)).where(_in_app_of(user_id), OutboxMessage.read_at.is_(None))


def unread_count(user: User | AnonymousUserMixin | None) -> int:
    """How many of the person's in-app notifications are unread: one indexed COUNT."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    unread = unread_query(user.id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(unread)) or 0


def mark_read(user: User, message_id: int) -> OutboxMessage | None:
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


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(_own_in_app(user), OutboxMessage.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    # An UPDATE gives a CursorResult, though execute() is typed to return a Result.
    return cast("sa.CursorResult[()]", result).rowcount


def save_preferences(
    user: User, deliveries: Mapping[str, str], *, digest_hour: int, digest_weekday: int
) -> NotificationSettings:
    """Store how the person wants each topic delivered, and when digests go out.

    Messages already waiting for a digest move to the new time (or go out at
    once, or stay in Chorus only, if the person chose so for their topic).
    Choosing email for any topic turns emails back on for someone who had
    chosen "in Chorus only" on their profile.
    """
    settings: NotificationSettings | None = settings_for(user)

    if settings is None:
        settings = NotificationSettings(user_id=user.id)
        db.session.add(settings)
        remember_settings(settings)
    for topic in TOPICS:
        setattr(settings, topic, deliveries[topic])
    settings.digest_hour = digest_hour
    settings.digest_weekday = digest_weekday
    if any(deliveries[topic] != SITE for topic in TOPICS):
        user.email_notifications = True
    db.session.flush()
    now = utcnow()
    waiting = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.status == DIGEST
        )
    )
    for message in waiting:
        delivery = delivery_for(user, message.kind)
        if delivery in (DAILY, WEEKLY):
            message.digest = delivery
            message.digest_due_at = next_digest_at(settings, delivery, now)
        else:
            message.status = IN_APP_ONLY if delivery == SITE else PENDING
            message.digest = message.digest_due_at = None
    db.session.flush()
    return settings
