"""Digests: held messages go out in one email per person, at their time, once."""

from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.db import utcnow
from portal.notifications.digests import send_due_digests
from portal.notifications.models import NotificationSettings
from portal.outbox import DIGEST, DIGESTED, PENDING, OutboxMessage, deliver_pending, queue


def _hidden(user, title):
    return queue(
        user,
        "contribution_hidden",
        proposal={"title": title},
        reason="x",
        link=f"https://chorus.example/proposals/{len(title)}",
    )


def _digests(user):
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.user_id == user.id, OutboxMessage.kind == "digest"
            )
        )
    )


def _hold(app, make_user, replies="daily", **settings):
    me = make_user(display_name="Rhian")
    db.session.add(NotificationSettings(user_id=me.id, replies=replies, **settings))
    db.session.flush()
    with app.test_request_context():
        first, second = _hidden(me, "Clinic hours"), _hidden(me, "Parking")
    db.session.commit()  # the worker runs in its own transactions
    return me, first, second


def test_a_daily_digest_goes_out_once_at_the_chosen_hour(app, make_user):
    me, first, second = _hold(app, make_user, digest_hour=18)
    due = first.digest_due_at
    assert due.astimezone(UTC).minute == 0 and second.digest_due_at == due
    with app.test_request_context():
        assert send_due_digests(now=due - timedelta(minutes=1)) == 0  # not yet
        assert send_due_digests(now=due) == 1
        assert send_due_digests(now=due + timedelta(minutes=5)) == 0  # idempotent
    [digest] = _digests(me)
    assert digest.subject == "Your daily Chorus digest: 2 notifications"
    assert "Your views on “Clinic hours” are hidden" in digest.body
    assert "Your views on “Parking” are hidden" in digest.body
    assert "/notifications/preferences" in digest.body
    assert digest.status == PENDING and digest.in_app is False
    db.session.refresh(first)
    assert first.status == DIGESTED and first.in_app  # still on the notifications page
    assert deliver_pending() == (1, 0)  # the one digest email


def test_weekly_digest_waits_for_the_chosen_weekday(app, make_user):
    me, first, _second = _hold(app, make_user, replies="weekly", digest_hour=9, digest_weekday=2)
    due = first.digest_due_at
    assert due.astimezone(UTC).weekday() == 2
    assert due - utcnow() <= timedelta(days=7)
    with app.test_request_context():
        assert send_due_digests(now=due - timedelta(days=1)) == 0
        assert send_due_digests(now=due) == 1
    [digest] = _digests(me)
    assert digest.subject.startswith("Your weekly Chorus digest")


def test_news_read_in_chorus_is_left_out_of_the_digest(app, make_user):
    me, first, second = _hold(app, make_user)
    first.read_at = utcnow()
    db.session.commit()
    with app.test_request_context():
        assert send_due_digests(now=first.digest_due_at) == 1
    [digest] = _digests(me)
    assert digest.subject == "Your daily Chorus digest: 1 notification"
    assert "Clinic hours" not in digest.body and "Parking" in digest.body
    second.read_at = utcnow()
    with app.test_request_context():
        third = _hidden(me, "Read already")
        third.read_at = utcnow()
        db.session.commit()
        assert send_due_digests(now=third.digest_due_at) == 0  # nothing unread: no email
    db.session.refresh(third)
    assert third.status == DIGESTED and len(_digests(me)) == 1


def test_one_digest_per_person(app, make_user):
    me, first, _ = _hold(app, make_user)
    other, theirs, _ = _hold(app, make_user)
    with app.test_request_context():
        assert send_due_digests(now=max(first.digest_due_at, theirs.digest_due_at)) == 2
    assert len(_digests(me)) == 1 and len(_digests(other)) == 1


def test_news_after_a_digest_waits_for_the_next_one(app, make_user):
    me, first, _ = _hold(app, make_user)
    with app.test_request_context():
        send_due_digests(now=first.digest_due_at)
        later = _hidden(me, "Later news")
    assert later.status == DIGEST and later.digest_due_at > utcnow()


@pytest.mark.postgresql_only
def test_several_workers_never_put_a_message_in_two_digests(app, engine, make_user):
    """Held messages locked by one worker are skipped by another (FOR UPDATE SKIP LOCKED)."""
    from sqlalchemy.orm import sessionmaker

    with engine.begin() as setup:
        user_id = setup.execute(
            sa.text(
                "INSERT INTO users (email, display_name, password_hash, locale, is_site_admin,"
                " password_changed_at, created_at) VALUES ('d@example.org', 'D',"
                " 'x', 'en', false, now(), now()) RETURNING id"
            )
        ).scalar_one()
        setup.execute(
            sa.insert(OutboxMessage).values(
                user_id=user_id,
                kind="contribution_hidden",
                to_email="d@example.org",
                subject="s",
                body="b",
                in_app=True,
                status=DIGEST,
                digest="daily",
                digest_due_at=utcnow() - timedelta(minutes=1),
                attempts=0,
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
        )
    test_sessionmaker = app.extensions["chorus_db"]["sessionmaker"]
    try:
        with engine.connect() as worker_one:
            worker_one.begin()
            worker_one.execute(
                sa.select(OutboxMessage.id)
                .where(OutboxMessage.status == DIGEST)
                .with_for_update(skip_locked=True)
            ).scalar_one()
            app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(bind=engine)
            with app.test_request_context():
                assert send_due_digests() == 0
            worker_one.rollback()
        with app.test_request_context():
            assert send_due_digests() == 1
            assert send_due_digests() == 0
    finally:
        app.extensions["chorus_db"]["sessionmaker"] = test_sessionmaker
        with engine.begin() as cleanup:
            cleanup.execute(sa.text("DELETE FROM outbox_messages"))
            cleanup.execute(sa.text("DELETE FROM users WHERE email = 'd@example.org'"))


def test_the_worker_sends_due_digests_with_links_to_the_site(app, make_user):
    me, first, second = _hold(app, make_user)
    for message in (first, second):
        message.digest_due_at = utcnow() - timedelta(minutes=1)  # their time has come
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    [digest] = _digests(me)
    assert digest.status == "sent"  # written, then delivered in the same run
    assert "http://127.0.0.1:5000/notifications/preferences" in digest.body
    assert app.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
    assert len(_digests(me)) == 1


def test_a_digest_is_written_in_the_persons_language(app, make_user):
    me, first, _ = _hold(app, make_user)
    me.locale = "cy"
    db.session.commit()
    with app.test_request_context():
        send_due_digests(now=first.digest_due_at)
    [digest] = _digests(me)
    assert not digest.subject.startswith("Your daily")
    assert "Chorus" in digest.subject
