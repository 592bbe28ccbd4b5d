"""Every page of Chorus, who may see it, and how a browser reaches it.

The accessibility, keyboard and reflow tests walk this registry. A test fails
when a GET route of the app has no entry here, so each new feature must add
its pages (and, for forms, its error state) to `PAGES`.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from werkzeug.exceptions import NotFound

from portal import db
from portal.accounts import services as accounts
from portal.tokens import make_token
from tests import factories

ANONYMOUS = "anonymous"
SIGNED_IN = ("lay", "professional", "coordinator", "admin")
EVERYONE = (ANONYMOUS, *SIGNED_IN)
LOCALES = ("en", "cy", "ar")
RTL_LOCALES = ("ar",)

DEMO_PASSWORD = "chorus-demo-password"
# Each signed-in role is played by one demo account (see portal/demo.py).
ROLE_EMAILS = {
    "lay": "lay@example.org",
    "professional": "professional@example.org",
    "coordinator": "coordinator@example.org",
    "admin": "admin@example.org",
}
SUBMIT = "#maincontent form button[type=submit]"


@dataclass(frozen=True)
class Page:
    """One page state to check.

    `path` is where the browser starts: a string, or a function of the live
    server (for links that carry a token). `then`, if given, takes the
    browser from there to the page under test (for example by submitting a
    form) and returns the response of that last navigation. `endpoint` is
    the route the page under test belongs to (None for "no such page").
    """

    name: str
    endpoint: str | None
    path: str | Callable[..., str]
    roles: tuple[str, ...]
    status: int = 200
    then: Callable[..., object] | None = None

    def __str__(self):
        return self.name


def open_page(page, server, entry):
    """Bring the browser to the page under test; return the HTTP response that showed it."""
    path = entry.path(server) if callable(entry.path) else entry.path
    response = page.goto(server(path))
    if entry.then is not None:
        response = entry.then(page, server)
    return response


def endpoint_of(server, url):
    """The app's endpoint for a URL the browser shows, or None if no route matches."""
    adapter = server.app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(url).path, method="GET")
    except NotFound:
        return None
    return endpoint


def pages_for(role):
    return [entry for entry in PAGES if role in entry.roles]


# Browser steps -------------------------------------------------------------


def sign_in(page, server, role):
    """Sign in through the real sign-in form as the demo account playing `role`."""
    page.goto(server("/sign-in"))
    page.locator("#email").fill(ROLE_EMAILS[role])
    page.locator("#password").fill(DEMO_PASSWORD)
    submit(page)
    assert page.locator("form[action='/sign-out'] button").count() == 1, (
        f"signing in as {role} did not work: still on {page.url}"
    )


def choose_language(page, locale):
    """Pick a language with the switcher on the page (nothing to do if it is already current)."""
    if page.locator("html").get_attribute("lang") == locale:
        return
    with page.expect_navigation():
        page.locator(f"button[name=locale][value={locale}]").click()


def submit(page):
    """Press the form's main button and wait for the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(SUBMIT).click()
    return navigation.value


def _submit_empty(page, _server):
    return submit(page)


def _clear_display_name(page, _server):
    page.locator("#display_name").fill("")
    return submit(page)


def _register(page, _server):
    page.locator("#email").fill(_unique_email("registered"))
    page.locator("#display_name").fill("Sam Registered")
    page.locator("#password").fill(factories.PASSWORD)
    return submit(page)


def _ask_for_reset(page, _server):
    page.locator("#email").fill("someone@example.org")
    return submit(page)


def _sign_in_unverified(page, server):
    _user_id, email = _new_user(server, verified=False)
    page.locator("#email").fill(email)
    page.locator("#password").fill(factories.PASSWORD)
    return submit(page)


# Links that carry a token --------------------------------------------------


def _unique_email(label):
    return f"{label}.{uuid.uuid4().hex[:12]}@example.org"


def _new_user(server, *, verified):
    """A stored account of its own, so that using its links changes no one else's."""
    with server.app.app_context():
        user = factories.make_user(email=_unique_email("browser"), verified=verified)
        db.session.commit()
        return user.id, user.email


def _verify_link(server):
    user_id, _email = _new_user(server, verified=False)
    with server.app.app_context():
        return "/verify-email/" + accounts.verification_token(accounts.get_user(user_id))


def _reset_link(server):
    user_id, _email = _new_user(server, verified=True)
    with server.app.app_context():
        user = accounts.get_user(user_id)
        # The same token request_password_reset puts in its email.
        payload = {"u": user.id, "p": accounts._password_fingerprint(user)}
        return "/reset-password/" + make_token(accounts.RESET, payload)


PAGES = [
    Page("home", "main.index", "/", EVERYONE),
    Page("accessibility statement", "main.accessibility", "/accessibility", EVERYONE),
    Page("privacy notice", "main.privacy", "/privacy", EVERYONE),
    Page("page not found", None, "/no-such-page", EVERYONE, status=404),
    Page("register", "accounts.register", "/register", (ANONYMOUS,)),
    Page(
        "register with errors", "accounts.register", "/register", (ANONYMOUS,), then=_submit_empty
    ),
    Page(
        "register: check your email",
        "accounts.check_email",
        "/register",
        (ANONYMOUS,),
        then=_register,
    ),
    Page("verify email", "accounts.verify_email", _verify_link, (ANONYMOUS,)),
    Page(
        "verify email: invalid link",
        "accounts.verify_email",
        "/verify-email/bad",
        (ANONYMOUS,),
        status=400,
    ),
    Page("sign in", "accounts.sign_in", "/sign-in", (ANONYMOUS,)),
    Page("sign in with errors", "accounts.sign_in", "/sign-in", (ANONYMOUS,), then=_submit_empty),
    Page(
        "sign in: confirm your email first",
        "accounts.unverified",
        "/sign-in",
        (ANONYMOUS,),
        then=_sign_in_unverified,
    ),
    Page("forgot password", "accounts.forgot_password", "/forgot-password", (ANONYMOUS,)),
    Page(
        "forgot password with errors",
        "accounts.forgot_password",
        "/forgot-password",
        (ANONYMOUS,),
        then=_submit_empty,
    ),
    Page(
        "forgot password: check your email",
        "accounts.forgot_password",
        "/forgot-password",
        (ANONYMOUS,),
        then=_ask_for_reset,
    ),
    Page("reset password", "accounts.reset_password", _reset_link, (ANONYMOUS,)),
    Page(
        "reset password with errors",
        "accounts.reset_password",
        _reset_link,
        (ANONYMOUS,),
        then=_submit_empty,
    ),
    Page("profile", "accounts.profile", "/profile", SIGNED_IN),
    Page("edit profile", "accounts.edit_profile", "/profile/edit", SIGNED_IN),
    Page(
        "edit profile with errors",
        "accounts.edit_profile",
        "/profile/edit",
        SIGNED_IN,
        then=_clear_display_name,
    ),
    Page("change password", "accounts.change_password", "/profile/password", SIGNED_IN),
    Page(
        "change password with errors",
        "accounts.change_password",
        "/profile/password",
        SIGNED_IN,
        then=_submit_empty,
    ),
    Page("notifications", "notifications.index", "/notifications", SIGNED_IN),
]
