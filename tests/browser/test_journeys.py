"""A new lay partner's journeys through communities, in a real browser, as a person would."""

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal import db
from portal.consultations import services as consultations
from portal.consultations.models import Contribution, ContributionRevision

from .pages import DEMO_PASSWORD, choose_language, follow, new_open_proposal, submit

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
    submit(page)


def register_and_confirm(page, server, email, name):
    page.goto(server("/communities"))
    follow(page, page.get_by_role("link", name="Create an account").first)
    page.fill("#email", email)
    page.fill("#display_name", name)
    page.fill("#password", PASSWORD)
    page.check("#locale")
    submit(page)
    assert page.locator("h1").inner_text() == "Check your email"
    page.goto(server.outbox_link(email, "verify_email"))
    follow(page, page.get_by_role("button", name="Confirm my email address"))
    sign_in(page, server, email, PASSWORD)
    assert name in page.locator("header").inner_text()


def test_join_open_community_with_consent_and_needs_then_leave(context, live_server):
    page = context.new_page()
    register_and_confirm(page, live_server, "journey.open@example.org", "Olwen Open")

    page.goto(live_server("/communities?can_join=y"))
    follow(page, page.get_by_role("link", name="Children's diabetes clinic"))
    follow(page, page.get_by_role("button", name="Join this community"))
    assert "How quotes may be used" in page.content()
    submit(page)  # without agreeing
    assert "There is a problem" in page.locator(".nhsuk-error-summary").inner_text()
    page.check("#consent")
    submit(page)

    assert "Your communication needs" in page.locator("h1").inner_text()
    page.get_by_label("Large print").check()
    page.get_by_label("Phone call").check()
    submit(page)  # no phone number yet
    assert "Enter a phone number" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_label("Large print").is_checked()  # what was chosen is kept
    page.fill("#phone", "07700 900111")
    submit(page)
    assert "You are a member of this community" in page.content()

    follow(page, page.get_by_role("link", name="Leave this community"))
    submit(page)
    assert "You have left Children's diabetes clinic." in page.content()
    assert "Left" in page.locator("#maincontent").inner_text()


def test_request_to_join_is_approved_by_the_coordinator(browser, live_server):
    person = browser.new_context()
    coordinator = browser.new_context()
    try:
        page = person.new_page()
        register_and_confirm(page, live_server, "journey.asks@example.org", "Aneurin Asks")
        page.goto(live_server("/communities/mental-health-crisis"))
        follow(page, page.get_by_role("button", name="Ask to join"))
        page.check("#consent")
        submit(page)
        page.goto(live_server("/communities/mental-health-crisis"))
        assert "You have asked to join" in page.content()

        admin_page = coordinator.new_page()
        sign_in(admin_page, live_server, "coordinator@example.org", DEMO_PASSWORD)
        admin_page.goto(live_server("/communities/mental-health-crisis/requests"))
        admin_page.get_by_label("Aneurin Asks").check()
        admin_page.get_by_label("Approve").check()
        admin_page.fill("#message", "Welcome to the group.")
        submit(admin_page)
        assert "Each person has been told" in admin_page.content()

        page.goto(live_server("/communities/mental-health-crisis"))
        assert "You are a member of this community" in page.content()
        page.goto(live_server("/notifications"))
        assert "You are now a member of" in page.locator("#maincontent").inner_text()
        page.goto(live_server("/my/communities"))
        assert "Welcome to the group." in page.locator("#maincontent").inner_text()
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
        with page.expect_navigation():  # read the page the form leads to, not one half loaded
            follow(page, page.get_by_role("button", name="Send invitations"))
        assert "journey.invited@example.org" in page.content()

        guest = newcomer.new_page()
        guest.goto(live_server.outbox_link("journey.invited@example.org", "invitation"))
        assert "Your experience of rehab at home would help us." in guest.content()
        follow(guest, guest.get_by_role("button", name="Create an account and join"))
        guest.fill("#display_name", "Iolo Invited")
        guest.fill("#password", PASSWORD)
        guest.check("#locale")
        submit(guest)
        assert "How quotes may be used" in guest.content()
        guest.check("#consent")
        submit(guest)
        assert "Your communication needs" in guest.locator("h1").inner_text()
        follow(guest, guest.get_by_role("link", name="Skip this for now"))
        assert "You are a member of this community" in guest.content()

        page.goto(live_server("/communities/stroke-rehab-home/members"))
        assert "Iolo Invited" in page.content()
    finally:
        coordinator.close()
        newcomer.close()


HARD_BODY = """## Background

Notwithstanding the aforementioned organisational reconfiguration of multidisciplinary \
chemotherapeutic administration arrangements, individuals experiencing contraindications \
should communicate comprehensively with their designated healthcare practitioners, who will \
subsequently undertake individualised pharmacological assessments prior to any intravenous \
administration.

Consequently, appointment scheduling methodologies will be systematically reconsidered \
following consultation with representative stakeholder organisations throughout the \
forthcoming implementation period.
"""
LONG_SENTENCE_START = "Notwithstanding the aforementioned organisational reconfiguration"
# Short sentences; "oncology" is in the glossary and is not explained here.
PLAIN_BODY = """## What is new

The oncology team has a new phone line.

You can call it at any time of day or night.

A nurse will answer. They will help you book your next visit.
"""
ONCOLOGY_EXPLAINED = "The part of the health service that finds and treats cancer."
EVENING_TITLE = "A new evening chemotherapy clinic"
EVENING_TITLE_CY = "Clinig cemotherapi newydd gyda'r nos"


def demo_person(browser, server, email):
    """A browser context of their own for a demo account, signed in, with pages in English."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    sign_in(page, server, email, DEMO_PASSWORD)
    page.wait_for_selector("form[action='/sign-out'] button")
    choose_language(page, "en")  # the account may keep the language of an earlier test
    return context, page


def write_a_draft(page, server, title, summary, body):
    page.goto(server("/communities/chemo-day-unit"))
    page.get_by_role("link", name="Write a briefing", exact=True).click()
    page.fill("#title", title)
    page.fill("#summary", summary)
    page.fill("#body", body)


def flash(page):
    return page.locator(".nhsuk-notification-banner")


def _total(page, key):
    row = page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator("dt").get_by_text(key, exact=True)
    )
    return row.locator("dd").inner_text().strip()


def test_briefing_written_gated_published_read_and_found_useful(browser, live_server):
    contexts = []
    try:
        # 1. A professional writes a hard briefing, is stopped by the reading age, makes it
        # plain and publishes it.
        context, author = demo_person(browser, live_server, "professional@example.org")
        contexts.append(context)
        title = f"A new phone line for the day unit {uuid.uuid4().hex[:8]}"
        summary = "The day unit is changing how it books treatment. This tells you what is new."
        write_a_draft(author, live_server, title, summary, HARD_BODY)
        author.get_by_role("button", name="Save draft and check readability").click()
        panel = author.locator("#readability")
        expect(panel).to_contain_text("Estimated reading age")
        long_sentences = panel.locator(
            "h3:has-text('Sentences over 20 words') + ul.chorus-readability__list li"
        )
        expect(long_sentences.first).to_contain_text(LONG_SENTENCE_START)

        author.get_by_role("button", name="Save and preview").click()
        expect(author.locator("h1")).to_have_text("Preview and publish")
        expect(author.locator("#maincontent")).to_contain_text("You cannot publish this yet")
        expect(author.locator("form[action$='/publish']")).to_have_count(0)

        author.get_by_role("link", name="Go back and edit the draft").click()
        author.fill("#body", PLAIN_BODY)
        author.get_by_role("button", name="Save and preview").click()
        author.fill("#change_note", "First version.")
        expect(author.locator("#maincontent")).not_to_contain_text("You cannot publish this yet")
        author.get_by_role("button", name="Publish", exact=True).click()
        expect(flash(author)).to_contain_text("Version 1 is published.")
        expect(author.locator("h1")).to_have_text(title)

        # 2. A coordinator publishes a hard briefing above the target, but only with a reason.
        context, coordinator = demo_person(browser, live_server, "coordinator@example.org")
        contexts.append(context)
        hard_title = f"Changes to chemotherapy scheduling {uuid.uuid4().hex[:8]}"
        reason = f"Agreed wording from the cancer network, reason {uuid.uuid4().hex[:8]}."
        write_a_draft(coordinator, live_server, hard_title, summary, HARD_BODY)
        coordinator.get_by_role("button", name="Save and preview").click()
        expect(coordinator.locator("#maincontent")).to_contain_text("Above the target reading age")
        coordinator.fill("#change_note", "First version.")
        coordinator.get_by_role("button", name="Publish above the target").click()
        errors = coordinator.locator(".nhsuk-error-summary")
        expect(errors).to_contain_text("There is a problem")
        expect(errors).to_contain_text(
            "Give the reason for publishing above the target reading age"
        )
        coordinator.fill("#override_reason", reason)
        coordinator.get_by_role("button", name="Publish above the target").click()
        expect(flash(coordinator)).to_contain_text("Version 1 is published.")
        coordinator.get_by_role("link", name="Versions and changes").click()
        expect(coordinator.locator("h1")).to_have_text("Versions of this briefing")
        expect(coordinator.locator("#maincontent")).to_contain_text(reason)

        # 3. A lay partner reads the plain briefing, follows a glossary word, reads the evening
        # clinic briefing in Welsh, and says the plain briefing was useful.
        context, reader = demo_person(browser, live_server, "lay@example.org")
        contexts.append(context)
        reader.goto(live_server("/communities/chemo-day-unit"))
        reader.get_by_role("link", name=title).click()
        expect(reader.locator("h1")).to_have_text(title)
        term = reader.locator(".chorus-briefing-body a.chorus-term", has_text="oncology")
        anchor = term.get_attribute("href")
        assert anchor.startswith("#term-")
        target = reader.locator(anchor)
        explained = reader.locator("section.chorus-explained", has=target)
        expect(explained.locator("h2")).to_have_text("Words explained")
        expect(reader.locator(f"{anchor}-explained")).to_contain_text(ONCOLOGY_EXPLAINED)
        term.focus()
        reader.keyboard.press("Enter")
        reader.wait_for_function("(hash) => window.location.hash === hash", arg=anchor)
        assert reader.url.endswith(anchor)
        expect(target).to_be_in_viewport()

        reader.goto(live_server("/briefings"))
        reader.fill("#q", "evening chemotherapy")
        reader.get_by_role("button", name="Show briefings").click()
        reader.get_by_role("link", name=EVENING_TITLE, exact=True).click()
        expect(reader.locator("h1")).to_have_text(EVENING_TITLE)
        choose_language(reader, "cy")
        expect(reader.locator("h1")).to_have_text(EVENING_TITLE_CY)
        choose_language(reader, "en")  # back to the lay partner's usual language

        reader.goto(live_server("/communities/chemo-day-unit"))
        reader.get_by_role("link", name=title).click()
        comment = f"Clear and short. I will save the number. ({uuid.uuid4().hex[:8]})"
        reader.get_by_role("group", name="Was this briefing useful?").get_by_label("Yes").check()
        reader.fill("#comment", comment)
        reader.get_by_role("button", name="Send your answer").click()
        expect(flash(reader)).to_contain_text(
            "Thank you. Your answer helps us write clearer briefings."
        )

        # 4. The professional sees how their briefing is read (views are written at once
        # under the testing configuration, which has no Redis).
        author.goto(live_server("/communities/chemo-day-unit"))
        author.get_by_role("link", name=title).click()
        author.get_by_role("link", name="Insights: how it is read").click()
        expect(author.locator("h1")).to_have_text("Insights: how this briefing is read")
        expect(author.locator(".nhsuk-summary-list")).to_contain_text("Signed-in readers")
        # The author (shown the briefing on publishing) and the lay partner.
        assert _total(author, "Signed-in readers") == "2"
        assert _total(author, "Found it useful") == "1"
        expect(author.locator("#maincontent")).to_contain_text(comment)
    finally:
        for context in contexts:
            context.close()


# Every field of a form as the browser would send it, so that the same form can be sent again.
FORM_FIELDS = (
    """(form) => [...new FormData(form)].filter(([, value]) => typeof value === "string")"""
)
# Send those fields again, from whatever page the browser shows, as pressing "Send" again would.
SEND_AGAIN = """([action, fields]) => {
  const form = document.createElement("form");
  form.setAttribute("method", "post");
  form.setAttribute("action", action);
  for (const [name, value] of fields) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}"""


def _contributions_to(server, proposal_id):
    with server.app.app_context():
        return db.session.execute(
            sa.select(Contribution.id, Contribution.source, Contribution.people_count)
            .where(Contribution.proposal_id == proposal_id)
            .order_by(Contribution.id)
        ).all()


def _revisions_of(server, contribution_id):
    """How many times a contribution was changed (each change keeps the earlier answers)."""
    with server.app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ContributionRevision)
            .where(ContributionRevision.contribution_id == contribution_id)
        )


def test_views_given_anonymously_survive_sign_out_are_stored_once_and_get_a_reply(
    browser, live_server
):
    with live_server.app.test_request_context():
        proposal = new_open_proposal("Evening visits, a journey")
        db.session.commit()
        proposal_id, title = proposal.id, proposal.title
        text = f"#q{consultations.questions(proposal)[0].id}"
    answer = f"Tuesday evenings, after work, if the car park is free. ({uuid.uuid4().hex[:8]})"
    reply = f"Thank you. We are asking about free parking in the evening. ({uuid.uuid4().hex[:8]})"
    theme = f"Parking {uuid.uuid4().hex[:6]}"
    anonymous = "Anonymous: reviewers will not see who I am"
    contexts = []
    try:
        # 1. A lay partner answers anonymously, but their session ends before they send.
        context, lay = demo_person(browser, live_server, "lay@example.org")
        contexts.append(context)
        lay.goto(live_server(f"/proposals/{proposal_id}"))
        lay.get_by_role("button", name="Give your views").click()
        expect(lay.locator("h1")).to_have_text("Give your views")
        lay.fill(text, answer)
        lay.get_by_label(anonymous).check()
        other_tab = context.new_page()
        other_tab.goto(live_server("/"))
        with other_tab.expect_navigation():
            other_tab.locator("form[action='/sign-out'] button").click()
        other_tab.close()

        lay.get_by_role("button", name="Send your views").click()
        expect(lay.locator("h1")).to_have_text("Sign in")
        expect(flash(lay)).to_contain_text("Sign in again and your answers will be waiting")
        lay.fill("#email", "lay@example.org")
        lay.fill("#password", DEMO_PASSWORD)
        submit(lay)
        expect(lay.locator("h1")).to_have_text("Give your views")
        expect(lay.locator(text)).to_have_value(answer)
        expect(lay.get_by_label(anonymous)).to_be_checked()

        # 2. They send; going back, and sending the same form again, stores nothing more.
        form = lay.locator("#maincontent form")
        action = form.get_attribute("action")  # (form.action is its button named "action")
        fields = form.evaluate(FORM_FIELDS) + [["action", "send"]]
        lay.get_by_role("button", name="Send your views").click()
        expect(lay.get_by_role("heading", name="We have your views")).to_be_visible()
        sent_url = lay.url
        assert sent_url.endswith("?sent=1")
        assert len(_contributions_to(live_server, proposal_id)) == 1
        lay.go_back()  # the form's address now shows what was sent, not the form
        expect(lay.locator("h1")).to_contain_text("Your views on:")
        assert lay.url == sent_url.removesuffix("?sent=1")
        with lay.expect_navigation():
            lay.evaluate(SEND_AGAIN, [action, fields])
        expect(lay.get_by_role("heading", name="We have your views")).to_be_visible()
        assert lay.url == sent_url
        [(contribution_id, _source, _people)] = _contributions_to(live_server, proposal_id)
        assert _revisions_of(live_server, contribution_id) == 0  # the same form, not a change

        # 3. A professional finds it, adds a theme and replies in bulk, and downloads the CSV.
        context, reviewer = demo_person(browser, live_server, "professional@example.org")
        contexts.append(context)
        reviewer.goto(live_server("/review"))
        reviewer.get_by_label("Proposal", exact=True).select_option(label=title)
        reviewer.get_by_role("button", name="Filter").click()
        rows = reviewer.locator("#maincontent table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("Anonymous")
        reviewer.get_by_label(f"Select contribution {contribution_id}").check()
        reviewer.get_by_role("radio", name="Add a theme").check()
        reviewer.fill("#bulk-theme", theme)
        reviewer.get_by_role("button", name="Apply to the selected").click()
        expect(flash(reviewer)).to_contain_text(f"Contributions given the theme “{theme}”: 1.")
        expect(rows).to_contain_text(theme)
        reviewer.get_by_label(f"Select contribution {contribution_id}").check()
        reviewer.get_by_role("radio", name="Send a reply").check()
        reviewer.fill("#reply", reply)
        reviewer.get_by_role("button", name="Apply to the selected").click()
        expect(flash(reviewer)).to_contain_text("Contributions your reply was sent to: 1.")
        expect(rows).to_contain_text("Replied to")

        reviewer.goto(live_server(f"/proposals/{proposal_id}/summary"))
        with reviewer.expect_download() as download:
            reviewer.get_by_role(
                "link", name="Download every contribution as a spreadsheet (CSV)"
            ).click()
        with open(download.value.path(), "rb") as csv_file:
            data = csv_file.read()
        assert data.startswith(b"\xef\xbb\xbf"), "the CSV must start with a UTF-8 BOM"
        csv_text = data.decode("utf-8-sig")
        assert answer in csv_text
        assert theme in csv_text
        assert "Anonymous" in csv_text
        assert "Margaret Ellis" not in csv_text  # the lay partner's display name
        assert "Blue Heron" not in csv_text  # and pseudonym

        # 4. The lay partner reads the reply with their views.
        lay.goto(live_server("/"))
        lay.get_by_role("link", name="My contributions").click()
        lay.get_by_role("link", name=title).click()
        expect(lay.locator("h1")).to_contain_text(title)
        expect(lay.locator("#maincontent")).to_contain_text(reply)
        expect(lay.locator("#maincontent")).to_contain_text("Replied to")

        # 5. A coordinator records the views of a meeting on the same proposal.
        context, coordinator = demo_person(browser, live_server, "coordinator@example.org")
        contexts.append(context)
        coordinator.goto(live_server(f"/proposals/{proposal_id}"))
        coordinator.get_by_role("link", name="Record views given elsewhere").click()
        expect(coordinator.locator("h1")).to_have_text("Record views given elsewhere")
        coordinator.get_by_label("Where the views came from").select_option(label="Meeting")
        coordinator.fill("#source_date", (date.today() - timedelta(days=1)).isoformat())
        coordinator.fill("#people_count", "9")
        coordinator.fill(text, "The group at the cancer support café liked Thursday evenings.")
        coordinator.get_by_role("button", name="Record the views").click()
        expect(flash(coordinator)).to_contain_text("The views are recorded.")
        expect(coordinator.locator("#maincontent")).to_contain_text("Unnamed lay partners (9)")
        expect(coordinator.locator("#maincontent")).to_contain_text("Thursday evenings")
        stored = _contributions_to(live_server, proposal_id)
        assert [(source, people) for _id, source, people in stored] == [
            ("online", 1),
            ("meeting", 9),
        ]
    finally:
        for context in contexts:
            context.close()
