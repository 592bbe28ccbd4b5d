"""Language: the user's setting, then the switcher's cookie, then the browser."""

import re

from portal import db
from tests.conftest import post_form, sign_in_as


def _html_tag(response):
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def test_browser_language_is_used_for_visitors(client):
    tag = _html_tag(client.get("/", headers={"Accept-Language": "cy,en;q=0.5"}))
    assert 'lang="cy"' in tag and 'dir="ltr"' in tag
    tag = _html_tag(client.get("/", headers={"Accept-Language": "ar"}))
    assert 'lang="ar"' in tag and 'dir="rtl"' in tag
    assert 'lang="en"' in _html_tag(client.get("/", headers={"Accept-Language": "fr"}))


def test_switcher_remembers_the_choice_in_a_cookie(client):
    response = post_form(client, "/language", {"locale": "ar", "next": "/privacy"})
    assert response.headers["Location"] == "/privacy"
    assert "chorus_locale=ar" in response.headers["Set-Cookie"]
    page = client.get("/privacy", headers={"Accept-Language": "cy"})
    assert 'lang="ar"' in _html_tag(page)
    assert "Privacy notice" not in page.get_data(as_text=True)


def test_switcher_ignores_unknown_languages_and_offsite_next(client):
    response = post_form(client, "/language", {"locale": "xx", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert "chorus_locale" not in response.headers.get("Set-Cookie", "")


def test_users_setting_wins_and_the_switcher_updates_it(client, make_user):
    user = make_user(locale="cy")
    sign_in_as(client, user)
    client.set_cookie("chorus_locale", "ar")
    assert 'lang="cy"' in _html_tag(client.get("/", headers={"Accept-Language": "en"}))
    post_form(client, "/language", {"locale": "en", "next": "/profile"})
    db.session.refresh(user)
    assert user.locale == "en"
    assert 'lang="en"' in _html_tag(client.get("/profile"))


def test_every_page_offers_every_language(client):
    for path in ("/", "/sign-in", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert 'value="cy" lang="cy"' in html
        assert 'value="ar" lang="ar"' in html
