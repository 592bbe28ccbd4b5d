from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.accounts.models import User
from portal.outbox import OutboxMessage
from tests.conftest import outbox_link, post_form

GOOD = {
    "email": "  New.Person@Example.org ",
    "display_name": "New Person",
    "pseudonym": "",
    "password": "a sunny day by the sea",
    "locale": "cy",
}


def test_register_stores_account_and_queues_verification(client, session):
    response = post_form(client, "/register", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/check-your-email")

    user = session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert user.display_name == "New Person"
    assert user.locale == "cy"
    assert user.pseudonym is None
    assert user.email_verified_at is None
    assert user.password_hash.startswith("$argon2id$")

    page = client.get("/register/check-your-email").get_data(as_text=True)
    assert "new.person@example.org" in page
    message = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id)
    ).one()
    assert message.kind == "verify_email"
    assert message.in_app is False
    assert "/verify-email/" in message.body


def test_verification_link_confirms_email_on_post_only(client, session):
    post_form(client, "/register", GOOD)
    user = session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    link = outbox_link(user, "verify_email")
    path = urlsplit(link).path

    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my email address" in page.get_data(as_text=True)
    session.refresh(user)
    assert user.email_verified_at is None  # a GET changes nothing

    response = post_form(client, path)
    assert response.status_code == 302
    session.refresh(user)
    assert user.email_verified_at is not None


def test_broken_verification_link_explains_what_to_do(client):
    response = client.get("/verify-email/not-a-real-token")
    assert response.status_code == 400
    assert "This link has expired or is not valid" in response.get_data(as_text=True)


def test_register_with_known_email_reveals_nothing(client, session, make_user):
    existing = make_user(email="taken@example.org")
    data = dict(GOOD, email="Taken@example.org")
    response = post_form(client, "/register", data)
    assert response.headers["Location"].endswith("/register/check-your-email")
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    kinds = session.scalars(
        sa.select(OutboxMessage.kind).where(OutboxMessage.user_id == existing.id)
    ).all()
    assert kinds == ["already_registered"]


def test_invalid_registration_keeps_what_was_typed(client, session):
    data = dict(GOOD, email="not-an-email", password="short")
    response = post_form(client, "/register", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "<title>Error: Create an account" in html
    assert "Enter an email address in the correct format, like name@example.com" in html
    assert "Password must be 8 characters or more" in html
    assert 'href="#email"' in html and 'href="#password"' in html
    assert 'value="not-an-email"' in html
    assert 'value="New Person"' in html
    assert 'value="cy" checked' in html
    assert (
        "short" not in html.split("<main", 1)[1].split("Create a password")[1].split("</form>")[0]
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_password_rules(client):
    cases = {
        "password": "This password is too easy to guess",
        "1234567": "Password must be 8 characters or more",
        "x" * 129: "Password must be 128 characters or fewer",
        "": "Enter a password",
    }
    for password, message in cases.items():
        html = post_form(client, "/register", dict(GOOD, password=password)).get_data(as_text=True)
        assert message in html, password
    long_ok = "y" * 128
    response = post_form(client, "/register", dict(GOOD, password=long_ok))
    assert response.status_code == 302


def test_pseudonym_must_be_unique(client, make_user):
    make_user(pseudonym="Blue Heron")
    html = post_form(client, "/register", dict(GOOD, pseudonym="blue heron")).get_data(as_text=True)
    assert "That pseudonym is taken" in html
