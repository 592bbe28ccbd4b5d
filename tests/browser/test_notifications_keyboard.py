"""Reading notifications and following a proposal with the keyboard alone."""

import uuid

import pytest
import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.outbox import queue

from .pages import DEMO_PASSWORD, ROLE_EMAILS, new_open_proposal
from .test_keyboard import keyboard_page, tab_to  # noqa: F401 - the fixture is used below


def _sign_in_in_english(page, live_server, role):
    page.goto(live_server("/sign-in"))
    tab_to(page, page.locator("#email"))
    page.keyboard.type(ROLE_EMAILS[role])
    tab_to(page, page.locator("#password"))
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.locator("html").get_attribute("lang") != "en":
        tab_to(page, page.locator("button[name=locale][value=en]"))
        with page.expect_navigation():
            page.keyboard.press("Enter")


@pytest.mark.browser
def test_open_a_notification_and_follow_a_proposal_with_the_keyboard(keyboard_page, live_server):  # noqa: F811
    page = keyboard_page
    title = f"Keyboard news {uuid.uuid4().hex[:8]}"
    with live_server.app.test_request_context(base_url=live_server("/")):
        lay = db.session.scalar(sa.select(User).where(User.email == ROLE_EMAILS["lay"]))
        queue(
            lay,
            "contribution_hidden",
            proposal={"title": title},
            reason="It names a nurse.",
            link=live_server("/communities"),
        )
        proposal = new_open_proposal("Followed with the keyboard")
        db.session.commit()
        proposal_id = proposal.id

    _sign_in_in_english(page, live_server, "lay")
    page.goto(live_server("/notifications"))
    item = page.locator("li.chorus-notification", has_text=title)
    assert item.locator(".nhsuk-tag", has_text="Unread").count() == 1
    tab_to(page, item.locator("button.chorus-link-button"), limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server("/communities")
    page.goto(live_server("/notifications"))
    item = page.locator("li.chorus-notification", has_text=title)
    assert item.locator(".nhsuk-tag", has_text="Unread").count() == 0

    page.goto(live_server(f"/proposals/{proposal_id}"))
    tab_to(page, page.get_by_role("button", name="Follow"), limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Stop following").count() == 1
    assert page.console_errors == []
