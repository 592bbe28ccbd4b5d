"""Signing out really ends the session: a copied cookie stops working."""

from datetime import timedelta

import sqlalchemy as sa

from portal import db
from portal.accounts import services
from portal.accounts.models import UserSession
from portal.accounts.passwords import verify_password
from portal.db import utcnow
from tests.conftest import outbox_link, post_form
from tests.factories import PASSWORD


def _signed_in_client(app, email):
    client = app.test_client()
    post_form(client, "/sign-in", {"email": email, "password": PASSWORD})
    assert client.get("/profile").status_code == 200
    return client


def _copy(client, app):
    """A second client holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("chorus_session", client.get_cookie("chorus_session").value)
    return thief


def test_cookie_copied_before_sign_out_is_refused_after(app, make_user):
    make_user(email="copy@example.org")
    client = _signed_in_client(app, "copy@example.org")
    thief = _copy(client, app)
    assert thief.get("/profile").status_code == 200

    response = post_form(client, "/sign-out")
    assert response.status_code == 302
    assert client.get("/profile").status_code == 302
    stolen = thief.get("/profile")
    assert stolen.status_code == 302
    assert stolen.headers["Location"].startswith("/sign-in")


def test_sign_out_needs_post_and_csrf(app, make_user):
    make_user(email="csrf@example.org")
    client = _signed_in_client(app, "csrf@example.org")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/profile").status_code == 200


def test_sign_out_everywhere_ends_every_session(app, make_user):
    make_user(email="everywhere@example.org")
    laptop = _signed_in_client(app, "everywhere@example.org")
    phone = _copy(laptop, app)
    response = post_form(laptop, "/profile/sign-out-everywhere")
    assert response.headers["Location"] == "/sign-in"
    assert laptop.get("/profile").status_code == 302
    assert phone.get("/profile").status_code == 302


def test_password_change_keeps_this_session_and_ends_others(app, make_user):
    user = make_user(email="change@example.org")
    client = _signed_in_client(app, "change@example.org")
    other = _copy(client, app)
    response = post_form(
        client,
        "/profile/password",
        {"current_password": PASSWORD, "new_password": "a brand new long phrase"},
    )
    assert response.headers["Location"] == "/profile"
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, "a brand new long phrase")


def test_password_change_needs_the_current_password(app, make_user):
    user = make_user(email="wrong@example.org")
    client = _signed_in_client(app, "wrong@example.org")
    old_hash = user.password_hash
    response = post_form(
        client,
        "/profile/password",
        {"current_password": "not it at all", "new_password": "a brand new long phrase"},
    )
    assert "Your current password is not correct" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def _signed_in_on(app, email, user_agent):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    post_form(client, "/sign-in", {"email": email, "password": PASSWORD})
    return client


FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def test_signing_in_on_a_second_device_keeps_the_first_signed_in(app, make_user):
    make_user(email="twice@example.org")
    first = _signed_in_client(app, "twice@example.org")
    second = _signed_in_client(app, "twice@example.org")
    assert first.get("/profile").status_code == 200
    assert second.get("/profile").status_code == 200


def test_sign_out_ends_this_device_only(app, make_user):
    make_user(email="two@example.org")
    laptop = _signed_in_client(app, "two@example.org")
    phone = _signed_in_client(app, "two@example.org")
    stolen = _copy(laptop, app)
    post_form(laptop, "/sign-out")
    assert laptop.get("/profile").status_code == 302
    assert stolen.get("/profile").status_code == 302  # a replayed cookie fails
    assert phone.get("/profile").status_code == 200


def test_sign_out_everywhere_ends_other_devices_too(app, make_user):
    make_user(email="all@example.org")
    laptop = _signed_in_client(app, "all@example.org")
    phone = _signed_in_client(app, "all@example.org")
    post_form(laptop, "/profile/sign-out-everywhere")
    assert laptop.get("/profile").status_code == 302
    assert phone.get("/profile").status_code == 302


def test_password_change_signs_out_other_devices(app, make_user):
    make_user(email="pw@example.org")
    laptop = _signed_in_client(app, "pw@example.org")
    phone = _signed_in_client(app, "pw@example.org")
    post_form(
        laptop,
        "/profile/password",
        {"current_password": PASSWORD, "new_password": "a brand new long phrase"},
    )
    assert laptop.get("/profile").status_code == 200
    assert phone.get("/profile").status_code == 302


def test_password_reset_signs_out_every_device(app, make_user):
    user = make_user(email="reset@example.org")
    phone = _signed_in_client(app, "reset@example.org")
    services.request_password_reset(user.email, lambda token: f"http://x/reset/{token}")
    link = outbox_link(user, "reset_password")
    path = "/reset-password/" + link.rsplit("/", 1)[1]
    other = app.test_client()
    response = post_form(other, path, {"password": "a brand new long phrase"})
    assert response.headers["Location"] == "/sign-in"
    assert phone.get("/profile").status_code == 302


def test_profile_lists_signed_in_devices_and_marks_this_one(app, make_user):
    make_user(email="list@example.org")
    laptop = _signed_in_on(app, "list@example.org", FIREFOX_WINDOWS)
    _signed_in_on(app, "list@example.org", SAFARI_IPHONE)
    html = laptop.get("/profile").get_data(as_text=True)
    devices = html.split('id="devices"', 1)[1].split("</dl>", 1)[0]
    assert devices.count("Sign out this device") == 2
    assert "Safari on iPhone" in devices
    row = devices.split("Firefox on Windows", 1)[1].split("</dt>", 1)[0]
    assert "This device" in row
    assert "This device" not in devices.split("Safari on iPhone", 1)[1].split("</dt>", 1)[0]


def test_signing_out_another_device_from_the_profile(app, make_user):
    user = make_user(email="other@example.org")
    laptop = _signed_in_on(app, "other@example.org", FIREFOX_WINDOWS)
    phone = _signed_in_on(app, "other@example.org", SAFARI_IPHONE)
    phone_session = db.session.scalar(
        sa.select(UserSession.id).where(
            UserSession.user_id == user.id, UserSession.system == "iPhone"
        )
    )
    response = post_form(laptop, f"/profile/sessions/{phone_session}/end")
    assert response.headers["Location"] == "/profile#devices"
    assert "That device is signed out." in laptop.get("/profile").get_data(as_text=True)
    assert phone.get("/profile").status_code == 302
    assert laptop.get("/profile").status_code == 200
    again = post_form(laptop, f"/profile/sessions/{phone_session}/end")
    assert again.status_code == 404  # already ended


def test_signing_out_this_device_from_the_profile(app, make_user):
    user = make_user(email="this@example.org")
    laptop = _signed_in_client(app, "this@example.org")
    own = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == user.id))
    response = post_form(laptop, f"/profile/sessions/{own}/end")
    assert response.headers["Location"] == "/sign-in"
    assert laptop.get("/profile").status_code == 302


def test_nobody_can_end_someone_elses_session(app, make_user):
    victim = make_user(email="victim@example.org")
    make_user(email="attacker@example.org")
    victim_client = _signed_in_client(app, "victim@example.org")
    attacker = _signed_in_client(app, "attacker@example.org")
    theirs = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == victim.id))
    assert post_form(attacker, f"/profile/sessions/{theirs}/end").status_code == 404
    assert victim_client.get("/profile").status_code == 200


def test_a_session_runs_out_after_the_session_lifetime(app, make_user):
    user = make_user(email="old@example.org")
    client = _signed_in_client(app, "old@example.org")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(created_at=utcnow() - lifetime - timedelta(minutes=1))
    )
    assert client.get("/profile").status_code == 302


def test_only_a_hash_of_the_token_is_stored(app, make_user):
    user = make_user(email="hash@example.org")
    client = _signed_in_client(app, "hash@example.org")
    with client.session_transaction() as flask_session:
        token = flask_session["_user_id"].split(":", 1)[1]
    stored = db.session.scalar(
        sa.select(UserSession.token_hash).where(UserSession.user_id == user.id)
    )
    assert stored != token and token not in stored


def test_checking_the_cookie_is_one_query_and_writes_nothing(app, make_user, count_queries):
    make_user(email="cheap@example.org")
    client = _signed_in_client(app, "cheap@example.org")
    with count_queries() as statements:
        client.get("/privacy")
    # The cookie check, then one statement for the header's roles and counts.
    assert len(statements) == 2
    assert [s for s in statements if "user_sessions" in s] == statements[:1]
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_devices_are_named_from_their_user_agent():
    assert services.describe_device(FIREFOX_WINDOWS) == ("Firefox", "Windows")
    assert services.describe_device(SAFARI_IPHONE) == ("Safari", "iPhone")
    edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/130.0 Safari/537.36 Edg/130.0"
    assert services.describe_device(edge) == ("Edge", "Windows")
    assert services.describe_device("curl/8.0") == ("", "")


def test_the_profile_costs_the_same_with_more_devices(app, make_user, count_queries):
    user = make_user(email="many@example.org")
    client = _signed_in_on(app, "many@example.org", FIREFOX_WINDOWS)
    with count_queries() as few:
        client.get("/profile")
    for _ in range(6):
        services.start_session(user, SAFARI_IPHONE)
    with count_queries() as many:
        html = client.get("/profile").get_data(as_text=True)
    assert html.count("Sign out this device") == 7
    assert len(many) == len(few)
