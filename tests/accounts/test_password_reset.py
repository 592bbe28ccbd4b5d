import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.accounts.passwords import verify_password
from portal.outbox import OutboxMessage
from tests.conftest import outbox_link, post_form
from tests.factories import PASSWORD


def _path(link):
    return urlsplit(link).path


def test_reset_request_answers_the_same_for_unknown_email(client, make_user, session):
    make_user(email="known@example.org")
    known = post_form(client, "/forgot-password", {"email": "known@example.org"})
    unknown = post_form(client, "/forgot-password", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    known_html = known.get_data(as_text=True).replace("known@", "X@")
    unknown_html = unknown.get_data(as_text=True).replace("nobody@", "X@")

    def main(html):
        return html.split("<main", 1)[1].split("</main>")[0]

    assert main(known_html) == main(unknown_html)
    assert "If there is an account for" in known_html
    kinds = session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds == ["reset_password"]


def test_the_reset_link_is_at_the_public_address_whatever_host_the_request_named(
    client, make_user, app
):
    user = make_user(email="host@example.org")
    elsewhere = "http://evil.example"  # a false Host header, as a stranger could send
    page = client.get("/forgot-password", base_url=elsewhere).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    sent = client.post(
        "/forgot-password",
        data={"csrf_token": token, "email": user.email},
        base_url=elsewhere,
        headers={"Origin": elsewhere},
    )
    assert sent.status_code == 200
    link = outbox_link(user, "reset_password")
    assert link.startswith(f"{app.config['PUBLIC_URL']}/reset-password/")


def test_reset_link_sets_a_new_password_once(client, make_user, session):
    user = make_user(email="reset@example.org")
    post_form(client, "/forgot-password", {"email": "reset@example.org"})
    path = _path(outbox_link(user, "reset_password"))

    assert client.get(path).status_code == 200
    response = post_form(client, path, {"password": "my new reset phrase"})
    assert response.headers["Location"] == "/sign-in"
    session.refresh(user)
    assert verify_password(user.password_hash, "my new reset phrase")
    assert not verify_password(user.password_hash, PASSWORD)

    again = client.get(path)
    assert again.status_code == 400
    assert "This link has expired or is not valid" in again.get_data(as_text=True)
    assert post_form(client, path, {"password": "another new phrase"}).status_code == 400


def test_reset_link_expires(client, make_user, app, monkeypatch):
    user = make_user(email="late@example.org")
    post_form(client, "/forgot-password", {"email": "late@example.org"})
    path = _path(outbox_link(user, "reset_password"))
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(path).status_code == 400


def test_reset_form_shows_password_rules(client, make_user):
    user = make_user(email="rules@example.org")
    post_form(client, "/forgot-password", {"email": "rules@example.org"})
    path = _path(outbox_link(user, "reset_password"))
    html = post_form(client, path, {"password": "password1"}).get_data(as_text=True)
    assert "This password is too easy to guess" in html
