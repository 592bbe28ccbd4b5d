"""Journeys done with the keyboard alone, under the real Content-Security-Policy."""

import uuid

import pytest
from flask_babel import force_locale, gettext

from portal import db
from portal.accounts import services as accounts
from portal.consultations import contributions, services

from .pages import DEMO_PASSWORD, ROLE_EMAILS, SUBMIT, new_open_proposal

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


def press_until_checked(page, key, locator, limit=6):
    """Press an arrow key in a radio group until `locator` is the chosen radio."""
    for _ in range(limit):
        if locator.is_checked():
            return
        page.keyboard.press(key)
    assert locator.is_checked(), f"{key} never chose {locator}"


@pytest.mark.browser
def test_lay_partner_gives_views_on_a_proposal_with_the_keyboard_alone(keyboard_page, live_server):
    page = keyboard_page
    with live_server.app.test_request_context():
        proposal = new_open_proposal("Evening visits, answered with the keyboard")
        db.session.commit()
        proposal_id = proposal.id
        text, scale, one, many = (f"q{q.id}" for q in services.questions(proposal))
    answer = f"Evenings would help: I work days. ({uuid.uuid4().hex[:8]})"

    # Sign in with the keyboard, and show the pages in English (the lay partner's account
    # may keep the language an earlier test chose).
    page.goto(live_server("/sign-in"))
    tab_to(page, page.locator("#email"))
    page.keyboard.type(ROLE_EMAILS["lay"])
    tab_to(page, page.locator("#password"))
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.locator("html").get_attribute("lang") != "en":
        tab_to(page, page.locator("button[name=locale][value=en]"))
        with page.expect_navigation():
            page.keyboard.press("Enter")

    page.goto(live_server(f"/proposals/{proposal_id}"))
    tab_to(page, page.get_by_role("button", name="Give your views"), limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server(f"/proposals/{proposal_id}/contribute")

    tab_to(page, page.locator(f"#{text}"))
    page.keyboard.type(answer)
    # A scale: Tab reaches the group (nothing chosen yet), Space chooses 1, arrows move on.
    tab_to(page, page.locator(f"input[name={scale}]"))
    page.keyboard.press("Space")
    press_until_checked(page, "ArrowDown", page.locator(f"input[name={scale}][value='4']"))
    tab_to(page, page.locator(f"#{scale}_comment"))
    page.keyboard.type("It would save me a day off.")
    tab_to(page, page.locator(f"input[name={one}]"))
    page.keyboard.press("Space")
    press_until_checked(page, "ArrowDown", page.locator(f"input[name={one}][value='1']"))
    # Checkboxes: each is a Tab stop of its own, ticked with Space.
    tab_to(page, page.locator(f"input[name={many}][value='0']"))
    page.keyboard.press("Space")
    tab_to(page, page.locator(f"input[name={many}][value='2']"))
    page.keyboard.press("Space")
    # Who can see the views: the group starts on "named"; arrows move to anonymous.
    tab_to(page, page.locator("input[name=identity]"))
    press_until_checked(page, "ArrowDown", page.locator("input[name=identity][value=anonymous]"))
    tab_to(page, page.locator("#quote_consent"))
    page.keyboard.press("Space")

    tab_to(page, page.locator("#maincontent form button[value=send]"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("?sent=1")
    assert (
        page.locator("#maincontent").get_by_role("heading", name="We have your views").is_visible()
    )
    with live_server.app.test_request_context():
        lay = accounts.find_by_email(ROLE_EMAILS["lay"])
        proposal = services.get(proposal_id)
        sent = contributions.own(lay, proposal)
        assert sent is not None
        assert page.url == live_server(f"/contributions/{sent.id}?sent=1")
        assert (sent.identity, sent.quote_consent) == ("anonymous", True)
        given = {
            f"q{question_id}": (a.text, a.scale, a.choices)
            for question_id, a in contributions.answers_of(sent).items()
        }
    assert given == {
        text: (answer, None, []),
        scale: ("It would save me a day off.", 4, []),
        one: ("", None, ["Tuesday"]),
        many: ("", None, ["Free parking", "Food and drinks"]),
    }
    assert page.console_errors == []
