"""A new lay partner's journeys through communities, in a real browser, as a person would."""

import pytest

from .pages import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PASSWORD = "a long walk by the river"  # noqa: S105 - a test account


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


def sign_in(page, server, email, password):
    page.goto(server("/sign-in"))
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#maincontent form button[type=submit]")


def register_and_confirm(page, server, email, name):
    page.goto(server("/communities"))
    page.get_by_role("link", name="Create an account").first.click()
    page.fill("#email", email)
    page.fill("#display_name", name)
    page.fill("#password", PASSWORD)
    page.check("#locale")
    page.click("#maincontent form button[type=submit]")
    assert page.locator("h1").inner_text() == "Check your email"
    page.goto(server.outbox_link(email, "verify_email"))
    page.get_by_role("button", name="Confirm my email address").click()
    sign_in(page, server, email, PASSWORD)
    assert name in page.locator("header").inner_text()


def test_join_open_community_with_consent_and_needs_then_leave(context, live_server):
    page = context.new_page()
    register_and_confirm(page, live_server, "journey.open@example.org", "Olwen Open")

    page.goto(live_server("/communities?can_join=y"))
    page.get_by_role("link", name="Children's diabetes clinic").click()
    page.get_by_role("button", name="Join this community").click()
    assert "How quotes may be used" in page.content()
    page.click("#maincontent form button[type=submit]")  # without agreeing
    assert "There is a problem" in page.locator(".nhsuk-error-summary").inner_text()
    page.check("#consent")
    page.click("#maincontent form button[type=submit]")

    assert "Your communication needs" in page.locator("h1").inner_text()
    page.get_by_label("Large print").check()
    page.get_by_label("Phone call").check()
    page.click("#maincontent form button[type=submit]")  # no phone number yet
    assert "Enter a phone number" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_label("Large print").is_checked()  # what was chosen is kept
    page.fill("#phone", "07700 900111")
    page.click("#maincontent form button[type=submit]")
    assert "You are a member of this community" in page.content()

    page.get_by_role("link", name="Leave this community").click()
    page.click("#maincontent form button[type=submit]")
    assert "You have left Children's diabetes clinic." in page.content()
    assert "Left" in page.locator("#maincontent").inner_text()


def test_request_to_join_is_approved_by_the_coordinator(browser, live_server):
    person = browser.new_context()
    coordinator = browser.new_context()
    try:
        page = person.new_page()
        register_and_confirm(page, live_server, "journey.asks@example.org", "Aneurin Asks")
        page.goto(live_server("/communities/mental-health-crisis"))
        page.get_by_role("button", name="Ask to join").click()
        page.check("#consent")
        page.click("#maincontent form button[type=submit]")
        page.goto(live_server("/communities/mental-health-crisis"))
        assert "You have asked to join" in page.content()

        admin_page = coordinator.new_page()
        sign_in(admin_page, live_server, "coordinator@example.org", DEMO_PASSWORD)
        admin_page.goto(live_server("/communities/mental-health-crisis/requests"))
        admin_page.get_by_label("Aneurin Asks").check()
        admin_page.get_by_label("Approve").check()
        admin_page.fill("#message", "Welcome to the group.")
        admin_page.click("#maincontent form button[type=submit]")
        assert "Each person has been told" in admin_page.content()

        page.goto(live_server("/communities/mental-health-crisis"))
        assert "You are a member of this community" in page.content()
        page.goto(live_server("/notifications"))
        assert "Welcome to the group." in page.content()
    finally:
        person.close()
        coordinator.close()


def test_invitation_to_someone_without_an_account(browser, live_server):
    coordinator = browser.new_context()
    newcomer = browser.new_context()
    try:
        page = coordinator.new_page()
        sign_in(page, live_server, "coordinator@example.org", DEMO_PASSWORD)
        page.goto(live_server("/communities/stroke-rehab-home/invitations"))
        page.fill("#emails", "journey.invited@example.org")
        page.fill("#message", "Your experience of rehab at home would help us.")
        page.get_by_role("button", name="Send invitations").click()
        assert "journey.invited@example.org" in page.content()

        guest = newcomer.new_page()
        guest.goto(live_server.outbox_link("journey.invited@example.org", "invitation"))
        assert "Your experience of rehab at home would help us." in guest.content()
        guest.get_by_role("button", name="Create an account and join").click()
        guest.fill("#display_name", "Iolo Invited")
        guest.fill("#password", PASSWORD)
        guest.check("#locale")
        guest.click("#maincontent form button[type=submit]")
        assert "How quotes may be used" in guest.content()
        guest.check("#consent")
        guest.click("#maincontent form button[type=submit]")
        assert "Your communication needs" in guest.locator("h1").inner_text()
        guest.get_by_role("link", name="Skip this for now").click()
        assert "You are a member of this community" in guest.content()

        page.goto(live_server("/communities/stroke-rehab-home/members"))
        assert "Iolo Invited" in page.content()
    finally:
        coordinator.close()
        newcomer.close()
