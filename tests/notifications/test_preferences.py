"""Delivery per kind: at once, daily or weekly digest, or in Chorus only."""

from datetime import UTC, datetime
from pathlib import Path

from portal import db
from portal.notifications.models import NotificationSettings
from portal.notifications.preferences import SECURITY_KINDS, next_digest_at, topic_of
from portal.outbox import DIGEST, IN_APP_ONLY, PENDING, queue
from tests.conftest import post_form, sign_in_as

CHOICES = {
    "outcomes": "email",
    "replies": "daily",
    "following": "weekly",
    "consultations": "site",
    "membership": "email",
    "involvement": "email",
    "digest_hour": "18",
    "digest_weekday": "4",
}


def _hidden(user):
    return queue(user, "contribution_hidden", proposal={"title": "Clinic"}, reason="x", link="/p/1")


def test_kinds_fall_in_topics_and_security_mail_in_none():
    assert topic_of("contribution_response") == "replies"
    assert topic_of("followed_change_moved") == "following"
    assert topic_of("proposal_closing_date_changed") == "consultations"  # by its name
    assert topic_of("payment_status") == "involvement"
    assert topic_of("reset_password") is None and topic_of("password_changed") is None


def test_every_kind_of_email_has_a_topic_people_can_choose_for():
    """A new kind of notification must fall in a topic (or be an account email)."""
    emails = Path(__file__).resolve().parents[2] / "templates" / "email"
    not_chosen = {"digest", "invitation"}  # the digest itself; invitations go to an address
    for template in emails.glob("*.txt"):
        kind = template.stem
        assert topic_of(kind) is not None or kind in SECURITY_KINDS | not_chosen, kind


def test_preferences_page_shows_the_defaults_and_saves_choices(client, make_user):
    me = make_user()
    sign_in_as(client, me)
    html = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Replies to my views" in html and "In a weekly email digest" in html
    assert 'value="email" checked' in html
    assert 'value="8" selected' in html  # 08:00 by default
    response = post_form(client, "/notifications/preferences", CHOICES)
    assert response.status_code == 302
    settings = db.session.get(NotificationSettings, me.id)
    assert (settings.replies, settings.following, settings.consultations) == (
        "daily",
        "weekly",
        "site",
    )
    assert (settings.digest_hour, settings.digest_weekday) == (18, 4)
    html = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'value="daily" checked' in html and 'value="18" selected' in html


def test_a_missing_choice_shows_the_error_summary_and_keeps_the_rest(client, make_user):
    me = make_user()
    sign_in_as(client, me)
    client.get("/notifications/preferences")
    data = {key: value for key, value in CHOICES.items() if key != "replies"}
    response = post_form(client, "/notifications/preferences", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Choose how we tell you about “Replies to my views”" in html
    assert 'value="weekly" checked' in html and 'value="18" selected' in html
    assert db.session.get(NotificationSettings, me.id) is None


def test_delivery_honours_the_choice(app, make_user):
    me = make_user()
    db.session.add(
        NotificationSettings(user_id=me.id, replies="daily", outcomes="site", digest_hour=18)
    )
    db.session.flush()
    with app.test_request_context():
        held = _hidden(me)  # a reply-like kind: daily digest
        quiet = queue(me, "contribution_outcome", link="/c/1", proposal={"title": "x"})
        security = queue(me, "password_changed")
    assert held.status == DIGEST and held.digest == "daily" and held.digest_due_at is not None
    assert quiet.status == IN_APP_ONLY
    assert security.status == PENDING  # always at once


def test_in_chorus_only_on_the_profile_holds_back_all_but_security(app, make_user):
    me = make_user(email_notifications=False)
    with app.test_request_context():
        assert _hidden(me).status == IN_APP_ONLY
        assert queue(me, "password_changed").status == PENDING


def test_next_digest_time_is_the_chosen_uk_hour_and_weekday(app):
    settings = NotificationSettings(digest_hour=18, digest_weekday=4)  # Friday 18:00
    with app.app_context():
        # Monday 1 June 2026, 10:00 UTC = 11:00 in London (summer time).
        now = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
        assert next_digest_at(settings, "daily", now) == datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
        assert next_digest_at(settings, "weekly", now) == datetime(2026, 6, 5, 17, 0, tzinfo=UTC)
        # After today's time, the next day; in winter London is on UTC.
        late = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)
        assert next_digest_at(settings, "daily", late) == datetime(2026, 12, 8, 18, 0, tzinfo=UTC)


def test_changing_preferences_moves_messages_waiting_for_a_digest(client, app, make_user):
    me = make_user()
    db.session.add(NotificationSettings(user_id=me.id, replies="weekly"))
    db.session.flush()
    with app.test_request_context():
        held = _hidden(me)
    assert held.digest == "weekly"
    sign_in_as(client, me)
    client.get("/notifications/preferences")
    post_form(client, "/notifications/preferences", {**CHOICES, "replies": "email"})
    db.session.refresh(held)
    assert held.status == PENDING and held.digest is None  # goes out at once now
