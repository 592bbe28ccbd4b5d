"""Digests: the news a person chose to get daily or weekly, in one email each time.

`send_due_digests` is run by the worker (`flask --app portal outbox send`)
before delivery. For each person with held messages that are due, it writes
one digest email to the outbox and marks the held messages as digested, in
one transaction; news the person has already read in Chorus is left out.
Rows are locked with `FOR UPDATE SKIP LOCKED`, so several
workers on PostgreSQL never put the same message in two digests, and
running it again sends nothing new.
"""

import sqlalchemy as sa

from .. import db
from ..accounts.models import User
from ..db import utcnow
from ..links import public_url
from ..outbox import DIGEST, DIGESTED, OutboxMessage, _add, _message
from .preferences import WEEKLY


def send_due_digests(now=None, limit=500):
    """Write one digest email per person whose digest is due. Returns how many."""
    written = rounds = 0
    while rounds < limit:
        rounds += 1
        moment = now or utcnow()
        first = db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == DIGEST, OutboxMessage.digest_due_at <= moment)
            .order_by(OutboxMessage.digest_due_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if first is None:
            db.session.rollback()
            return written
        items = list(
            db.session.scalars(
                sa.select(OutboxMessage)
                .where(
                    OutboxMessage.user_id == first.user_id,
                    OutboxMessage.status == DIGEST,
                    OutboxMessage.digest_due_at <= moment,
                )
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
                .with_for_update(skip_locked=True)
            )
        )
        unread = [item for item in items if item.read_at is None]
        if unread:  # news already read in Chorus is not emailed again
            _write_digest(db.session.get(User, first.user_id), unread)
            written += 1
        for item in items:
            item.status = DIGESTED
            item.sent_at = moment
        db.session.commit()
    return written


def _write_digest(user, items):
    frequency = WEEKLY if all(item.digest == WEEKLY for item in items) else "daily"
    digest = _message(
        "digest",
        user.email,
        user.locale,
        user=user,
        items=items,
        frequency=frequency,
        link=public_url("notifications.preferences"),
    )
    digest.user_id = user.id
    digest.in_app = False
    _add(digest)
