"""Security on every response: headers, CSRF, rate limits and error pages."""

import pytest

from tests.conftest import post_form, sign_in_as
from tests.factories import PASSWORD


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", ["/", "/sign-in", "/no-such-page", "/verify-email/broken"])
def test_every_response_has_security_headers(client, path):
    _assert_security_headers(client.get(path))


def test_error_pages_have_headers_and_are_in_the_design_system(client, app):
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404
    _assert_security_headers(not_found)
    html = not_found.get_data(as_text=True)
    assert "<title>Page not found – Chorus</title>" in html
    assert "nhsuk-header" in html

    bad = client.post("/sign-out")
    assert bad.status_code == 400
    _assert_security_headers(bad)
    assert "The form you sent had expired" in bad.get_data(as_text=True)

    wrong_method = client.get("/sign-out")
    assert wrong_method.status_code == 405
    _assert_security_headers(wrong_method)


def test_server_error_page_is_generic_and_secure(client, app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def database_down(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("database went away"))

    monkeypatch.setattr("portal.accounts.services.authenticate", database_down)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = post_form(client, "/sign-in", {"email": "a@example.org", "password": "secret!"})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "What you just sent was not saved." in html
    assert "database went away" not in html
    _assert_security_headers(response)


def test_csp_nonce_covers_the_one_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    html = response.get_data(as_text=True)
    assert html.count("<script") == 2  # the design system's inline line and our module
    assert f'<script nonce="{nonce}">' in html
    assert client.get("/").headers["Content-Security-Policy"] != csp


def test_signed_in_pages_are_not_cached(client, make_user):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    sign_in_as(client, make_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/profile").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, make_user, app, monkeypatch):
    make_user(email="flags@example.org")
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = post_form(client, "/sign-in", {"email": "flags@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


def test_forms_without_csrf_token_are_refused(client, make_user):
    make_user(email="csrf@example.org")
    response = client.post("/sign-in", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/profile").status_code == 302
    forged = client.post(
        "/register",
        data={"csrf_token": "forged", "email": "x@example.org", "display_name": "X"},
    )
    assert forged.status_code == 400


def test_sign_in_is_rate_limited_with_a_clear_page(client, app):
    limit = int(app.config["SIGN_IN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit):
        response = post_form(client, "/sign-in", {"email": "a@example.org", "password": "x"})
        assert response.status_code == 200
    blocked = post_form(client, "/sign-in", {"email": "a@example.org", "password": "x"})
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many attempts" in html
    assert "Wait a few minutes, then try again." in html
    _assert_security_headers(blocked)
    assert client.get("/sign-in").status_code == 200  # reading the page is not limited


def test_sign_in_limit_also_applies_per_account(app):
    limit = int(app.config["SIGN_IN_LIMIT_PER_ACCOUNT"].split()[0])
    for number in range(limit + 1):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number + 1}"
        response = post_form(client, "/sign-in", {"email": "victim@example.org", "password": "x"})
    assert response.status_code == 429


def test_password_reset_is_rate_limited(client, app):
    limit = int(app.config["RESET_LIMIT"].split()[0])
    for _ in range(limit):
        assert post_form(client, "/forgot-password", {"email": "a@example.org"}).status_code == 200
    assert post_form(client, "/forgot-password", {"email": "a@example.org"}).status_code == 429
