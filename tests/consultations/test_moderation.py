"""Reports, hiding, quotes, and views recorded from meetings, calls and letters."""

import sqlalchemy as sa

from portal import db
from portal.consultations import contributions, moderation, review, services
from portal.consultations.models import Contribution, Quote, Report
from portal.outbox import OutboxMessage
from tests import factories
from tests.conftest import post_form, sign_in_as


def test_a_reported_contribution_is_hidden_with_a_reason_and_still_counts(client, world):
    contribution, proposal = world["contribution"], world["proposals"]["open"]
    sign_in_as(client, world["people"]["coordinator"])
    reports = client.get("/communities/alpha/reports").get_data(as_text=True)
    assert "It names a nurse." in reports
    response = post_form(
        client,
        f"/review/contributions/{contribution.id}/hide",
        {"reason": "It names a member of staff."},
    )
    assert response.status_code == 302
    db.session.refresh(contribution)
    assert contribution.hidden_reason == "It names a member of staff."
    assert db.session.scalar(sa.select(Report.resolution)) == "hidden"
    told = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "contribution_hidden")
    )
    assert told.user_id == world["people"]["lay"].id and "member of staff" in told.body
    detail = client.get(f"/review/contributions/{contribution.id}").get_data(as_text=True)
    assert "I would come in the evening." not in detail  # its words are not shown
    summary = review.summary(proposal, services.questions(proposal))
    assert summary["by_status"] == {"new": 1}  # but it still counts
    export = client.get(f"/proposals/{proposal.id}/export.csv").get_data(as_text=True)
    assert "I would come in the evening." not in export
    assert "Online" in export and "New" in export  # labels, not keys
    assert "There are no reports" in client.get("/communities/alpha/reports").get_data(as_text=True)


def test_hiding_needs_a_reason_and_a_coordinator(client, world):
    contribution = world["contribution"]
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(client, f"/review/contributions/{contribution.id}/hide", {"reason": ""})
    assert response.status_code == 400 and "Give the reason" in response.get_data(as_text=True)
    sign_in_as(client, world["people"]["professional"])
    assert client.get(f"/review/contributions/{contribution.id}/hide").status_code == 403


def test_dismissing_a_report_keeps_the_contribution(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    post_form(client, f"/communities/alpha/reports/{world['report'].id}/dismiss")
    db.session.refresh(world["report"])
    assert world["report"].resolution == "dismissed"
    assert world["contribution"].hidden_at is None


def test_a_quote_is_a_redacted_copy_and_needs_consent(client, world, make_user):
    contribution = world["contribution"]
    sign_in_as(client, world["people"]["coordinator"])
    form = client.get(f"/review/contributions/{contribution.id}/quote").get_data(as_text=True)
    assert "I would come in the evening." in form  # starts from the words, to redact
    post_form(
        client,
        f"/review/contributions/{contribution.id}/quote",
        {"text": "I would come in the evening [after work]."},
    )
    (quote,) = db.session.scalars(sa.select(Quote)).all()
    assert quote.text == "I would come in the evening [after work]."
    person = make_user(email="noquote@example.org")
    factories.make_membership(person, world["a"])
    unquotable = factories.make_contribution(world["proposals"]["open"], world["a"], person)
    response = client.get(f"/review/contributions/{unquotable.id}/quote")
    assert response.status_code == 302


def test_a_coordinator_records_a_meeting_for_unnamed_lay_partners(client, world):
    proposal = world["proposals"]["open"]
    text, scale = services.questions(proposal)
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get(f"/proposals/{proposal.id}/record").get_data(as_text=True)
    key = page.split('name="submission_key" value="')[1].split('"')[0]
    data = {
        "submission_key": key,
        "source": "meeting",
        "source_date": "2026-11-20",
        "people_count": "6",
        "identity": "named",
        f"q{text.id}": "The group asked for a late bus.",
        f"q{scale.id}": "4",
    }
    post_form(client, f"/proposals/{proposal.id}/record", data)
    post_form(client, f"/proposals/{proposal.id}/record", data)  # sent twice: stored once
    (recorded,) = db.session.scalars(
        sa.select(Contribution).where(Contribution.source == "meeting")
    ).all()
    assert (recorded.author_id, recorded.people_count, recorded.identity) == (None, 6, "anonymous")
    assert recorded.recorded_by_id == world["people"]["coordinator"].id
    summary = review.summary(proposal, [text, scale])
    assert summary["by_source"] == {"online": 1, "meeting": 6}
    inbox = client.get(f"/review?proposal={proposal.id}&source=meeting").get_data(as_text=True)
    assert "Unnamed lay partners (6)" in inbox


def test_a_coordinator_records_a_letter_from_a_member(client, world, make_user):
    proposal = world["proposals"]["open"]
    text, _scale = services.questions(proposal)
    writer = make_user(email="letter@example.org", display_name="Lettie Writer")
    factories.make_membership(writer, world["a"])
    sign_in_as(client, world["people"]["coordinator"])
    base = {
        "submission_key": "letter-1",
        "source": "letter",
        "source_date": "20/11/2026",
        "identity": "named",
        f"q{text.id}": "Please keep Saturday mornings.",
    }
    response = post_form(
        client, f"/proposals/{proposal.id}/record", {**base, "member_email": "nobody@example.org"}
    )
    assert "No lay partner of this community uses that email address" in response.get_data(
        as_text=True
    )
    post_form(client, f"/proposals/{proposal.id}/record", {**base, "member_email": writer.email})
    recorded = db.session.scalar(sa.select(Contribution).where(Contribution.source == "letter"))
    assert recorded.author_id == writer.id
    assert contributions.answers_of(recorded)[text.id].text == "Please keep Saturday mornings."
    assert "Lettie Writer" in client.get(f"/review/contributions/{recorded.id}").get_data(
        as_text=True
    )


def test_members_report_with_a_reason(world):
    contribution = world["contribution"]
    try:
        moderation.report(world["people"]["professional"], contribution, " ")
    except moderation.Refused as refusal:
        assert "Say what is wrong" in str(refusal.message)
    else:
        raise AssertionError("an empty report was accepted")
    moderation.report(world["people"]["lay"], contribution, "Rude")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 2


def test_the_review_page_shows_open_reports_until_acted_on(client, world):
    contribution = world["contribution"]
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get(f"/review/contributions/{contribution.id}").get_data(as_text=True)
    assert "Reported for a coordinator to look at" in page and "It names a nurse." in page
    post_form(client, f"/communities/alpha/reports/{world['report'].id}/dismiss")
    page = client.get(f"/review/contributions/{contribution.id}").get_data(as_text=True)
    assert "Reported for a coordinator to look at" not in page
