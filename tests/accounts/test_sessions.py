"""Signing out really ends the session: a copied cookie stops working."""

from portal import db
from portal.accounts.passwords import verify_password
from tests.conftest import post_form
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


def test_a_new_sign_in_ends_older_sessions(app, make_user):
    make_user(email="twice@example.org")
    first = _signed_in_client(app, "twice@example.org")
    _signed_in_client(app, "twice@example.org")
    assert first.get("/profile").status_code == 302
