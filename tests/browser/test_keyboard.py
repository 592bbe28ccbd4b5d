"""Journeys done with the keyboard alone, under the real Content-Security-Policy."""

import uuid

import pytest
from flask_babel import force_locale, gettext

from .pages import SUBMIT

# Report what the browser refuses under our Content-Security-Policy, however it shows it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""


def tab_to(page, locator, limit=40):
    """Press Tab until one of the elements `locator` matches has focus."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate_all("(elements) => elements.includes(document.activeElement)"):
            return
        visited.append(page.evaluate(_DESCRIBE_FOCUS))
    raise AssertionError(f"Tab never reached {locator} on {page.url}; it visited {visited}")


_DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${el.textContent.trim()}"`;
}"""


def focused_id(page):
    return page.evaluate("document.activeElement.id")


@pytest.fixture
def keyboard_page(browser):
    """A page with the site's real CSP, whose console errors and CSP violations are kept."""
    context = browser.new_context(locale="en-GB")
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and page.console_errors.append(f"{page.url}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(f"{page.url}: {error}"))
    yield page
    context.close()


@pytest.mark.browser
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(keyboard_page, live_server):
    page = keyboard_page
    page.goto(live_server("/"))

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#maincontent"
    page.keyboard.press("Enter")

    assert focused_id(page) == "maincontent"
    assert page.console_errors == []


@pytest.mark.browser
def test_register_confirm_and_sign_in_with_the_keyboard_alone(keyboard_page, live_server):
    page = keyboard_page
    email = f"keyboard.{uuid.uuid4().hex[:12]}@example.org"
    name = "Kim Keyboard"
    password = "a keyboard journey through chorus"

    page.goto(live_server("/"))
    tab_to(page, page.get_by_role("link", name="Create an account"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server("/register")

    tab_to(page, page.locator("#email"))
    page.keyboard.type(email)
    tab_to(page, page.locator("#display_name"))
    page.keyboard.type(name)
    tab_to(page, page.locator("#password"))
    page.keyboard.type(password)
    tab_to(page, page.locator("input[name=locale]"))  # lands on the chosen language, English
    page.keyboard.press("ArrowDown")
    assert page.locator("input[name=locale][value=cy]").is_checked()
    tab_to(page, page.locator(SUBMIT))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server("/register/check-your-email")

    page.goto(live_server.outbox_link(email, "verify_email"))
    tab_to(page, page.locator(SUBMIT))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server("/sign-in")

    tab_to(page, page.locator("#email"))
    page.keyboard.type(email)
    tab_to(page, page.locator("#password"))
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Signed in, the pages follow the language chosen when registering: Welsh.
    assert page.locator("html").get_attribute("lang") == "cy"
    header = page.locator("header.nhsuk-header")
    assert header.get_by_role("link", name=name).is_visible()
    with live_server.app.test_request_context(), force_locale("cy"):
        sign_out = gettext("Sign out")
    assert header.get_by_role("button", name=sign_out).is_visible()
    assert page.console_errors == []
