"""Notifications: written to an outbox in the same transaction as their cause.

`queue` adds a message to the current session; it is stored only when the
request or command commits. `deliver_pending` sends due messages over SMTP
(or prints them in development), one transaction per message, and is safe to
run in several processes on PostgreSQL thanks to `FOR UPDATE SKIP LOCKED`.
"""

import smtplib
import ssl
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Mapped, mapped_column

from . import db
from .db import Base, UTCDateTime, utcnow
from .notifications.preferences import (
    DAILY,
    SITE,
    WEEKLY,
    delivery_for,
    next_digest_at,
    settings_for,
)

PENDING, SENT, FAILED = "pending", "sent", "failed"
IN_APP_ONLY = "in_app"  # the person chose not to get emails: shown in the app only
DIGEST = "digest"  # waits for the person's daily or weekly digest (see `digest_due_at`)
DIGESTED = "digested"  # went out inside a digest email


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_messages_inbox", "user_id", "in_app", "created_at"),
        # Backs the header's unread count: one index-only COUNT per page.
        sa.Index("ix_outbox_messages_unread", "user_id", "in_app", "read_at"),
        sa.Index("ix_outbox_messages_digest_due", "status", "digest_due_at"),
        sa.Index("ix_outbox_messages_event", "user_id", "event_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    to_email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    in_app: Mapped[bool] = mapped_column(default=True)
    link: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the person read it in Chorus (None: unread).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "daily" or "weekly" while it waits for a digest, and when that digest is due.
    digest: Mapped[str | None] = mapped_column(sa.String(10))
    digest_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What moved (e.g. "proposal:12:decision"), so a follower is told of it once.
    event_key: Mapped[str | None] = mapped_column(sa.String(120))


def queue(user, kind, *, in_app=True, link=None, event_key=None, **context):
    """Write one notification for `user`, in their language, to the outbox.

    The subject and body come from `templates/email/<kind>.txt`, whose first
    line is the subject. Private links (sign-in tokens) must use in_app=False:
    such messages are always emailed. Others reach the person as they chose
    for the kind's topic (`portal.notifications.preferences`): emailed at
    once, held for their daily or weekly digest, or shown in Chorus only.
    `event_key` names what moved, so the same news is not told twice.
    """
    message = _message(kind, user.email, user.locale, user=user, link=link, **context)
    message.user_id = user.id
    message.in_app = in_app
    message.link = link if in_app else None
    message.event_key = event_key
    if in_app:
        delivery = delivery_for(user, kind)
        if delivery == SITE:
            message.status = IN_APP_ONLY
        elif delivery in (DAILY, WEEKLY):
            message.status = DIGEST
            message.digest = delivery
            message.digest_due_at = next_digest_at(settings_for(user), delivery, utcnow())
    return _add(message)


def queue_to_address(email, locale, kind, *, link=None, **context):
    """Write an email to someone who may have no account yet (an invitation)."""
    message = _message(kind, email, locale, user=None, link=link, **context)
    message.in_app = False
    return _add(message)


def _message(kind, to_email, locale, **context):
    with force_locale(locale):
        text = render_template(f"email/{kind}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return OutboxMessage(
        kind=kind, to_email=to_email, subject=subject.strip(), body=body.strip() + "\n"
    )


def told_in_this_transaction():
    """Ids of the people given an in-app message in the current transaction."""
    info = db.session.info
    transaction = db.session().get_transaction()
    if info.get("outbox_transaction") is not transaction:
        info["outbox_transaction"] = transaction
        info["outbox_told"] = set()
    return info["outbox_told"]


def _add(message):
    db.session.add(message)
    db.session.flush()
    if message.user_id is not None and message.in_app:
        told_in_this_transaction().add(message.user_id)
    if has_request_context():
        g.outbox_queued = True
    return message


def retry_delay(attempts):
    """Back-off: 1, 2, 4, 8 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def deliver_pending(limit=None, now=None):
    """Send every due message once. Returns (sent, failed) counts."""
    config = current_app.config
    limit = limit or config["OUTBOX_BATCH_SIZE"]
    sent = failed = 0
    while True:
        now = utcnow()
        message = db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if message is None or sent + failed >= limit:
            db.session.rollback()
            return sent, failed
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = FAILED
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
            failed += 1
        else:
            message.attempts += 1
            message.status = SENT
            message.sent_at = now
            sent += 1
        db.session.commit()


def _send(message):
    config = current_app.config
    if config["MAIL_BACKEND"] == "console":
        print(
            f"--- email {message.id} ---\nTo: {message.to_email}\n"
            f"Subject: {message.subject}\n\n{message.body}--- end of email ---",
            file=sys.stdout,
            flush=True,
        )
        return
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="chorus")
    email.set_content(message.body)
    connect = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with connect(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def init_app(app):
    """In development, deliver (print) new messages as soon as the request has committed."""

    @app.teardown_request
    def deliver_after_commit(exc):
        if exc is None and g.pop("outbox_queued", False) and app.config["OUTBOX_SEND_AFTER_COMMIT"]:
            deliver_pending()
