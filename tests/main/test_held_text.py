"""Held text: a long form sent after the session ended, or with an expired CSRF token,
comes back on its page after signing in, once, and only to the person who typed it."""

import html

import pytest
import sqlalchemy as sa

from portal import db
from portal.accounts.models import UserSession
from portal.consultations.services import questions
from portal.db import utcnow
from portal.held import SESSION_KEY, HeldText
from tests import factories
from tests.conftest import csrf_token, post_form, sign_in_as
from tests.factories import PASSWORD

NOTICE = "We kept what you typed. Check it and send it again."
TEXT = "Thank you — we read every word & we will come back to you by Friday."


def _reply(w):
    cid = w["contribution"].id
    page = f"/review/contributions/{cid}"
    return "professional", f"{page}/reply", page, "reply"


def _decision(w):
    factories.close(w["proposals"]["open"])
    return "professional", *[f"/proposals/{w['proposals']['open'].id}/decision"] * 2, "summary"


def _new_change(w):
    return "professional", *["/communities/alpha/changes/new"] * 2, "description"


def _edit_change(w):
    change = factories.make_change(w["a"], w["people"]["professional"])
    return "professional", *[f"/changes/{change.id}/edit"] * 2, "description"


def _evaluation(w):
    change = factories.make_change(w["a"], w["people"]["professional"])
    return "professional", *[f"/changes/{change.id}/evaluation"] * 2, "measured"


def _edit_views(w):
    field = f"q{questions(w['proposals']['open'])[0].id}"
    return "lay", *[f"/contributions/{w['contribution'].id}/edit"] * 2, field


def _new_briefing(w):
    return "professional", *["/communities/alpha/briefings/new"] * 2, "body"


def _edit_briefing(w):
    return "professional", *[f"/briefings/{w['briefings']['draft'].id}/edit"] * 2, "body"


def _new_proposal(w):
    return "professional", *["/communities/alpha/proposals/new"] * 2, "problem"


def _edit_proposal(w):
    return "professional", *[f"/proposals/{w['proposals']['draft'].id}/edit"] * 2, "problem"


FORMS = {
    "reply to a view": _reply,
    "decision": _decision,
    "new service change": _new_change,
    "service change": _edit_change,
    "evaluation of a change": _evaluation,
    "change to one's views": _edit_views,
    "new briefing": _new_briefing,
    "briefing": _edit_briefing,
    "new proposal": _new_proposal,
    "proposal": _edit_proposal,
}


def _signed_in(app, user):
    client = app.test_client()
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _end_sessions_of(user):
    db.session.execute(
        sa.update(UserSession).where(UserSession.user_id == user.id).values(ended_at=utcnow())
    )


def _typed_back(page_html, text=TEXT):
    return html.escape(text, quote=False) in page_html or html.escape(text) in page_html


@pytest.mark.parametrize("form", sorted(FORMS))
def test_text_sent_after_the_session_ended_comes_back_after_signing_in(app, world, form):
    role, post_path, page, field = FORMS[form](world)
    person = world["people"][role]
    client = _signed_in(app, person)
    token = csrf_token(client, page)
    _end_sessions_of(person)  # signed out on another device, say

    sent = client.post(post_path, data={"csrf_token": token, field: TEXT})
    assert sent.status_code == 302
    assert sent.headers["Location"].startswith("/sign-in")
    assert "what you typed will be waiting" in client.get(sent.headers["Location"]).get_data(
        as_text=True
    )

    back = post_form(client, "/sign-in", {"email": person.email, "password": PASSWORD})
    assert back.headers["Location"] == page  # the form's page, never a POST-only URL
    shown = client.get(page)
    assert shown.status_code == 200
    body = shown.get_data(as_text=True)
    assert NOTICE in body
    assert _typed_back(body)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_text_sent_with_an_expired_csrf_token_comes_back_on_its_page(app, world, form):
    role, post_path, page, field = FORMS[form](world)
    client = sign_in_as(app.test_client(), world["people"][role])

    sent = client.post(post_path, data={"csrf_token": "expired", field: TEXT})
    assert sent.status_code == 302
    assert sent.headers["Location"] == page
    body = client.get(page).get_data(as_text=True)
    assert NOTICE in body
    assert _typed_back(body)
    assert "expired" not in str(db.session.scalars(sa.select(HeldText.data)).all())


def test_held_text_is_given_back_once(app, world):
    _role, post_path, page, _field = _reply(world)
    client = sign_in_as(app.test_client(), world["people"]["professional"])
    client.post(post_path, data={"csrf_token": "expired", "reply": TEXT})
    assert _typed_back(client.get(page).get_data(as_text=True))
    again = client.get(page).get_data(as_text=True)
    assert not _typed_back(again)
    assert NOTICE not in again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldText)) == 0


def test_a_form_sent_from_a_browser_with_no_session_goes_to_whoever_signs_in_there(app, world):
    _role, post_path, page, _field = _reply(world)
    browser = app.test_client()  # the session cookie has gone: no CSRF token, nobody known
    sent = browser.post(post_path, data={"csrf_token": "gone", "reply": TEXT})
    assert sent.headers["Location"].startswith("/sign-in")
    professional = world["people"]["professional"]
    back = post_form(browser, "/sign-in", {"email": professional.email, "password": PASSWORD})
    assert back.headers["Location"] == page
    assert _typed_back(browser.get(page).get_data(as_text=True))


def test_held_text_is_not_given_to_someone_else_signing_in_on_that_browser(app, world):
    _role, post_path, page, _field = _reply(world)
    professional = world["people"]["professional"]
    colleague = world["people"]["coordinator"]
    client = _signed_in(app, professional)
    token = csrf_token(client, page)
    _end_sessions_of(professional)
    client.post(post_path, data={"csrf_token": token, "reply": TEXT})

    back = post_form(client, "/sign-in", {"email": colleague.email, "password": PASSWORD})
    assert back.status_code == 302
    body = client.get(page).get_data(as_text=True)
    assert not _typed_back(body)
    assert NOTICE not in body


def test_a_held_token_is_no_use_to_another_account(app, world):
    _role, post_path, page, _field = _reply(world)
    owner = sign_in_as(app.test_client(), world["people"]["professional"])
    owner.post(post_path, data={"csrf_token": "expired", "reply": TEXT})
    with owner.session_transaction() as flask_session:
        token = flask_session[SESSION_KEY]

    other = sign_in_as(app.test_client(), world["people"]["coordinator"])
    with other.session_transaction() as flask_session:
        flask_session[SESSION_KEY] = token
    assert not _typed_back(other.get(page).get_data(as_text=True))
    assert _typed_back(owner.get(page).get_data(as_text=True))  # still the owner's


def test_held_text_expires_after_a_day(app, world):
    from datetime import timedelta

    _role, post_path, page, _field = _reply(world)
    client = sign_in_as(app.test_client(), world["people"]["professional"])
    client.post(post_path, data={"csrf_token": "expired", "reply": TEXT})
    db.session.execute(sa.update(HeldText).values(created_at=utcnow() - timedelta(days=2)))
    assert not _typed_back(client.get(page).get_data(as_text=True))


def test_other_forms_sent_after_the_session_ended_return_to_their_page(app, world):
    """A short form (acknowledging a view) is not held, but after signing in the person
    lands on the page they were on, not on its POST-only URL."""
    professional = world["people"]["professional"]
    cid = world["contribution"].id
    page = f"/review/contributions/{cid}"
    client = _signed_in(app, professional)
    token = csrf_token(client, page)
    _end_sessions_of(professional)
    sent = client.post(
        f"/review/contributions/{cid}/acknowledge",
        data={"csrf_token": token},
        headers={"Referer": f"http://localhost{page}"},
    )
    back = post_form(
        client, sent.headers["Location"], {"email": professional.email, "password": PASSWORD}
    )
    assert back.headers["Location"] == page


def test_forms_that_hold_no_text_still_refuse_an_expired_token(app, world):
    client = sign_in_as(app.test_client(), world["people"]["lay"])
    response = client.post("/profile/edit", data={"csrf_token": "expired", "display_name": "X"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldText)) == 0


def test_forms_held_without_a_session_are_limited_per_address(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "HELD_TEXT_LIMIT", "2 per minute")
    _role, post_path, _page, _field = _reply(world)
    for _ in range(2):
        sent = app.test_client().post(post_path, data={"csrf_token": "gone", "reply": TEXT})
        assert sent.headers["Location"].startswith("/sign-in")
    over = app.test_client().post(post_path, data={"csrf_token": "gone", "reply": TEXT})
    assert over.status_code == 400  # the usual "form expired" page; nothing more is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldText)) == 2


def test_a_form_another_site_sends_is_not_held(app, world):
    _role, post_path, page, _field = _reply(world)
    client = sign_in_as(app.test_client(), world["people"]["professional"])
    forged = client.post(
        post_path,
        data={"csrf_token": "none", "reply": "Planted by another site."},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldText)) == 0
    assert "Planted" not in client.get(page).get_data(as_text=True)

    cookieless = app.test_client().post(
        post_path, data={"reply": "Planted."}, headers={"Origin": "null"}
    )
    assert cookieless.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldText)) == 0


def test_a_form_sent_from_this_site_is_held(app, world):
    _role, post_path, page, _field = _reply(world)
    client = sign_in_as(app.test_client(), world["people"]["professional"])
    sent = client.post(
        post_path,
        data={"csrf_token": "expired", "reply": TEXT},
        headers={"Origin": "http://localhost"},
    )
    assert sent.headers["Location"] == page
    assert _typed_back(client.get(page).get_data(as_text=True))
