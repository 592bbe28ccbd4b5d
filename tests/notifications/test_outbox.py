"""The outbox: messages written with their cause, delivered once, retried on failure."""

import socket
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal import db
from portal.db import utcnow
from portal.outbox import FAILED, PENDING, SENT, OutboxMessage, deliver_pending, queue
from tests.conftest import post_form, sign_in_as


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(app, monkeypatch):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield inbox
    controller.stop()


def test_delivers_to_a_real_smtp_server_once(app, make_user, smtp_server):
    user = make_user(email="reader@example.org", display_name="Rhian")
    with app.test_request_context():
        message = queue(user, "password_changed")
    db.session.commit()

    assert deliver_pending() == (1, 0)
    assert deliver_pending() == (0, 0)  # nothing is sent twice

    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["reader@example.org"]
    text = envelope.content.decode()
    assert "Subject: Your Chorus password was changed" in text
    assert "Hello Rhian," in text
    db.session.refresh(message)
    assert message.status == SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_failed_delivery_is_retried_later_then_given_up(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    user = make_user()
    with app.test_request_context():
        message = queue(user, "password_changed")
    db.session.commit()

    assert deliver_pending() == (0, 1)
    db.session.refresh(message)
    assert message.status == PENDING
    assert message.attempts == 1
    assert message.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert "ConnectionRefusedError" in message.last_error
    assert deliver_pending() == (0, 0)  # not due yet

    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_pending() == (0, 1)
    db.session.refresh(message)
    assert message.status == FAILED
    assert message.attempts == 2


def test_message_is_stored_only_if_its_cause_commits(app, make_user):
    user = make_user()
    db.session.commit()
    with app.test_request_context():
        queue(user, "password_changed")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_messages_are_written_in_the_users_language(app, make_user):
    user = make_user(locale="cy")
    with app.test_request_context():
        message = queue(user, "password_changed")
    assert message.subject != "Your Chorus password was changed"
    assert user.display_name in message.body


def test_console_backend_prints_in_development(app, make_user, capsys, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    user = make_user(email="console@example.org")
    with app.test_request_context():
        queue(user, "password_changed")
    db.session.commit()
    assert deliver_pending() == (1, 0)
    printed = capsys.readouterr().out
    assert "To: console@example.org" in printed
    assert "Your Chorus password was changed" in printed


@pytest.mark.postgresql_only
def test_several_workers_never_send_the_same_message(app, engine, make_user):
    """A message locked by one worker is skipped by another (FOR UPDATE SKIP LOCKED)."""
    from sqlalchemy.orm import sessionmaker

    with engine.begin() as setup:
        user_id = setup.execute(
            sa.text(
                "INSERT INTO users (email, display_name, password_hash, locale, is_site_admin,"
                " password_changed_at, created_at) VALUES ('w@example.org', 'W',"
                " 'x', 'en', false, now(), now()) RETURNING id"
            )
        ).scalar_one()
        setup.execute(
            sa.insert(OutboxMessage).values(
                user_id=user_id,
                kind="k",
                to_email="w@example.org",
                subject="s",
                body="b",
                in_app=False,
                status=PENDING,
                attempts=0,
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
        )
    test_sessionmaker = app.extensions["chorus_db"]["sessionmaker"]
    try:
        with engine.connect() as worker_one:
            worker_one.begin()
            locked = worker_one.execute(
                sa.select(OutboxMessage.id).with_for_update(skip_locked=True)
            ).scalar_one()
            assert locked
            app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(bind=engine)
            with app.app_context():
                assert deliver_pending() == (0, 0)
            worker_one.rollback()
        with app.app_context():
            assert deliver_pending() == (1, 0)
    finally:
        app.extensions["chorus_db"]["sessionmaker"] = test_sessionmaker
        with engine.begin() as cleanup:
            cleanup.execute(sa.text("DELETE FROM outbox_messages"))
            cleanup.execute(sa.text("DELETE FROM users WHERE email = 'w@example.org'"))


def test_in_app_list_shows_only_my_in_app_messages(client, app, make_user):
    me, other = make_user(display_name="Me"), make_user(display_name="Other")
    with app.test_request_context():
        queue(me, "password_changed")
        queue(me, "reset_password", in_app=False, link="https://example.org/secret-token")
        queue(other, "password_changed")
    sign_in_as(client, me)
    html = client.get("/notifications").get_data(as_text=True)
    assert html.count('id="notification-') == 1
    assert "Your Chorus password was changed" in html
    assert "secret-token" not in html
    assert "Hello Me," not in html  # a short item, not the email's text


def test_notifications_page_queries_do_not_grow(client, app, make_user, count_queries):
    me = make_user()
    sign_in_as(client, me)
    with app.test_request_context():
        queue(me, "password_changed")
    with count_queries() as few:
        client.get("/notifications")
    with app.test_request_context():
        for _ in range(45):
            queue(me, "password_changed")
    with count_queries() as many:
        page = client.get("/notifications")
    assert len(many) == len(few)
    assert len(many) <= 3
    html = page.get_data(as_text=True)
    assert html.count('id="notification-') == 20
    assert "Next" in html
    second = client.get("/notifications?page=3").get_data(as_text=True)
    assert second.count('id="notification-') == 6
    assert client.get("/notifications?page=4").status_code == 404


def test_sign_in_page_renders_without_writing(client, count_queries):
    with count_queries() as statements:
        client.get("/sign-in")
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_dev_mode_prints_emails_after_the_request_commits(client, app, monkeypatch, capsys):
    monkeypatch.setitem(app.config, "OUTBOX_SEND_AFTER_COMMIT", True)
    post_form(
        client,
        "/register",
        {
            "email": "printed@example.org",
            "display_name": "Printed",
            "password": "a long enough phrase",
            "locale": "en",
        },
    )
    assert "/verify-email/" in capsys.readouterr().out


def test_in_app_only_people_get_no_email_but_still_get_security_mail(app, make_user):
    quiet = make_user(email_notifications=False)
    with app.test_request_context():
        notice = queue(
            quiet, "contribution_hidden", proposal={"title": "Clinic hours"}, reason="x", link="/x"
        )
        changed = queue(quiet, "password_changed")
        reset = queue(quiet, "reset_password", in_app=False, link="https://example.org/x")
    db.session.commit()
    assert deliver_pending() == (2, 0)  # the password emails protect the account
    for message in (notice, changed, reset):
        db.session.refresh(message)
    assert notice.status == "in_app" and notice.sent_at is None
    assert changed.status == SENT and changed.in_app
    assert reset.status == SENT
