"""Several devices and text that survives, in a real browser: a professional signed in on a
laptop and a phone, whose laptop session is ended while they write a reply."""

import pytest
from playwright.sync_api import expect

from .pages import DEMO_PASSWORD, _contribution_id, choose_language, submit

pytestmark = pytest.mark.browser

EMAIL = "professional@example.org"


def _device(browser, server, user_agent):
    context = browser.new_context(locale="en-GB", user_agent=user_agent)
    page = context.new_page()
    _sign_in(page, server)
    choose_language(page, "en")
    return context, page


def _sign_in(page, server):
    page.goto(server("/sign-in"))
    page.fill("#email", EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    submit(page)
    page.wait_for_selector("form[action='/sign-out'] button")


def _signed_in(page, server):
    page.goto(server("/profile"))
    return page.locator("h1").inner_text() != "Sign in"


def test_two_devices_and_a_reply_kept_after_the_session_ended(browser, live_server):
    laptop_agent = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
    )
    phone_agent = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15"
        " (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
    )
    reply = "Thank you: we will ask the car park team about evenings and write back."
    review = f"/review/contributions/{_contribution_id(live_server, 'anonymous')}"
    contexts = []
    try:
        laptop_context, laptop = _device(browser, live_server, laptop_agent)
        contexts.append(laptop_context)
        phone_context, phone = _device(browser, live_server, phone_agent)
        contexts.append(phone_context)

        # Signing in on the phone left the laptop signed in.
        assert _signed_in(laptop, live_server)
        devices = laptop.locator("#devices + p + dl")
        expect(devices).to_contain_text("Firefox on Windows")
        expect(devices).to_contain_text("Safari on iPhone")

        # The laptop's session ends (from the phone: sign out everywhere) while a reply is typed.
        laptop.goto(live_server(review))
        laptop.fill("#reply", reply)
        phone.goto(live_server("/profile"))
        phone.get_by_role("button", name="Sign out everywhere").click()
        laptop.locator("form:has(#reply) button[type=submit]").click()
        expect(laptop.locator("h1")).to_have_text("Sign in")
        expect(laptop.locator(".nhsuk-notification-banner")).to_contain_text(
            "what you typed will be waiting"
        )

        # Signed in again: the review page (never a 405), the reply back, and a notice.
        laptop.fill("#email", EMAIL)
        laptop.fill("#password", DEMO_PASSWORD)
        submit(laptop)
        assert laptop.url == live_server(review)
        expect(laptop.locator("#reply")).to_have_value(reply)
        expect(laptop.locator(".nhsuk-notification-banner")).to_contain_text(
            "We kept what you typed. Check it and send it again."
        )

        # The phone signs in again; the laptop signs it out from its list of devices.
        _sign_in(phone, live_server)
        laptop.goto(live_server("/profile"))
        row = laptop.locator(".nhsuk-summary-list__row", has_text="Safari on iPhone").last
        row.get_by_role("button", name="Sign out this device").click()
        expect(laptop.locator(".nhsuk-notification-banner")).to_contain_text(
            "That device is signed out."
        )
        assert not _signed_in(phone, live_server)
        assert _signed_in(laptop, live_server)
    finally:
        for context in contexts:
            context.close()
