import re

from tests.conftest import post_form, sign_in_as
from tests.factories import PASSWORD


def _sign_in(client, email, password, **extra):
    return post_form(client, "/sign-in", {"email": email, "password": password, **extra})


def test_sign_in_with_correct_details_shows_the_account(client, make_user):
    make_user(email="sam@example.org", display_name="Sam Carter")
    response = _sign_in(client, "SAM@example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Sam Carter" in page
    assert "Sign out" in page


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    make_user(email="known@example.org")
    wrong_password = _sign_in(client, "known@example.org", "not the password")
    unknown_email = _sign_in(client, "nobody@example.org", "not the password")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)

    def main(response):
        html = response.get_data(as_text=True)
        html = re.sub(r'value="[^"]*"', "", html)  # tokens and typed values differ
        return html.split("<main", 1)[1].split("</main>")[0]

    assert main(wrong_password).replace("known", "nobody") == main(unknown_email)


def test_unverified_account_is_asked_to_confirm_email(client, make_user, session):
    user = make_user(email="new@example.org", verified=False)
    response = _sign_in(client, "new@example.org", PASSWORD)
    assert response.headers["Location"].endswith("/sign-in/confirm-your-email")
    page = client.get("/sign-in/confirm-your-email").get_data(as_text=True)
    assert "new@example.org" in page
    assert "Sign out" not in page

    post_form(client, "/sign-in/confirm-your-email")
    from portal.outbox import OutboxMessage

    kinds = [m.kind for m in session.query(OutboxMessage).filter_by(user_id=user.id)]
    assert kinds == ["verify_email"]


def test_next_goes_to_a_page_of_this_site(client, make_user):
    make_user(email="next@example.org")
    response = _sign_in(client, "next@example.org", PASSWORD, next="/profile")
    assert response.headers["Location"] == "/profile"


def test_next_never_leaves_the_site(client, make_user):
    make_user(email="next@example.org")
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ):
        client.post("/sign-out", data={"csrf_token": _token(client)})
        response = _sign_in(client, "next@example.org", PASSWORD, next=target)
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def test_sign_in_form_drops_unsafe_next(client):
    html = client.get("/sign-in?next=https://evil.example/").get_data(as_text=True)
    sign_in_form = html.split('action="/sign-in"', 1)[1].split("</form>")[0]
    assert 'name="next"' not in sign_in_form
    safe = client.get("/sign-in?next=/profile").get_data(as_text=True)
    assert 'name="next" value="/profile"' in safe


def test_protected_page_sends_visitor_to_sign_in_and_back(client, make_user):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/profile"
    make_user(email="back@example.org")
    response = _sign_in(client, "back@example.org", PASSWORD, next="/profile")
    assert response.headers["Location"] == "/profile"


def test_signed_in_visitor_skips_the_sign_in_page(client, make_user):
    sign_in_as(client, make_user())
    assert client.get("/sign-in").status_code == 302
    assert client.get("/register").status_code == 302


def test_sign_in_upgrades_an_old_password_hash(client, make_user, app, monkeypatch):
    from argon2 import PasswordHasher

    from portal import db

    user = make_user(email="old@example.org")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    db.session.commit()
    _sign_in(client, "old@example.org", PASSWORD)
    db.session.refresh(user)
    assert "m=1024" in user.password_hash
