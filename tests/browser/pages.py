"""Every page of Chorus, who may see it, and how a browser reaches it.

The accessibility, keyboard and reflow tests walk this registry. A test fails
when a GET route of the app has no entry here, so each new feature must add
its pages (and, for forms, its error state) to `PAGES`.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

from portal import db
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.briefings import services as briefings
from portal.briefings.models import PUBLIC, Briefing, GlossaryTerm
from portal.communities import invitations
from portal.communities import services as communities
from portal.communities.models import Community, Invitation, Membership
from portal.consultations import contributions as consultation_contributions
from portal.consultations import moderation, review
from portal.consultations import services as consultations
from portal.consultations.models import ONLINE, Contribution, Proposal, Theme
from portal.db import utcnow
from portal.demo import briefings as briefings_demo
from portal.demo import consultations as consultations_demo
from portal.demo import impact as impact_demo
from portal.impact.annual_report import NARRATIVE_LIMIT
from portal.impact.models import NOT_ADOPTED, Influence, ServiceChange
from portal.involvement import expenses as involvement_expenses
from portal.involvement.models import (
    PART_APPROVED,
    REJECTED,
    SUBMITTED,
    ExpenseClaim,
    InvolvementActivity,
)
from portal.tokens import make_token
from tests import factories

ANONYMOUS = "anonymous"
SIGNED_IN = ("lay", "professional", "coordinator", "admin")
EVERYONE = (ANONYMOUS, *SIGNED_IN)
# Who runs a community's membership: its coordinator, and site admins (members of none).
MANAGERS = ("coordinator", "admin")
# Who writes briefings: professionals and coordinators who are members (both are, of every demo
# community). The members-only demo briefing is in stroke-rehab-home, where lay is not a member.
AUTHORS = ("professional", "coordinator")
# Who looks after the site-wide glossary: any coordinator, and site admins.
GLOSSARY_KEEPERS = ("coordinator", "admin")
# Who reads a community's proposals: its members. lay is an active lay partner of the demo
# communities with proposals used here (chemo-day-unit, maternity-voices); admin is in none.
MEMBERS = ("lay", "professional", "coordinator")
# Who gives views on proposals: lay partners. Who writes proposals and reviews the views given:
# professionals and coordinators (AUTHORS). Who moderates and records offline views: coordinators.
LAY = ("lay",)
MODERATORS = ("coordinator",)
# Who keeps the payment rates: site admins. Who has no involvement of their own in the demo:
# everyone but the lay partner. Who reads the lay partner's expense claims: she and the
# coordinators of the claim's community.
RATE_KEEPERS = ("admin",)
NOT_INVOLVED = ("professional", "coordinator", "admin")
CLAIM_READERS = ("lay", "coordinator")
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
# GET routes that answer with a file to download or with data, not a page: axe has nothing
# to check there.
# Each is checked where it is used.
NOT_PAGES = {
    # CSV of a proposal's contributions: downloaded and read in tests/browser/test_journeys.py.
    "consultations.export",
    # Open data files (CSV and JSON): read, checked for members-only content and anonymity,
    # in tests/impact/test_open_data.py.
    "impact.open_data_file",
    # A community's impact report as CSV and JSON: read and checked in tests/impact/test_report.py.
    "impact.report_data",
    # Payments due as CSV for the finance team: read, with formulas neutralised, in
    # tests/involvement/test_payment_pages.py.
    "involvement.payments_due_csv",
    # A lay partner's statement as CSV: read in tests/involvement/test_mine_pages.py.
    "involvement.statement_csv",
    # An expense claim's receipt file: fetched by its owner and coordinators only, in
    # tests/involvement/test_claim_pages.py.
    "involvement.receipt",
    # Every figure of the community health dashboard as CSV: read in tests/health/test_health.py.
    "health.dashboard_csv",
    # The health check for the load balancer, in JSON: read in tests/main/test_logs_and_health.py.
    "main.healthz",
}


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
    path = urlsplit(url).path
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except MethodNotAllowed:
        # A form in error shown in answer to a POST-only address (removing a member).
        endpoint, _args = adapter.match(path, method="POST")
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


def submit(page, button=SUBMIT):
    """Press the form's main button and wait for the page it leads to.

    On pages with several forms, `button` names the one to press.
    """
    with page.expect_navigation() as navigation:
        page.locator(button).click()
    return navigation.value


def follow(page, locator):
    """Press a link or button and wait for the page it leads to, so what follows reads that page."""
    with page.expect_navigation():
        locator.click()


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


def _ask_for_a_call_without_a_number(page, _server):
    page.locator("input[name=preferred_contact][value=phone]").check()
    page.locator("#phone").fill("")
    return submit(page)


def _remove_without_a_reason(page, _server):
    page.locator("#reason").fill("")
    return submit(page, "#maincontent form:has(#reason) button[type=submit]")


def _decline_nobody(page, _server):
    page.locator("input[name=decision][value=decline]").check()
    return submit(page)


def _give_a_too_long_phone_number(page, _server):
    page.locator("#respond_by_phone").fill("0300 123 4567 " * 20)
    return submit(page)


def _invite_a_bad_address(page, _server):
    page.locator("#emails").fill("not-an-email-address")
    return submit(page, "#maincontent form:has(#emails) button[type=submit]")


def _press_save_draft(page, _server):
    return submit(page, "#maincontent form button[value=save]")


def _save_without_a_title(page, server):
    page.locator("#title").fill("")
    return _press_save_draft(page, server)


def _send_feedback_without_an_answer(page, _server):
    # A reader who has answered before finds their answer ticked: untick it, so that the
    # form is sent with no choice, as a first-time reader who forgot to choose would.
    page.locator("input[name=useful]").evaluate_all(
        "(radios) => radios.forEach((radio) => { radio.checked = false; })"
    )
    return submit(page, "#maincontent form:has(input[name=useful]) button[type=submit]")


def _publish_above_target_without_a_reason(page, _server):
    page.locator("#change_note").fill("Plainer words in the methods section.")
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


# Notifications ------------------------------------------------------------


def _notifications_read_and_unread(server):
    """Give every demo account one read and one unread notification, with links."""
    from portal.outbox import queue

    with server.app.test_request_context(base_url=server("/")):
        for email in ROLE_EMAILS.values():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            for title in ("Evening clinic hours", "Parking at the day unit"):
                message = queue(
                    user,
                    "contribution_hidden",
                    proposal={"title": title},
                    reason="It names a nurse.",
                    link=server("/communities"),
                )
            message.read_at = utcnow()
        db.session.commit()
    return "/notifications"


def _save_preferences_with_a_choice_missing(page, _server):
    page.locator("input[name=replies]").evaluate_all(
        "(radios) => radios.forEach((radio) => { radio.checked = false; })"
    )
    return submit(page)


# Community pages that need the live database --------------------------------


def _membership_page(email, slug):
    """The coordinator's page for one demo membership (its id differs from run to run)."""

    def path(server):
        with server.app.app_context():
            membership_id = db.session.scalar(
                sa.select(Membership.id)
                .join(User, User.id == Membership.user_id)
                .join(Community, Community.id == Membership.community_id)
                .where(User.email == email, Community.slug == slug)
            )
        assert membership_id is not None, f"no demo membership for {email} in {slug}"
        return f"/communities/{slug}/members/{membership_id}"

    return path


def _new_invitation_token(server):
    """An open invitation of its own, to a new address, so using it changes no one else's."""
    with server.app.app_context():
        community = db.session.scalar(
            sa.select(Community).where(Community.slug == "stroke-rehab-home")
        )
        invitation = factories.make_invitation(
            community,
            _unique_email("invited"),
            message="We would value your view of rehab at home.",
        )
        db.session.commit()
        return invitations.token_for(invitation)


def _invitation_link(server):
    return "/invitations/" + _new_invitation_token(server)


def _invitation_register_link(server):
    return f"/invitations/{_new_invitation_token(server)}/register"


def _lay_invitation_link(server):
    """The demo invitation for lay@example.org to stroke-rehab-home (only looked at, never used)."""
    with server.app.app_context():
        invitation = db.session.scalar(
            sa.select(Invitation)
            .join(Community, Community.id == Invitation.community_id)
            .where(
                Invitation.email == ROLE_EMAILS["lay"],
                Community.slug == "stroke-rehab-home",
                Invitation.accepted_at.is_(None),
            )
        )
        assert invitation is not None, "the demo invitation to lay@example.org is gone"
        return "/invitations/" + invitations.token_for(invitation)


# Briefings that need the live database ---------------------------------------


def _briefing_page(title, then_path=""):
    """A page of the demo briefing with this title (its id differs from run to run)."""

    def path(server):
        with server.app.app_context():
            briefing_id = db.session.scalar(
                sa.select(Briefing.id).where(Briefing.title == title).order_by(Briefing.id)
            )
        assert briefing_id is not None, f"no demo briefing titled {title!r}"
        return f"/briefings/{briefing_id}{then_path}"

    return path


EVENING = briefings_demo.EVENING_TITLE  # public, chemo-day-unit, 2 versions, a Welsh translation
EVENING_WELSH = briefings_demo.EVENING_WELSH["title"]
MEMBERS_ONLY = briefings_demo.TRANSPORT["title"]  # stroke-rehab-home
ABOVE_TARGET = briefings_demo.INDUCTION["title"]  # published by a coordinator, with a reason
DRAFT = briefings_demo.CRISIS_LINE["title"]  # never published, below the target
ABOVE_TARGET_DRAFT = "Induction of labour: the next guidance, not yet plain (browser tests)"


def _above_target_draft(server):
    """An unpublished draft that reads above its community's target (made once, never published)."""
    with server.app.app_context():
        briefing_id = db.session.scalar(
            sa.select(Briefing.id).where(
                Briefing.title == ABOVE_TARGET_DRAFT, Briefing.version_number == 0
            )
        )
        if briefing_id is None:
            briefing = briefings.create(
                accounts.find_by_email(ROLE_EMAILS["professional"]),
                communities.get_by_slug("maternity-voices"),
                title=ABOVE_TARGET_DRAFT,
                summary=briefings_demo.INDUCTION["summary"],
                body=briefings_demo.INDUCTION["body"],
                visibility=PUBLIC,
            )
            db.session.commit()
            briefing_id = briefing.id
        return f"/briefings/{briefing_id}/preview"


LONG_ADDRESS = (
    "https://www.example.org/services/cancer/urgent-suspected-cancer-referrals/what-to-expect"
)
LONG_ADDRESSES = "Where to read more about urgent referrals (browser tests)"


def _briefing_with_long_addresses(then_path=""):
    """A published briefing whose words hold long web addresses, that must wrap at 320 px."""

    def path(server):
        with server.app.app_context():
            briefing = db.session.scalar(
                sa.select(Briefing).where(Briefing.title == LONG_ADDRESSES)
            )
            if briefing is None:
                community = communities.get_by_slug("gp-cancer-leads")
                coordinator = accounts.find_by_email(ROLE_EMAILS["coordinator"])
                briefing = briefings.create(
                    coordinator,
                    community,
                    title=LONG_ADDRESSES,
                    summary=f"Read more at {LONG_ADDRESS} or ask your GP.",
                    body=f"## Read more\n\nGo to {LONG_ADDRESS} to read more.\n\n"
                    f"| Where | Address |\n|---|---|\n| Online | {LONG_ADDRESS} |\n",
                    visibility=PUBLIC,
                )
                reason = f"The address is given in full, as on {LONG_ADDRESS}."
                briefings.publish(
                    coordinator,
                    briefing,
                    change_note="First version.",
                    override_reason=reason,
                )
                briefings.update_draft(
                    coordinator,
                    briefing,
                    body=f"{briefing.body}\n\nSee also {LONG_ADDRESS}/\n",
                )
                briefings.publish(
                    coordinator,
                    briefing,
                    change_note=f"Added {LONG_ADDRESS}/",
                    override_reason=reason,
                )
                db.session.commit()
            return f"/briefings/{briefing.id}{then_path}"

    return path


def _site_wide_term(word):
    """The glossary page to change a site-wide demo term."""

    def path(server):
        with server.app.app_context():
            term_id = db.session.scalar(
                sa.select(GlossaryTerm.id).where(
                    GlossaryTerm.term == word, GlossaryTerm.community_id.is_(None)
                )
            )
        assert term_id is not None, f"no site-wide glossary term {word!r}"
        return f"/glossary/{term_id}/edit"

    return path


# Consultations that need the live database -------------------------------------

# Demo proposals (see portal/consultations/demo.py).
OPEN_PROPOSAL = consultations_demo.EVENINGS["title"]  # chemo-day-unit, open, four kinds of question
DRAFT_PROPOSAL = consultations_demo.BLOOD_TESTS["title"]  # chemo-day-unit, draft, no closing time
UPCOMING_PROPOSAL = consultations_demo.OVERNIGHT["title"]  # maternity-voices, opens soon
CLOSED_PROPOSAL = consultations_demo.FIRST_DAY["title"]  # maternity-voices, lay answered it
# Made by these tests, once, and never changed by them.
REVIEWED = "Evening visits: views to review (browser tests)"
ABOVE_TARGET_PROPOSAL = "Reorganising chemotherapy scheduling (browser tests)"
HARD_SUMMARY = (
    "Notwithstanding the aforementioned organisational reconfiguration of multidisciplinary "
    "chemotherapeutic administration arrangements, individuals experiencing contraindications "
    "should communicate comprehensively with their designated healthcare practitioners."
)
EVERY_KIND_OF_QUESTION = consultations_demo.EVENINGS_QUESTIONS  # text (required), scale, one, any


def _demo_person(email):
    person = accounts.find_by_email(email)
    assert person is not None, f"no demo account {email}"
    return person


def _proposal_id(title):
    proposal_id = db.session.scalar(
        sa.select(Proposal.id).where(Proposal.title == title).order_by(Proposal.id)
    )
    assert proposal_id is not None, f"no proposal titled {title!r}"
    return proposal_id


def _proposal_page(title, then_path=""):
    """A page of the demo proposal with this title (its id differs from run to run)."""

    def path(server):
        with server.app.app_context():
            return f"/proposals/{_proposal_id(title)}{then_path}"

    return path


def _first_question_page(title):
    def path(server):
        with server.app.app_context():
            proposal = db.session.get(Proposal, _proposal_id(title))
            question = consultations.questions(proposal)[0]
            return f"/proposals/{proposal.id}/questions/{question.id}/edit"

    return path


def new_open_proposal(label):
    """A new open proposal in chemo-day-unit asking every kind of question (in a request)."""
    return factories.make_proposal(
        communities.get_by_slug("chemo-day-unit"),
        _demo_person(ROLE_EMAILS["professional"]),
        status="open",
        questions=[dict(question) for question in EVERY_KIND_OF_QUESTION],
        title=f"{label} ({uuid.uuid4().hex[:8]}, browser tests)",
        summary=consultations_demo.EVENINGS["summary"],
        problem=consultations_demo.EVENINGS["problem"],
        change=consultations_demo.EVENINGS["change"],
        affects=consultations_demo.EVENINGS["affects"],
    )


def _unanswered(then_path="", prepare=None):
    """A page of a new open proposal the lay partner has not answered.

    Made afresh each time, so that what one run does (answering, saving a draft)
    changes nothing for the next. `prepare(proposal)` may add to it, and return
    a query string for the page.
    """

    def path(server):
        with server.app.test_request_context():
            proposal = new_open_proposal("Evening visits")
            query = prepare(proposal) if prepare else ""
            db.session.commit()
            return f"/proposals/{proposal.id}{then_path}{query or ''}"

    return path


def _lay_draft(proposal):
    """The lay partner started answering, anonymously, and saved to come back later."""
    first = consultations.questions(proposal)[0]
    consultation_contributions.save_draft(
        _demo_person(ROLE_EMAILS["lay"]),
        proposal,
        {f"q{first.id}": ["Evenings would help, if"], "identity": ["anonymous"]},
    )


def _held_answers(proposal):
    """Answers sent after the lay partner's session ended, held for them to sign in again."""
    first = consultations.questions(proposal)[0]
    data = {f"q{first.id}": ["Tuesday evenings would suit me."], "identity": ["anonymous"]}
    return "?held=" + consultation_contributions.hold(proposal, data)


def _reviewed():
    """Views on one open proposal in every state a reviewer meets (made once, then kept).

    The lay partner's (named, changed once, quotable, themed, replied to, with an
    approved quote), Carol's (a pseudonym, hidden by the coordinator), Daniel's
    (anonymous, reported), and a meeting's, recorded by the coordinator.
    """
    proposal_id = db.session.scalar(sa.select(Proposal.id).where(Proposal.title == REVIEWED))
    if proposal_id is not None:
        return db.session.get(Proposal, proposal_id)
    community = communities.get_by_slug("chemo-day-unit")
    professional = _demo_person(ROLE_EMAILS["professional"])
    coordinator = _demo_person(ROLE_EMAILS["coordinator"])
    lay = _demo_person(ROLE_EMAILS["lay"])
    proposal = factories.make_proposal(
        community,
        professional,
        status="open",
        questions=[dict(question) for question in EVERY_KIND_OF_QUESTION],
        title=REVIEWED,
        summary=consultations_demo.EVENINGS["summary"],
    )
    text, scale, one, many = consultations.questions(proposal)

    def answers(words, number, day, easier):
        return {
            text.id: (words, None, []),
            scale.id: ("", number, []),
            one.id: ("", None, [day]),
            many.id: ("", None, easier),
        }

    mine = factories.make_contribution(
        proposal,
        community,
        lay,
        quote_consent=True,
        answers=answers(
            "An evening visit would help. I work days.", 4, "Tuesday", ["Food and drinks"]
        ),
    )
    consultation_contributions.change(
        lay,
        mine,
        proposal,
        [text, scale, one, many],
        identity="named",
        quote_consent=True,
        answers=answers(
            "An evening visit would help me a lot. I work in the day, and my son drives me.",
            5,
            "Tuesday",
            ["Free parking", "Food and drinks"],
        ),
    )
    carol = factories.make_contribution(
        proposal,
        community,
        _demo_person("carol.hughes@example.org"),
        identity="pseudonym",
        quote_consent=True,
        answers=answers("Nurse Jones on the unit is rude to me.", 2, "Monday", ["Childcare"]),
    )
    daniel = factories.make_contribution(
        proposal,
        community,
        _demo_person("daniel.evans@example.org"),
        identity="anonymous",
        answers=answers("Fridays, after the school run.", 3, "Friday", ["Childcare"]),
    )
    meeting = moderation.record_offline(
        coordinator,
        proposal,
        [text, scale, one, many],
        source="meeting",
        source_date=(utcnow() - timedelta(days=2)).date(),
        people_count=12,
        answers=answers("Most of the group wanted Thursdays.", 4, "Thursday", ["Free parking"]),
        key=consultation_contributions.new_key(),
    )
    getting_home = review.theme_named(proposal, "Getting home safely")
    review.add_theme(professional, [mine, meeting], getting_home)
    review.add_theme(professional, [daniel], review.theme_named(proposal, "Childcare"))
    review.respond(professional, [mine], "Thank you. We are asking about transport home after 8pm.")
    review.acknowledge(professional, [meeting])
    moderation.report(professional, daniel, "It says which school, so it could identify them.")
    moderation.report(professional, carol, "It names a nurse.")
    moderation.hide(coordinator, carol, "It names a member of staff.")
    moderation.approve_quote(
        coordinator, mine, "An evening visit would help me a lot. I work in the day."
    )
    return proposal


def _reviewed_page(then_path=""):
    """A page of the proposal with views to review."""

    def path(server):
        with server.app.test_request_context():
            proposal = _reviewed()
            db.session.commit()
            return f"/proposals/{proposal.id}{then_path}"

    return path


def _window(then_path="", *, paused=False):
    """A page of a new open proposal (the demo professional wrote it); `paused` pauses it."""

    def path(server):
        from portal.consultations import window

        with server.app.test_request_context():
            proposal = new_open_proposal("Evening visits")
            if paused:
                window.pause(
                    _demo_person(ROLE_EMAILS["professional"]),
                    proposal,
                    reason="A question had a mistake in it. We are putting it right.",
                )
            db.session.commit()
            return f"/proposals/{proposal.id}{then_path}"

    return path


def _heard(published):
    """What we heard on a new proposal with the lay partner's views under a theme, now closed."""

    def path(server):
        from portal.consultations import heard

        with server.app.test_request_context():
            author = _demo_person(ROLE_EMAILS["professional"])
            proposal = new_open_proposal("What we heard")
            questions = consultations.questions(proposal)
            contribution, _new = consultation_contributions.submit(
                _demo_person(ROLE_EMAILS["lay"]),
                proposal,
                questions,
                key=uuid.uuid4().hex,
                identity="named",
                quote_consent=True,
                answers={
                    q.id: ("Evenings suit me.", 4, [q.options[0]] if q.options else [])
                    for q in questions
                },
            )
            review.add_theme(author, [contribution], review.theme_named(proposal, "Evenings"))
            factories.close(proposal)
            if published:
                heard.publish(author, proposal)
            db.session.commit()
            return f"/proposals/{proposal.id}/heard"

    return path


def _extend_to_the_past(page, _server):
    page.locator("#closes_at").fill("2020-01-01T10:00")
    page.locator("#reason").fill("More people asked for time.")
    return submit(page)


def _inbox(query=""):
    """The review inbox filtered to the proposal with views to review; `query` adds filters."""

    def path(server):
        with server.app.test_request_context():
            proposal = _reviewed()
            db.session.commit()
            return f"/review?proposal={proposal.id}{query}"

    return path


def _contribution_id(server, whose):
    """One contribution to the proposal with views to review, by `whose` views: "lay" (named,
    changed, replied to, quoted), "hidden" (Carol's), "anonymous" (Daniel's, reported) or
    "meeting" (recorded by the coordinator)."""
    with server.app.test_request_context():
        proposal = _reviewed()
        db.session.commit()
        query = sa.select(Contribution.id).where(Contribution.proposal_id == proposal.id)
        if whose == "lay":
            query = query.where(Contribution.author_id == _demo_person(ROLE_EMAILS["lay"]).id)
        elif whose == "hidden":
            query = query.where(Contribution.hidden_at.is_not(None))
        elif whose == "anonymous":
            query = query.where(Contribution.identity == "anonymous", Contribution.source == ONLINE)
        else:
            query = query.where(Contribution.source == whose)
        contribution_id = db.session.scalar(query)
    assert contribution_id is not None, f"no {whose} contribution to {REVIEWED!r}"
    return contribution_id


def _views(whose, then_path=""):
    """A reviewer's page of one contribution to the proposal with views to review."""

    def path(server):
        return f"/review/contributions/{_contribution_id(server, whose)}{then_path}"

    return path


def _own_views(then_path=""):
    """The lay partner's page of their own views on the proposal with views to review."""

    def path(server):
        return f"/contributions/{_contribution_id(server, 'lay')}{then_path}"

    return path


def _lay_views_on_a_closed_proposal(server):
    """The lay partner's demo contribution to a proposal that has closed."""
    with server.app.app_context():
        contribution_id = db.session.scalar(
            sa.select(Contribution.id)
            .join(Proposal, Proposal.id == Contribution.proposal_id)
            .join(User, User.id == Contribution.author_id)
            .where(Proposal.title == CLOSED_PROPOSAL, User.email == ROLE_EMAILS["lay"])
        )
    assert contribution_id is not None, "the lay partner's demo contribution is gone"
    return f"/contributions/{contribution_id}"


def _above_target_proposal(then_path=""):
    """A draft proposal whose summary reads above the target (made once, never published)."""

    def path(server):
        with server.app.test_request_context():
            proposal_id = db.session.scalar(
                sa.select(Proposal.id).where(Proposal.title == ABOVE_TARGET_PROPOSAL)
            )
            if proposal_id is None:
                proposal = factories.make_proposal(
                    communities.get_by_slug("chemo-day-unit"),
                    _demo_person(ROLE_EMAILS["professional"]),
                    status="draft",
                    title=ABOVE_TARGET_PROPOSAL,
                    summary=HARD_SUMMARY,
                    closes_at=utcnow() + timedelta(days=30),
                )
                db.session.commit()
                proposal_id = proposal.id
            return f"/proposals/{proposal_id}{then_path}"

    return path


# Consultation steps


def _send_answers(page, _server):
    return submit(page, "#maincontent form button[value=send]")


def _clear_the_first_answer(page, server):
    page.locator("#maincontent form textarea").first.fill("")
    return _send_answers(page, server)


def _send_with_an_expired_form(page, text_field, button):
    """Type into a long form, let its CSRF token expire, and send it: the text comes back."""
    page.locator(text_field).first.fill("Kept while the form had expired.")
    page.evaluate(
        "document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'expired')"
    )
    return submit(page, button)


def _reply_after_the_form_expired(page, _server):
    return _send_with_an_expired_form(page, "#reply", "form:has(#reply) button[type=submit]")


def _change_views_after_the_form_expired(page, _server):
    return _send_with_an_expired_form(
        page, "#maincontent form textarea", "#maincontent form button[value=send]"
    )


def _ask_with_one_choice(page, _server):
    page.locator("#prompt").fill("Which evening would suit you?")
    page.locator("input[name=kind][value=single]").check()
    page.locator("#options").fill("Tuesday")
    return submit(page)


def _ask_the_same_choice_twice(page, _server):
    page.locator("#prompt").fill("Which evening would suit you?")
    page.locator("input[name=kind][value=single]").check()
    page.locator("#options").fill("Tuesday\ntuesday")
    return submit(page)


def _ask_without_saying_why(page, _server):
    page.locator("#prompt").fill("Would you come on a Saturday?")
    return submit(page)


def _apply_to_nothing(page, _server):
    return submit(page, "#maincontent form[method=post] button[type=submit]")


def _reply_with_nothing(page, _server):
    return submit(page, "#maincontent form:has(#reply) button[type=submit]")


def _clear_the_title(page, _server):
    page.locator("#title").fill("")
    return submit(page)


def _target_before_the_start(page, _server):
    page.locator("input[name='target_on-year']").fill("2000")
    return submit(page)


def _clear_the_prompt(page, _server):
    page.locator("#prompt").fill("")
    return submit(page)


def _clear_the_quote(page, _server):
    page.locator("#text").fill("")
    return submit(page)


# Impact that needs the live database ---------------------------------------------------------

# Demo impact (see portal/impact/demo.py).
DECIDED_PROPOSAL = impact_demo.FIRST_TREATMENT["title"]  # chemo-day-unit: themes, links, changes
DECIDED_THEME = "Visiting before the first day"  # linked to the decision as not adopted
PUBLIC_CHANGE = "A film tour of the day unit"  # implemented, evaluated, part of a bigger change
BIGGER_CHANGE = "Getting ready for your first treatment"  # in progress, made of three parts
NOT_EVALUATED = "An easy-read leaflet for your first visit"  # implemented, not evaluated yet
STOPPED_CHANGE = "A welcome pack posted before your first treatment"
MEMBERS_ONLY_CHANGE = "Midwives' handover moved outside the rest hour"  # maternity-voices


def _change_page(title, then_path=""):
    """A page of the demo service change with this title (its id differs from run to run)."""

    def path(server):
        with server.app.app_context():
            change_id = db.session.scalar(
                sa.select(ServiceChange.id)
                .where(ServiceChange.title == title)
                .order_by(ServiceChange.id)
            )
        assert change_id is not None, f"no demo service change titled {title!r}"
        return f"/changes/{change_id}{then_path}"

    return path


def _theme_id(proposal_id, name):
    """The id of a proposal's theme (in an app context)."""
    found = db.session.scalar(
        sa.select(Theme.id).where(Theme.proposal_id == proposal_id, Theme.name == name)
    )
    assert found is not None, f"no theme {name!r} on proposal {proposal_id}"
    return found


def _link_page(theme=None, authors=()):
    """The page linking views on the decided demo proposal: its theme named `theme`, or the
    contributions of these `authors` (emails), or nothing chosen yet."""

    def path(server):
        with server.app.app_context():
            proposal_id = _proposal_id(DECIDED_PROPOSAL)
            if theme:
                return f"/proposals/{proposal_id}/influence?theme={_theme_id(proposal_id, theme)}"
            chosen = db.session.scalars(
                sa.select(Contribution.id)
                .join(User, User.id == Contribution.author_id)
                .where(Contribution.proposal_id == proposal_id, User.email.in_(authors))
                .order_by(Contribution.id)
            ).all()
        assert len(chosen) == len(authors), f"not every one of {authors} answered the proposal"
        query = "&".join(f"contribution={contribution_id}" for contribution_id in chosen)
        return f"/proposals/{proposal_id}/influence{'?' + query if query else ''}"

    return path


def _not_adopted_link(server):
    """The page of the demo link that says why a theme's views were not adopted."""
    with server.app.app_context():
        influence_id = db.session.scalar(
            sa.select(Influence.id).where(
                Influence.proposal_id == _proposal_id(DECIDED_PROPOSAL),
                Influence.effect == NOT_ADOPTED,
                Influence.removed_at.is_(None),
            )
        )
    assert influence_id is not None, "the demo link with a reason for not adopting is gone"
    return f"/influences/{influence_id}"


# Impact steps


def _not_adopted_without_a_reason(page, _server):
    page.locator("input[name=effect][value=not_adopted]").check()
    page.locator("#rationale").fill("")
    return submit(page, "#maincontent form:has(#rationale) button[type=submit]")


def _move_on_without_a_note(page, _server):
    page.locator("#move-note").fill("")
    return submit(page, "#maincontent form[action$='/status'] button[type=submit]")


def _add_a_milestone_without_a_date(page, _server):
    page.locator("#milestone-title").fill("Leaflet in Welsh")
    return submit(page, "#maincontent form[action$='/milestones'] button[type=submit]")


def _write_too_long_an_aim(page, _server):
    page.locator("#aim").fill("We asked people. " * (NARRATIVE_LIMIT // 17 + 1))
    return submit(page)


# Involvement and community health that need the live database --------------------------------

# Demo activities (see portal/involvement/demo.py): how far each payment got follows the
# activity's age, so these states hold whenever the demo is loaded.
PAYMENTS_WAITING = "Planning meeting for evening opening"  # chemo-day-unit: accepted, one declined
PAYMENTS_TO_MARK_PAID = "Review of the evening clinic proposal"  # approved, one declined
PAYMENTS_PAID = "Group meeting: signs from the car park"  # chemo-day-unit: every payment paid
TRAINING_ACTIVITY = "Data protection and confidentiality"  # attended by some, offered to others
WAITING_CLAIM = "Bus fares to the day unit for a coffee morning (browser tests)"


def _activity_page(title, then_path=""):
    """A page of the demo involvement activity with this title (its id differs from run to run)."""

    def path(server):
        with server.app.app_context():
            activity_id = db.session.scalar(
                sa.select(InvolvementActivity.id)
                .where(InvolvementActivity.title == title)
                .order_by(InvolvementActivity.id)
            )
        assert activity_id is not None, f"no demo involvement activity titled {title!r}"
        return f"/activities/{activity_id}{then_path}"

    return path


def _claim_id(query):
    claim_id = db.session.scalar(query.order_by(ExpenseClaim.id))
    assert claim_id is not None, "the demo expense claim is gone"
    return claim_id


def _lays_claim(status):
    """A page of the lay partner's demo expense claim in this status."""

    def path(server):
        with server.app.app_context():
            claim_id = _claim_id(
                sa.select(ExpenseClaim.id)
                .join(User, User.id == ExpenseClaim.user_id)
                .where(User.email == ROLE_EMAILS["lay"], ExpenseClaim.status == status)
            )
        return f"/expenses/{claim_id}"

    return path


def _rejected_claim(server):
    """A demo claim the coordinator rejected, with the reason (not the lay partner's)."""
    with server.app.app_context():
        claim_id = _claim_id(
            sa.select(ExpenseClaim.id)
            .join(Community, Community.id == ExpenseClaim.community_id)
            .where(Community.slug == "chemo-day-unit", ExpenseClaim.status == REJECTED)
        )
    return f"/expenses/{claim_id}"


def _waiting_claim(then_path=""):
    """A page of the lay partner's claim that waits for a decision (made once, never decided:
    a coordinator's decision made in these tests is always one with errors)."""

    def path(server):
        with server.app.test_request_context():
            lay = _demo_person(ROLE_EMAILS["lay"])
            claim_id = db.session.scalar(
                sa.select(ExpenseClaim.id).where(
                    ExpenseClaim.user_id == lay.id, ExpenseClaim.description == WAITING_CLAIM
                )
            )
            if claim_id is None:
                claim = involvement_expenses.submit(
                    lay,
                    communities.get_by_slug("chemo-day-unit"),
                    category="travel",
                    amount=Decimal("7.20"),
                    spent_on=date.today() - timedelta(days=3),
                    description=WAITING_CLAIM,
                    activity_id=None,
                )
                db.session.commit()
                claim_id = claim.id
            assert db.session.get(ExpenseClaim, claim_id).status == SUBMITTED, (
                f"the claim {WAITING_CLAIM!r} is not waiting for a decision any more"
            )
        return f"/expenses/{claim_id}{then_path}"

    return path


def _days_ago(days):
    return date.today() - timedelta(days=days)


def _first_of_month(months_back):
    month = date.today().year * 12 + date.today().month - 1 - months_back
    return date(month // 12, month % 12 + 1, 1)


def _period(path, first, last):
    """`path` with a period of the demo's recent past, worked out on the day the tests run."""
    return lambda _server: f"{path}?start={first().isoformat()}&end={last().isoformat()}"


def _months(path, first_back, last_back):
    """The health dashboard's period: months written 2026-03, counted back from this month."""

    def months(_server):
        first, last = _first_of_month(first_back), _first_of_month(last_back)
        return f"{path}?start={first:%Y-%m}&end={last:%Y-%m}"

    return months


def _in_the_demo_year(path, query, days_ago):
    """`path` for the year of a demo activity held `days_ago`, with more of the query."""
    return lambda _server: f"{path}?year={_days_ago(days_ago).year}{query}"


# Involvement steps


def _save_nobody(page, _server):
    return submit(page, "#maincontent form[method=post] button[type=submit]")


def _mark_paid_without_a_reference(page, _server):
    form = page.locator("#maincontent form[id^='pay-']").first
    form.locator("input[name$='reference']").fill("")
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value


def _choose_no_payment_preference(page, _server):
    # Someone who chose before finds their choice ticked: untick it, as for a first choice.
    page.locator("input[name=preference]").evaluate_all(
        "(radios) => radios.forEach((radio) => { radio.checked = false; })"
    )
    return submit(page)


def _answer_without_agreeing(page, _server):
    page.locator("input[name=age_band]").first.check()
    page.locator("#consent").uncheck()
    return submit(page, "#maincontent form:has(#consent) button[type=submit]")


def _claim_a_bad_amount(page, _server):
    page.locator("input[name=category][value=travel]").check()
    page.locator("#amount").fill("12.345")
    spent = _days_ago(2)
    page.locator("#spent_on").fill(str(spent.day))
    page.locator("#spent_on-month").fill(str(spent.month))
    page.locator("#spent_on-year").fill(str(spent.year))
    page.locator("#description").fill("The bus to the meeting and back.")
    return submit(page)


def _clear_the_description(page, _server):
    page.locator("#description").fill("")
    return submit(page)


def _approve_part_without_an_amount(page, _server):
    page.locator("input[name='decision-decision'][value=part]").check()
    return submit(page, "#maincontent form[action$='/decision'] button[type=submit]")


def _mark_the_claim_paid_without_details(page, _server):
    return submit(page, "#maincontent form[action$='/paid'] button[type=submit]")


PAGES = [
    Page("home", "main.index", "/", EVERYONE),
    Page("my work", "main.my_work", "/my-work", NOT_INVOLVED),
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
    Page(
        "notifications: read and unread",
        "notifications.index",
        _notifications_read_and_unread,
        SIGNED_IN,
    ),
    Page(
        "notification preferences",
        "notifications.preferences",
        "/notifications/preferences",
        SIGNED_IN,
    ),
    Page(
        "notification preferences with a choice missing",
        "notifications.preferences",
        "/notifications/preferences",
        SIGNED_IN,
        status=400,
        then=_save_preferences_with_a_choice_missing,
    ),
    # Communities: what everyone can read.
    Page("communities", "communities.directory", "/communities", EVERYONE),
    Page(
        "communities: search, only those I can join",
        "communities.directory",
        "/communities?q=cancer&can_join=y",
        EVERYONE,
    ),
    Page("communities: archived", "communities.directory", "/communities?archived=1", EVERYONE),
    Page(
        "community: archived",
        "communities.show",
        "/communities/winter-vaccines-2025",
        EVERYONE,
    ),
    Page(
        "community: open, lay partner is a member",
        "communities.show",
        "/communities/chemo-day-unit",
        EVERYONE,
    ),
    Page(
        "community: on request, lay partner is waiting",
        "communities.show",
        "/communities/gp-cancer-leads",
        EVERYONE,
    ),
    Page(
        "community: by invitation only",
        "communities.show",
        "/communities/stroke-rehab-home",
        EVERYONE,
    ),
    Page(
        "invitation: invalid link",
        "communities.accept_invitation",
        "/invitations/bad",
        EVERYONE,
        status=400,
    ),
    # Joining, leaving, consent and communication needs.
    Page(
        "join: with a pseudonym to choose",
        "communities.join",
        "/communities/childrens-diabetes/join",
        ("lay",),
    ),
    Page(
        "join with errors: with a pseudonym to choose",
        "communities.join",
        "/communities/childrens-diabetes/join",
        ("lay",),
        then=_submit_empty,
    ),
    Page("join: no pseudonym", "communities.join", "/communities/chemo-day-unit/join", ("admin",)),
    Page(
        "join with errors: no pseudonym",
        "communities.join",
        "/communities/chemo-day-unit/join",
        ("admin",),
        then=_submit_empty,
    ),
    Page("communication needs", "communities.needs", "/profile/communication-needs", SIGNED_IN),
    Page(
        "communication needs: last step of joining",
        "communities.needs",
        "/profile/communication-needs?community=chemo-day-unit",
        SIGNED_IN,
    ),
    Page(
        "communication needs with errors",
        "communities.needs",
        "/profile/communication-needs",
        SIGNED_IN,
        then=_ask_for_a_call_without_a_number,
    ),
    Page(
        "leave a community",
        "communities.leave",
        "/communities/chemo-day-unit/leave",
        ("lay", "professional", "coordinator"),
    ),
    Page(
        "leave: cancel a request to join",
        "communities.leave",
        "/communities/gp-cancer-leads/leave",
        ("lay",),
    ),
    Page("consent", "communities.consent", "/communities/chemo-day-unit/consent", ("lay",)),
    Page("my communities", "communities.mine", "/my/communities", SIGNED_IN),
    # Members: names for members; contact details, needs and status for managers.
    Page("members", "communities.members", "/communities/maternity-voices/members", SIGNED_IN),
    Page(
        "members: who left",
        "communities.members",
        "/communities/chemo-day-unit/members?status=left",
        ("coordinator",),
    ),
    Page(
        "member",
        "communities.member",
        _membership_page("fatima.begum@example.org", "maternity-voices"),
        MANAGERS,
    ),
    Page(
        "member: remove with errors",
        "communities.remove_member",
        _membership_page("fatima.begum@example.org", "maternity-voices"),
        MANAGERS,
        then=_remove_without_a_reason,
    ),
    Page(
        "ways to respond other than online",
        "communities.ways_to_respond",
        "/communities/chemo-day-unit/ways-to-respond",
        MANAGERS,
    ),
    Page(
        "ways to respond with errors",
        "communities.ways_to_respond",
        "/communities/chemo-day-unit/ways-to-respond",
        MANAGERS,
        then=_give_a_too_long_phone_number,
    ),
    Page(
        "requests to join",
        "communities.requests",
        "/communities/gp-cancer-leads/requests",
        MANAGERS,
    ),
    Page(
        "requests to join with errors",
        "communities.requests",
        "/communities/gp-cancer-leads/requests",
        MANAGERS,
        then=_decline_nobody,
    ),
    Page(
        "invitations",
        "communities.invitations_page",
        "/communities/stroke-rehab-home/invitations",
        MANAGERS,
    ),
    Page(
        "invitations with errors",
        "communities.invitations_page",
        "/communities/stroke-rehab-home/invitations",
        MANAGERS,
        then=_invite_a_bad_address,
    ),
    # Site administration.
    Page("create a community", "communities.create", "/communities/new", ("admin",)),
    Page(
        "create a community with errors",
        "communities.create",
        "/communities/new",
        ("admin",),
        then=_submit_empty,
    ),
    Page("edit a community", "communities.edit", "/communities/chemo-day-unit/edit", ("admin",)),
    Page(
        "coordinators",
        "communities.appoint",
        "/communities/chemo-day-unit/coordinators",
        ("admin",),
    ),
    # Invitations, through their links.
    Page("invitation", "communities.accept_invitation", _invitation_link, (ANONYMOUS,)),
    Page(
        "invitation: with consent to give",
        "communities.accept_invitation",
        _lay_invitation_link,
        ("lay",),
    ),
    Page(
        "invitation with errors",
        "communities.accept_invitation",
        _lay_invitation_link,
        ("lay",),
        then=_submit_empty,
    ),
    Page(
        "invitation: sent to someone else",
        "communities.accept_invitation",
        _lay_invitation_link,
        ("professional", "coordinator", "admin"),
    ),
    Page(
        "invitation: create an account",
        "communities.register_from_invitation",
        _invitation_register_link,
        (ANONYMOUS,),
    ),
    Page(
        "invitation: create an account with errors",
        "communities.register_from_invitation",
        _invitation_register_link,
        (ANONYMOUS,),
        then=_submit_empty,
    ),
    # Briefings: reading, for whoever may read each one.
    Page("briefings", "briefings.index", "/briefings", EVERYONE),
    Page(
        "briefings: search in Welsh",
        "briefings.index",
        "/briefings?q=clinig&language=cy",
        EVERYONE,
    ),
    Page(
        "briefings: of one community",
        "briefings.index",
        "/briefings?community=chemo-day-unit",
        EVERYONE,
    ),
    Page("briefing", "briefings.show", _briefing_page(EVENING), EVERYONE),
    Page(
        "briefing: members only",
        "briefings.show",
        _briefing_page(MEMBERS_ONLY),
        AUTHORS,
    ),
    Page("briefing: Welsh translation", "briefings.show", _briefing_page(EVENING_WELSH), EVERYONE),
    Page(
        "briefing: published above the target reading age",
        "briefings.show",
        _briefing_page(ABOVE_TARGET),
        EVERYONE,
    ),
    Page(
        "briefing: feedback with errors",
        "briefings.feedback",
        _briefing_page(EVENING),
        SIGNED_IN,
        status=400,
        then=_send_feedback_without_an_answer,
    ),
    Page(
        "briefing: long web addresses",
        "briefings.show",
        _briefing_with_long_addresses(),
        EVERYONE,
    ),
    Page(
        "briefing: changes to long web addresses",
        "briefings.compare",
        _briefing_with_long_addresses("/compare?old=1&new=2"),
        EVERYONE,
    ),
    Page("briefing versions", "briefings.versions", _briefing_page(EVENING, "/versions"), EVERYONE),
    Page(
        "briefing versions: published above the target",
        "briefings.versions",
        _briefing_page(ABOVE_TARGET, "/versions"),
        EVERYONE,
    ),
    Page(
        "briefing: an older version",
        "briefings.version",
        _briefing_page(EVENING, "/versions/1"),
        EVERYONE,
    ),
    Page(
        "briefing: changes between versions",
        "briefings.compare",
        _briefing_page(EVENING, "/compare?old=1&new=2"),
        EVERYONE,
    ),
    # Briefings: writing, for their community's authors.
    Page("briefing insights", "briefings.insights", _briefing_page(EVENING, "/insights"), AUTHORS),
    Page(
        "briefing: add a translation",
        "briefings.translate",
        _briefing_page(EVENING, "/translate"),
        AUTHORS,
    ),
    Page(
        "briefing: add a translation without choosing a language",
        "briefings.translate",
        _briefing_page(EVENING, "/translate"),
        AUTHORS,
        then=_submit_empty,
    ),
    Page("edit a briefing", "briefings.edit", _briefing_page(EVENING, "/edit"), AUTHORS),
    Page(
        "edit a briefing: Welsh translation",
        "briefings.edit",
        _briefing_page(EVENING_WELSH, "/edit"),
        AUTHORS,
    ),
    Page(
        "edit a briefing with errors",
        "briefings.edit",
        _briefing_page(EVENING, "/edit"),
        AUTHORS,
        then=_save_without_a_title,
    ),
    Page(
        "preview a draft",
        "briefings.preview",
        _briefing_page(DRAFT, "/preview"),
        AUTHORS,
    ),
    Page(
        "preview a draft: publish with errors",
        "briefings.publish",
        _briefing_page(DRAFT, "/preview"),
        AUTHORS,
        status=400,
        then=_submit_empty,
    ),
    Page(
        "preview a draft above the target reading age",
        "briefings.preview",
        _above_target_draft,
        AUTHORS,
    ),
    Page(
        "preview above the target: publish with errors",
        "briefings.publish",
        _above_target_draft,
        ("coordinator",),
        status=400,
        then=_submit_empty,
    ),
    Page(
        "preview above the target: publish without a reason",
        "briefings.publish",
        _above_target_draft,
        ("coordinator",),
        status=400,
        then=_publish_above_target_without_a_reason,
    ),
    Page(
        "briefings of a community",
        "briefings.manage",
        "/communities/chemo-day-unit/briefings",
        AUTHORS,
    ),
    Page("write a briefing", "briefings.new", "/communities/chemo-day-unit/briefings/new", AUTHORS),
    Page(
        "write a briefing with errors",
        "briefings.new",
        "/communities/chemo-day-unit/briefings/new",
        AUTHORS,
        then=_press_save_draft,
    ),
    # The glossary.
    Page("glossary", "briefings.glossary_index", "/glossary", EVERYONE),
    Page("glossary: one letter", "briefings.glossary_index", "/glossary?letter=O", EVERYONE),
    Page("glossary: add a term", "briefings.glossary_new", "/glossary/new", GLOSSARY_KEEPERS),
    Page(
        "glossary: add a term with errors",
        "briefings.glossary_new",
        "/glossary/new",
        GLOSSARY_KEEPERS,
        then=_submit_empty,
    ),
    Page(
        "glossary: change a site-wide term",
        "briefings.glossary_edit",
        _site_wide_term("oncology"),
        GLOSSARY_KEEPERS,
    ),
    # Consultations: proposals, for the community's members.
    Page("proposals", "consultations.index", "/communities/chemo-day-unit/proposals", MEMBERS),
    Page(
        "proposals: opening soon",
        "consultations.index",
        "/communities/maternity-voices/proposals?status=upcoming",
        MEMBERS,
    ),
    Page(
        "proposals: closed",
        "consultations.index",
        "/communities/maternity-voices/proposals?status=closed",
        MEMBERS,
    ),
    Page(
        "proposals: none closed yet",
        "consultations.index",
        "/communities/chemo-day-unit/proposals?status=closed",
        MEMBERS,
    ),
    Page(
        "proposals: drafts",
        "consultations.index",
        "/communities/chemo-day-unit/proposals?status=draft",
        AUTHORS,
    ),
    Page("proposal: open", "consultations.show", _proposal_page(OPEN_PROPOSAL), AUTHORS),
    Page("proposal: open, not answered yet", "consultations.show", _unanswered(), LAY),
    Page(
        "proposal: open, answers saved to finish later",
        "consultations.show",
        _unanswered(prepare=_lay_draft),
        LAY,
    ),
    Page("proposal: open, with views to review", "consultations.show", _reviewed_page(), MEMBERS),
    Page(
        "proposal: opening soon", "consultations.show", _proposal_page(UPCOMING_PROPOSAL), MEMBERS
    ),
    Page("proposal: closed", "consultations.show", _proposal_page(CLOSED_PROPOSAL), MEMBERS),
    # A public consultation: signed out, and signed in outside the community.
    Page(
        "proposal: open, signed out",
        "consultations.show",
        _proposal_page(OPEN_PROPOSAL),
        (ANONYMOUS, "admin"),
    ),
    Page(
        "proposal: closed, signed out",
        "consultations.show",
        _proposal_page(CLOSED_PROPOSAL),
        (ANONYMOUS, "admin"),
    ),
    Page("proposal: draft", "consultations.show", _proposal_page(DRAFT_PROPOSAL), AUTHORS),
    # A consultation's life: its window moves, and what was heard.
    Page(
        "proposal: paused, with its history",
        "consultations.show",
        _window(paused=True),
        MEMBERS,
    ),
    Page("extend a consultation", "consultations.window_move", _window("/window/extend"), AUTHORS),
    Page(
        "extend a consultation with errors",
        "consultations.window_move",
        _window("/window/extend"),
        AUTHORS,
        status=400,
        then=_submit_empty,
    ),
    Page(
        "extend a consultation to a past time",
        "consultations.window_move",
        _window("/window/extend"),
        AUTHORS,
        status=400,
        then=_extend_to_the_past,
    ),
    Page(
        "close a consultation early",
        "consultations.window_move",
        _window("/window/close"),
        AUTHORS,
    ),
    Page(
        "close a consultation early with errors",
        "consultations.window_move",
        _window("/window/close"),
        AUTHORS,
        status=400,
        then=_submit_empty,
    ),
    Page("pause a consultation", "consultations.window_move", _window("/window/pause"), AUTHORS),
    Page(
        "take views again after a pause",
        "consultations.window_move",
        _window("/window/resume", paused=True),
        AUTHORS,
    ),
    Page(
        "what we heard: not published yet",
        "consultations.heard_summary",
        _heard(published=False),
        AUTHORS,
    ),
    Page(
        "what we heard: published",
        "consultations.heard_summary",
        _heard(published=True),
        MEMBERS,
    ),
    Page(
        "what we heard: published, signed out",
        "consultations.heard_summary",
        _heard(published=True),
        (ANONYMOUS,),
    ),
    # Giving views, for lay partners.
    Page("give your views", "consultations.contribute", _unanswered("/contribute"), LAY),
    Page(
        "give your views with errors",
        "consultations.contribute",
        _unanswered("/contribute"),
        LAY,
        status=400,
        then=_send_answers,
    ),
    Page(
        "give your views: save and come back later",
        "consultations.show",
        _unanswered("/contribute"),
        LAY,
        then=_press_save_draft,
    ),
    Page(
        "give your views: carry on from saved answers",
        "consultations.contribute",
        _unanswered("/contribute", prepare=_lay_draft),
        LAY,
    ),
    Page(
        "give your views: answers kept while signed out",
        "consultations.contribute",
        _unanswered("/contribute", prepare=_held_answers),
        LAY,
    ),
    Page("your views: just sent", "consultations.contribution", _own_views("?sent=1"), LAY),
    Page("your views: changed, with a reply", "consultations.contribution", _own_views(), LAY),
    Page(
        "your views: the proposal has closed",
        "consultations.contribution",
        _lay_views_on_a_closed_proposal,
        LAY,
    ),
    Page("change your views", "consultations.edit_contribution", _own_views("/edit"), LAY),
    Page(
        "change your views: what was typed, kept after the form expired",
        "consultations.edit_contribution",
        _own_views("/edit"),
        LAY,
        then=_change_views_after_the_form_expired,
    ),
    Page(
        "change your views with errors",
        "consultations.edit_contribution",
        _own_views("/edit"),
        LAY,
        status=400,
        then=_clear_the_first_answer,
    ),
    Page("my contributions", "consultations.mine", "/my/contributions", SIGNED_IN),
    # Writing proposals, for their community's authors.
    Page(
        "write a proposal",
        "consultations.new",
        "/communities/chemo-day-unit/proposals/new",
        AUTHORS,
    ),
    Page(
        "write a proposal with errors",
        "consultations.new",
        "/communities/chemo-day-unit/proposals/new",
        AUTHORS,
        then=_submit_empty,
    ),
    Page("edit a proposal", "consultations.edit", _proposal_page(DRAFT_PROPOSAL, "/edit"), AUTHORS),
    Page(
        "edit a proposal with errors",
        "consultations.edit",
        _proposal_page(DRAFT_PROPOSAL, "/edit"),
        AUTHORS,
        then=_clear_the_title,
    ),
    Page(
        "questions: draft",
        "consultations.questions",
        _proposal_page(DRAFT_PROPOSAL, "/questions"),
        AUTHORS,
    ),
    Page(
        "questions: open",
        "consultations.questions",
        _proposal_page(OPEN_PROPOSAL, "/questions"),
        AUTHORS,
    ),
    Page(
        "questions: closed",
        "consultations.questions",
        _proposal_page(CLOSED_PROPOSAL, "/questions"),
        AUTHORS,
    ),
    Page(
        "add a question",
        "consultations.question_new",
        _proposal_page(DRAFT_PROPOSAL, "/questions/new"),
        AUTHORS,
    ),
    Page(
        "add a question with errors",
        "consultations.question_new",
        _proposal_page(DRAFT_PROPOSAL, "/questions/new"),
        AUTHORS,
        then=_submit_empty,
    ),
    Page(
        "add a question: a list with one choice",
        "consultations.question_new",
        _proposal_page(DRAFT_PROPOSAL, "/questions/new"),
        AUTHORS,
        then=_ask_with_one_choice,
    ),
    Page(
        "add a question: the same choice twice",
        "consultations.question_new",
        _proposal_page(DRAFT_PROPOSAL, "/questions/new"),
        AUTHORS,
        status=400,
        then=_ask_the_same_choice_twice,
    ),
    Page(
        "add a question to an open proposal",
        "consultations.question_new",
        _reviewed_page("/questions/new"),
        AUTHORS,
    ),
    Page(
        "add a question to an open proposal without saying why",
        "consultations.question_new",
        _reviewed_page("/questions/new"),
        AUTHORS,
        status=400,
        then=_ask_without_saying_why,
    ),
    Page(
        "change a question",
        "consultations.question_edit",
        _first_question_page(DRAFT_PROPOSAL),
        AUTHORS,
    ),
    Page(
        "change a question with errors",
        "consultations.question_edit",
        _first_question_page(DRAFT_PROPOSAL),
        AUTHORS,
        then=_clear_the_prompt,
    ),
    Page(
        "check and publish",
        "consultations.publish",
        _proposal_page(DRAFT_PROPOSAL, "/publish"),
        AUTHORS,
    ),
    Page(
        "check and publish: no closing time yet",
        "consultations.publish",
        _proposal_page(DRAFT_PROPOSAL, "/publish"),
        AUTHORS,
        then=_submit_empty,
    ),
    Page(
        "check and publish: above the target reading age",
        "consultations.publish",
        _above_target_proposal("/publish"),
        AUTHORS,
    ),
    Page(
        "check and publish above the target without a reason",
        "consultations.publish",
        _above_target_proposal("/publish"),
        MODERATORS,
        status=400,
        then=_submit_empty,
    ),
    # Reviewing views, for professionals and coordinators.
    Page("review inbox", "consultations.inbox", "/review", AUTHORS),
    Page("review inbox: one proposal", "consultations.inbox", _inbox(), AUTHORS),
    Page(
        "review inbox: searched",
        "consultations.inbox",
        _inbox("&q=evening&sort=oldest"),
        AUTHORS,
    ),
    Page(
        "review inbox: quotes waiting for approval",
        "consultations.inbox",
        "/review?quote=y",
        AUTHORS,
    ),
    Page(
        "review inbox: nothing matches",
        "consultations.inbox",
        _inbox("&status=new&source=letter&overdue=y"),
        AUTHORS,
    ),
    Page(
        "review inbox: act on nothing selected",
        "consultations.bulk",
        _inbox(),
        AUTHORS,
        status=400,
        then=_apply_to_nothing,
    ),
    Page("review views", "consultations.review_contribution", _views("anonymous"), AUTHORS),
    Page(
        "review views: a reply kept after the form expired",
        "consultations.review_contribution",
        _views("anonymous"),
        AUTHORS,
        then=_reply_after_the_form_expired,
    ),
    Page(
        "review views: named, replied to, quoted",
        "consultations.review_contribution",
        _views("lay"),
        AUTHORS,
    ),
    Page("review views: hidden", "consultations.review_contribution", _views("hidden"), AUTHORS),
    Page(
        "review views: from a meeting",
        "consultations.review_contribution",
        _views("meeting"),
        AUTHORS,
    ),
    Page(
        "review views: reply with errors",
        "consultations.reply",
        _views("anonymous"),
        AUTHORS,
        status=400,
        then=_reply_with_nothing,
    ),
    Page(
        "themes of a proposal",
        "consultations.proposal_themes",
        _reviewed_page("/themes"),
        AUTHORS,
    ),
    Page("summary of views", "consultations.summary", _reviewed_page("/summary"), AUTHORS),
    Page(
        "summary of views: none yet",
        "consultations.summary",
        _proposal_page(UPCOMING_PROPOSAL, "/summary"),
        AUTHORS,
    ),
    # Moderation and views given elsewhere.
    Page("report views", "consultations.report", _views("anonymous", "/report"), AUTHORS),
    Page(
        "report views with errors",
        "consultations.report",
        _views("anonymous", "/report"),
        AUTHORS,
        status=400,
        then=_submit_empty,
    ),
    Page("hide views", "consultations.hide", _views("anonymous", "/hide"), MODERATORS),
    Page(
        "hide views with errors",
        "consultations.hide",
        _views("anonymous", "/hide"),
        MODERATORS,
        status=400,
        then=_submit_empty,
    ),
    Page("approve a quote", "consultations.quote", _views("lay", "/quote"), MODERATORS),
    Page(
        "approve a quote with errors",
        "consultations.quote",
        _views("lay", "/quote"),
        MODERATORS,
        status=400,
        then=_clear_the_quote,
    ),
    Page(
        "reported contributions",
        "consultations.reports",
        "/communities/chemo-day-unit/reports",
        MODERATORS,
    ),
    Page(
        "record views given elsewhere",
        "consultations.record",
        _reviewed_page("/record"),
        MODERATORS,
    ),
    Page(
        "record views given elsewhere with errors",
        "consultations.record",
        _reviewed_page("/record"),
        MODERATORS,
        status=400,
        then=_submit_empty,
    ),
    # Impact: decisions, for the authors of the proposal's community.
    Page(
        "record a decision",
        "impact.decision",
        _proposal_page(CLOSED_PROPOSAL, "/decision"),
        AUTHORS,
    ),
    Page(
        "record a decision with errors",
        "impact.decision",
        _proposal_page(CLOSED_PROPOSAL, "/decision"),
        AUTHORS,
        status=400,
        then=_submit_empty,
    ),
    Page(
        "change a decision",
        "impact.decision",
        _proposal_page(DECIDED_PROPOSAL, "/decision"),
        AUTHORS,
    ),
    Page(
        "record a decision: still open for views",
        "impact.decision",
        _proposal_page(OPEN_PROPOSAL, "/decision"),
        AUTHORS,
    ),
    # Service changes: public ones for everyone, members-only ones for members.
    Page("service changes", "impact.changes", "/communities/chemo-day-unit/changes", EVERYONE),
    Page(
        "service changes: evaluations due",
        "impact.changes",
        "/communities/chemo-day-unit/changes?evaluation=due",
        MEMBERS,
    ),
    Page(
        "service changes: some for members only",
        "impact.changes",
        "/communities/maternity-voices/changes",
        EVERYONE,
    ),
    Page("service change", "impact.change", _change_page(PUBLIC_CHANGE), EVERYONE),
    Page("service change: made of parts", "impact.change", _change_page(BIGGER_CHANGE), EVERYONE),
    Page("service change: stopped", "impact.change", _change_page(STOPPED_CHANGE), EVERYONE),
    Page(
        "service change: members only",
        "impact.change",
        _change_page(MEMBERS_ONLY_CHANGE),
        MEMBERS,
    ),
    Page(
        "service change: move it on with errors",
        "impact.move_change",
        _change_page(NOT_EVALUATED),
        AUTHORS,
        status=400,
        then=_move_on_without_a_note,
    ),
    Page(
        "service change: add a milestone with errors",
        "impact.add_milestone",
        _change_page(NOT_EVALUATED),
        AUTHORS,
        status=400,
        then=_add_a_milestone_without_a_date,
    ),
    Page(
        "add a service change",
        "impact.new_change",
        "/communities/chemo-day-unit/changes/new",
        AUTHORS,
    ),
    Page(
        "add a service change with errors",
        "impact.new_change",
        "/communities/chemo-day-unit/changes/new",
        AUTHORS,
        status=400,
        then=_submit_empty,
    ),
    Page(
        "edit a service change", "impact.edit_change", _change_page(PUBLIC_CHANGE, "/edit"), AUTHORS
    ),
    Page(
        "edit a service change with errors",
        "impact.edit_change",
        _change_page(PUBLIC_CHANGE, "/edit"),
        AUTHORS,
        status=400,
        then=_clear_the_title,
    ),
    Page(
        "edit a service change: target date before the start",
        "impact.edit_change",
        _change_page(PUBLIC_CHANGE, "/edit"),
        AUTHORS,
        status=400,
        then=_target_before_the_start,
    ),
    Page(
        "did it work",
        "impact.evaluation",
        _change_page(NOT_EVALUATED, "/evaluation"),
        AUTHORS,
    ),
    Page(
        "did it work with errors",
        "impact.evaluation",
        _change_page(NOT_EVALUATED, "/evaluation"),
        AUTHORS,
        status=400,
        then=_submit_empty,
    ),
    Page(
        "did it work: change the evaluation",
        "impact.evaluation",
        _change_page(PUBLIC_CHANGE, "/evaluation"),
        AUTHORS,
    ),
    Page(
        "did it work: a stopped change",
        "impact.evaluation",
        _change_page(STOPPED_CHANGE, "/evaluation"),
        AUTHORS,
    ),
    # Linking views to what they changed, for reviewers.
    Page("link views: choose what to link", "impact.link", _link_page(), AUTHORS),
    Page("link views: a theme", "impact.link", _link_page(theme=DECIDED_THEME), AUTHORS),
    Page(
        "link views: contributions",
        "impact.link",
        _link_page(authors=(ROLE_EMAILS["lay"], "daniel.evans@example.org")),
        AUTHORS,
    ),
    Page(
        "link views: not adopted without a reason",
        "impact.link",
        _link_page(theme=DECIDED_THEME),
        AUTHORS,
        status=400,
        then=_not_adopted_without_a_reason,
    ),
    Page("a link from views", "impact.influence", _not_adopted_link, AUTHORS),
    Page(
        "a link from views: not adopted without a reason",
        "impact.influence",
        _not_adopted_link,
        AUTHORS,
        status=400,
        then=_not_adopted_without_a_reason,
    ),
    Page(
        "views waiting for an outcome", "impact.outcome_missing", "/review/outcome-missing", AUTHORS
    ),
    # What views changed, read back: by the people who gave them, members, and everyone.
    Page("my impact", "impact.mine", "/my/impact", LAY),
    Page("my impact: no views given yet", "impact.mine", "/my/impact", ("professional", "admin")),
    Page(
        "what happened to the views",
        "impact.trace",
        _proposal_page(DECIDED_PROPOSAL, "/trace"),
        MEMBERS,
    ),
    Page(
        "proposal: decided, signed out",
        "consultations.show",
        _proposal_page(DECIDED_PROPOSAL),
        (ANONYMOUS, "admin"),
    ),
    Page(
        "what happened to the views, signed out",
        "impact.trace",
        _proposal_page(DECIDED_PROPOSAL, "/trace"),
        (ANONYMOUS, "admin"),
    ),
    Page(
        "what happened to the views: not decided yet",
        "impact.trace",
        _proposal_page(OPEN_PROPOSAL, "/trace"),
        MEMBERS,
    ),
    Page(
        "what happened to the views: still open, signed out",
        "impact.trace",
        _proposal_page(OPEN_PROPOSAL, "/trace"),
        (ANONYMOUS,),
    ),
    Page("you said, we did", "impact.board", "/you-said-we-did", EVERYONE),
    Page(
        "you said, we did: one community's implemented changes",
        "impact.board",
        "/you-said-we-did?community=chemo-day-unit&status=implemented",
        EVERYONE,
    ),
    Page(
        "you said, we did: nothing matches",
        "impact.board",
        "/you-said-we-did?community=maternity-voices&status=stopped",
        EVERYONE,
    ),
    Page("timeline", "impact.timeline", "/communities/chemo-day-unit/timeline", EVERYONE),
    Page(
        "timeline: meetings only",
        "impact.timeline",
        "/communities/chemo-day-unit/timeline?kind=meeting",
        EVERYONE,
    ),
    Page(
        "add an event to the timeline",
        "impact.new_event",
        "/communities/chemo-day-unit/timeline/new",
        MODERATORS,
    ),
    Page(
        "add an event to the timeline with errors",
        "impact.new_event",
        "/communities/chemo-day-unit/timeline/new",
        MODERATORS,
        status=400,
        then=_submit_empty,
    ),
    Page("open data", "impact.open_data", "/open-data", EVERYONE),
    # A community's impact in figures, for its coordinators.
    Page("impact dashboard", "impact.dashboard", "/communities/chemo-day-unit/impact", MODERATORS),
    Page(
        "impact dashboard: a period of my own",
        "impact.dashboard",
        "/communities/chemo-day-unit/impact?start=1/4/2025&end=31/3/2026",
        MODERATORS,
    ),
    Page(
        "impact dashboard: a period without its last day",
        "impact.dashboard",
        "/communities/chemo-day-unit/impact?start=1/4/2025",
        MODERATORS,
        status=400,
    ),
    Page("impact report", "impact.report", "/communities/chemo-day-unit/impact/report", MODERATORS),
    Page(
        "impact report: not written yet",
        "impact.report",
        "/communities/maternity-voices/impact/report",
        MODERATORS,
    ),
    Page(
        "write the impact report",
        "impact.edit_report",
        "/communities/chemo-day-unit/impact/report/edit",
        MODERATORS,
    ),
    Page(
        "write the impact report: a part too long",
        "impact.edit_report",
        "/communities/chemo-day-unit/impact/report/edit",
        MODERATORS,
        status=400,
        then=_write_too_long_an_aim,
    ),
    # Involvement: activities, who took part and their payments, for coordinators.
    Page(
        "involvement activities",
        "involvement.activities",
        "/communities/chemo-day-unit/activities",
        MODERATORS,
    ),
    Page(
        "involvement activities: training in one year",
        "involvement.activities",
        _in_the_demo_year("/communities/chemo-day-unit/activities", "&kind=training", 54),
        MODERATORS,
    ),
    Page(
        "record an activity",
        "involvement.new_activity",
        "/communities/chemo-day-unit/activities/new",
        MODERATORS,
    ),
    Page(
        "record an activity with errors",
        "involvement.new_activity",
        "/communities/chemo-day-unit/activities/new",
        MODERATORS,
        status=400,
        then=_submit_empty,
    ),
    Page(
        "activity: payments accepted and declined",
        "involvement.activity",
        _activity_page(PAYMENTS_WAITING),
        MODERATORS,
    ),
    Page(
        "activity: payments to mark paid",
        "involvement.activity",
        _activity_page(PAYMENTS_TO_MARK_PAID),
        MODERATORS,
    ),
    Page("activity: all paid", "involvement.activity", _activity_page(PAYMENTS_PAID), MODERATORS),
    Page(
        "activity: training attended and offered",
        "involvement.activity",
        _activity_page(TRAINING_ACTIVITY),
        MODERATORS,
    ),
    Page(
        "activity: mark paid with errors",
        "involvement.pay",
        _activity_page(PAYMENTS_TO_MARK_PAID),
        MODERATORS,
        status=400,
        then=_mark_paid_without_a_reference,
    ),
    Page(
        "change an activity",
        "involvement.edit_activity",
        _activity_page(PAYMENTS_WAITING, "/edit"),
        MODERATORS,
    ),
    Page(
        "change an activity with errors",
        "involvement.edit_activity",
        _activity_page(PAYMENTS_WAITING, "/edit"),
        MODERATORS,
        status=400,
        then=_clear_the_title,
    ),
    Page(
        "who took part",
        "involvement.attendance",
        _activity_page(PAYMENTS_WAITING, "/attendance"),
        MODERATORS,
    ),
    Page(
        "who took part: a search",
        "involvement.attendance",
        _activity_page(PAYMENTS_WAITING, "/attendance?q=margaret"),
        MODERATORS,
    ),
    Page(
        "who took part: training",
        "involvement.attendance",
        _activity_page(TRAINING_ACTIVITY, "/attendance"),
        MODERATORS,
    ),
    Page(
        "who took part: nobody chosen",
        "involvement.attendance",
        _activity_page(TRAINING_ACTIVITY, "/attendance"),
        MODERATORS,
        status=400,
        then=_save_nobody,
    ),
    # Money, for coordinators and site admins.
    Page(
        "waiting for approval or payment",
        "involvement.queue",
        "/communities/chemo-day-unit/approvals",
        MODERATORS,
    ),
    Page(
        "payments due: this month",
        "involvement.payments_due",
        "/communities/chemo-day-unit/payments-due",
        MODERATORS,
    ),
    Page(
        "payments due: the last two months",
        "involvement.payments_due",
        _period("/communities/chemo-day-unit/payments-due", lambda: _days_ago(60), date.today),
        MODERATORS,
    ),
    Page(
        "payments due: a period that ends before it starts",
        "involvement.payments_due",
        _period("/communities/chemo-day-unit/payments-due", date.today, lambda: _days_ago(60)),
        MODERATORS,
        status=400,
    ),
    Page(
        "money and hours",
        "involvement.totals",
        "/communities/chemo-day-unit/money",
        MODERATORS,
    ),
    Page(
        "money and hours: the year the demo began",
        "involvement.totals",
        _in_the_demo_year("/communities/chemo-day-unit/money", "", 358),
        MODERATORS,
    ),
    Page("payment rates", "involvement.rates", "/admin/payment-rates", RATE_KEEPERS),
    Page(
        "payment rates: add one with errors",
        "involvement.rates",
        "/admin/payment-rates",
        RATE_KEEPERS,
        status=400,
        then=_submit_empty,
    ),
    # A person's own involvement, payments and expenses.
    Page("my involvement", "involvement.mine", "/my/involvement", LAY),
    Page(
        "my involvement: all my expense claims",
        "involvement.mine",
        "/my/involvement?show=claims",
        LAY,
    ),
    Page(
        "my involvement: all my training",
        "involvement.mine",
        "/my/involvement?show=training",
        LAY,
    ),
    Page("my involvement: nothing yet", "involvement.mine", "/my/involvement", NOT_INVOLVED),
    Page("my statement", "involvement.statement", "/my/involvement/statement", LAY),
    Page(
        "my statement: the last three months",
        "involvement.statement",
        _period("/my/involvement/statement", lambda: _days_ago(90), date.today),
        LAY,
    ),
    Page(
        "my statement: a period that ends before it starts",
        "involvement.statement",
        _period("/my/involvement/statement", date.today, lambda: _days_ago(90)),
        LAY,
        status=400,
    ),
    Page(
        "my statement: nothing in it",
        "involvement.statement",
        "/my/involvement/statement",
        NOT_INVOLVED,
    ),
    Page("how I would like to be paid", "involvement.preference", "/profile/payment", SIGNED_IN),
    Page(
        "how I would like to be paid with errors",
        "involvement.preference",
        "/profile/payment",
        SIGNED_IN,
        status=400,
        then=_choose_no_payment_preference,
    ),
    Page("equality monitoring", "involvement.equality", "/profile/equality", SIGNED_IN),
    Page(
        "equality monitoring: answers without agreeing",
        "involvement.equality",
        "/profile/equality",
        SIGNED_IN,
        status=400,
        then=_answer_without_agreeing,
    ),
    # Expense claims: the lay partner claims; the community's coordinators decide and pay.
    Page(
        "claim expenses",
        "involvement.new_claim",
        "/communities/chemo-day-unit/expenses/new",
        LAY,
    ),
    Page(
        "claim expenses with errors",
        "involvement.new_claim",
        "/communities/chemo-day-unit/expenses/new",
        LAY,
        status=400,
        then=_submit_empty,
    ),
    Page(
        "claim expenses: an amount with three numbers after the point",
        "involvement.new_claim",
        "/communities/chemo-day-unit/expenses/new",
        LAY,
        status=400,
        then=_claim_a_bad_amount,
    ),
    Page(
        "expense claim: approved in part, with a receipt",
        "involvement.claim",
        _lays_claim(PART_APPROVED),
        CLAIM_READERS,
    ),
    Page("expense claim: rejected", "involvement.claim", _rejected_claim, MODERATORS),
    Page(
        "expense claim: waiting for a decision",
        "involvement.claim",
        _waiting_claim(),
        CLAIM_READERS,
    ),
    Page(
        "expense claim: a decision with errors",
        "involvement.decide_claim",
        _waiting_claim(),
        MODERATORS,
        status=400,
        then=_approve_part_without_an_amount,
    ),
    Page(
        "expense claim: mark paid with errors",
        "involvement.pay_claim",
        _lays_claim(PART_APPROVED),
        MODERATORS,
        status=400,
        then=_mark_the_claim_paid_without_details,
    ),
    Page("change a claim", "involvement.edit_claim", _waiting_claim("/edit"), LAY),
    Page(
        "change a claim with errors",
        "involvement.edit_claim",
        _waiting_claim("/edit"),
        LAY,
        status=400,
        then=_clear_the_description,
    ),
    # A community's health, month by month, for its coordinators.
    Page(
        "community health",
        "health.dashboard",
        "/communities/chemo-day-unit/health",
        MODERATORS,
    ),
    Page(
        "community health: six months of my own",
        "health.dashboard",
        _months("/communities/chemo-day-unit/health", 8, 3),
        MODERATORS,
    ),
    Page(
        "community health: a period that ends before it starts",
        "health.dashboard",
        _months("/communities/chemo-day-unit/health", 3, 8),
        MODERATORS,
        status=400,
    ),
]
