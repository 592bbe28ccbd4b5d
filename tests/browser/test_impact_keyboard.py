"""Linking lay input to what it changed, with the keyboard alone, under the real CSP."""

import uuid

import pytest
import sqlalchemy as sa

from portal import db
from portal.accounts import services as accounts
from portal.consultations import review
from portal.consultations.models import Contribution, Proposal
from portal.impact.models import ADOPTED, AWAITING, SHAPED, Influence, ServiceChange

from .pages import DECIDED_PROPOSAL, DEMO_PASSWORD, ROLE_EMAILS, SUBMIT

# The fixture of the keyboard tests: a page under the real CSP that keeps console errors.
from .test_keyboard import keyboard_page as keyboard_page
from .test_keyboard import press_until_checked, tab_to

TARGET = "A phone call from a nurse the week before your first treatment"


def sign_in_with_the_keyboard(page, server, role):
    """Sign in as the demo account playing `role`, and show the pages in English (the account
    may keep the language an earlier test chose)."""
    page.goto(server("/sign-in"))
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


def _theme_waiting_for_an_outcome(server):
    """A new theme of the decided demo proposal, holding the views on it that no link reaches.

    Returns the proposal's id, the theme's id and the ids of its contributions.
    """
    with server.app.test_request_context():
        proposal = db.session.scalar(sa.select(Proposal).where(Proposal.title == DECIDED_PROPOSAL))
        waiting = db.session.scalars(
            sa.select(Contribution).where(
                Contribution.proposal_id == proposal.id,
                Contribution.outcome == AWAITING,
                Contribution.withdrawn_at.is_(None),
            )
        ).all()
        assert waiting, f"every view on {DECIDED_PROPOSAL!r} already has an outcome"
        theme = review.theme_named(proposal, f"Letters that come too late ({uuid.uuid4().hex[:8]})")
        review.add_theme(accounts.find_by_email(ROLE_EMAILS["professional"]), waiting, theme)
        db.session.commit()
        return proposal.id, theme.id, [contribution.id for contribution in waiting]


@pytest.mark.browser
def test_professional_links_a_theme_to_a_service_change_with_the_keyboard_alone(
    keyboard_page, live_server
):
    page = keyboard_page
    proposal_id, theme_id, waiting = _theme_waiting_for_an_outcome(live_server)
    with live_server.app.app_context():
        change_id = db.session.scalar(
            sa.select(ServiceChange.id).where(ServiceChange.title == TARGET)
        )
    rationale = (
        "You asked to hear from us sooner. A nurse now phones you the week before."
        f" ({uuid.uuid4().hex[:8]})"
    )

    sign_in_with_the_keyboard(page, live_server, "professional")
    page.goto(live_server(f"/proposals/{proposal_id}/influence?theme={theme_id}"))

    # The target starts on the proposal's decision; typing the start of an option chooses it.
    tab_to(page, page.locator("#target"), limit=60)
    page.keyboard.type(f"Service change: {TARGET[:20]}")
    assert page.locator("#target").input_value() == f"change:{change_id}"
    # No effect is chosen yet: Tab reaches the group, Space chooses the first, arrows move on.
    tab_to(page, page.locator("input[name=effect]"))
    page.keyboard.press("Space")
    press_until_checked(page, "ArrowDown", page.locator(f"input[name=effect][value={ADOPTED}]"))
    tab_to(page, page.locator("#rationale"))
    page.keyboard.type(rationale)
    tab_to(page, page.locator(SUBMIT))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == live_server(f"/proposals/{proposal_id}/themes")
    banner = page.locator(".nhsuk-notification-banner--success")
    assert banner.get_by_text(
        f"Linked. Contributions that now have an outcome: {len(waiting)}."
    ).is_visible()
    with live_server.app.app_context():
        links = db.session.execute(
            sa.select(Influence.change_id, Influence.effect, Influence.rationale).where(
                Influence.theme_id == theme_id, Influence.removed_at.is_(None)
            )
        ).all()
        outcomes = db.session.scalars(
            sa.select(Contribution.outcome).where(Contribution.id.in_(waiting))
        ).all()
    assert links == [(change_id, ADOPTED, rationale)]
    assert outcomes == [SHAPED] * len(waiting)
    assert page.console_errors == []
    _leave_the_demo_as_it_was(live_server, theme_id, waiting)


def _leave_the_demo_as_it_was(server, theme_id, waiting):
    """The views wait for an outcome again, so later pages see the demo unchanged."""
    from portal.consultations.models import ContributionTheme, Theme
    from portal.impact import influence

    with server.app.test_request_context():
        db.session.execute(sa.delete(Influence).where(Influence.theme_id == theme_id))
        db.session.execute(
            sa.delete(ContributionTheme).where(ContributionTheme.theme_id == theme_id)
        )
        db.session.execute(sa.delete(Theme).where(Theme.id == theme_id))
        influence.refresh(waiting)
        db.session.commit()
