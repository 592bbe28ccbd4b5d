"""Writing and publishing proposals: questions, the window and the reading-age gate."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.consultations import services
from portal.consultations.models import Proposal
from portal.db import utcnow
from portal.outbox import IN_APP_ONLY, OutboxMessage
from tests import factories
from tests.conftest import post_form, sign_in_as

HARD = (
    "Multidisciplinary oncological evaluation necessitates comprehensive "
    "histopathological characterisation, facilitating individualised therapeutic "
    "interventions that optimise survivorship outcomes considerably."
)


def announced_to(proposal):
    return sorted(
        db.session.scalars(
            sa.select(OutboxMessage.to_email).where(
                OutboxMessage.kind == "proposal_opened",
                OutboxMessage.link.like(f"%/proposals/{proposal.id}"),
            )
        )
    )


def test_a_professional_writes_a_proposal_with_questions_and_publishes_it(client, world):
    sign_in_as(client, world["people"]["professional"])
    response = post_form(
        client,
        "/communities/alpha/proposals/new",
        {
            "title": "Weekend phone line",
            "summary": "We want to answer the phone on Saturdays.",
            "problem": "Nobody answers at weekends.",
            "change": "A nurse answers from 9am to 1pm on Saturdays.",
            "affects": "Everyone who has treatment here.",
            "closes_at": (utcnow() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.title == "Weekend phone line"))
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/questions")
    post_form(
        client,
        f"/proposals/{proposal.id}/questions/new",
        {"prompt": "Would you call on a Saturday?", "kind": "single", "options": "Yes\nNo"},
    )
    post_form(
        client,
        f"/proposals/{proposal.id}/questions/new",
        {"prompt": "Anything else?", "kind": "text"},
    )
    first, second = services.questions(proposal)
    post_form(client, f"/proposals/{proposal.id}/questions/{second.id}/move", {"direction": "up"})
    assert [q.prompt for q in services.questions(proposal)] == [
        "Anything else?",
        "Would you call on a Saturday?",
    ]
    assert services.questions(proposal)[1].options == ["Yes", "No"]
    response = post_form(client, f"/proposals/{proposal.id}/publish")
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    db.session.refresh(proposal)
    assert proposal.status() == "open"
    assert announced_to(proposal) == ["lay@example.org"]  # active lay partners only


PROPOSAL = {
    "title": "Saturday clinic",
    "summary": "We want to open on Saturdays.",
    "problem": "People work in the week.",
    "change": "A clinic from 9am to 1pm on Saturdays.",
    "affects": "Everyone who has treatment here.",
}


@pytest.mark.parametrize(
    "day, month, year, error",
    [
        ("31", "2", "2031", "Enter a real date, for example 27 3 2026"),
        ("1", "", "2031", "Enter a full date, with the day, the month and the year"),
        ("1", "1", "2020", "The outcome date must be after the closing date"),
    ],
)
def test_the_outcome_date_must_be_real_and_after_the_closing_date(
    client, world, day, month, year, error
):
    sign_in_as(client, world["people"]["professional"])
    closes = (utcnow() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    data = {
        **PROPOSAL,
        "closes_at": closes,
        "outcome_due_on-day": day,
        "outcome_due_on-month": month,
        "outcome_due_on-year": year,
    }
    response = post_form(client, "/communities/alpha/proposals/new", data)
    html = response.get_data(as_text=True)
    assert error in html
    assert f'value="{year}"' in html and "People work in the week." in html  # nothing lost
    assert db.session.scalar(sa.select(Proposal).where(Proposal.title == "Saturday clinic")) is None


def test_an_author_sets_when_the_outcome_will_be_published(client, world):
    sign_in_as(client, world["people"]["professional"])
    closes = utcnow() + timedelta(days=14)
    due = (closes + timedelta(days=30)).date()
    data = {
        **PROPOSAL,
        "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        "outcome_due_on-day": str(due.day),
        "outcome_due_on-month": str(due.month),
        "outcome_due_on-year": str(due.year),
    }
    post_form(client, "/communities/alpha/proposals/new", data)
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.title == "Saturday clinic"))
    assert proposal.outcome_due_on == due
    form = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert f'name="outcome_due_on-year" type="text" inputmode="numeric" value="{due.year}"' in form
    cleared = {
        **data,
        "outcome_due_on-day": "",
        "outcome_due_on-month": "",
        "outcome_due_on-year": "",
    }
    post_form(client, f"/proposals/{proposal.id}/edit", cleared)
    db.session.refresh(proposal)
    assert proposal.outcome_due_on is None


def test_a_list_question_needs_two_to_ten_different_choices(client, world):
    sign_in_as(client, world["people"]["professional"])
    draft = world["proposals"]["draft"]
    response = post_form(
        client,
        f"/proposals/{draft.id}/questions/new",
        {"prompt": "Which day?", "kind": "single", "options": "Monday"},
    )
    page = response.get_data(as_text=True)
    assert "Give between 2 and 10 choices" in page and 'value="Which day?"' in page
    response = post_form(
        client,
        f"/proposals/{draft.id}/questions/new",
        {"prompt": "Which day?", "kind": "single", "options": "Monday\nmonday"},
    )
    assert "Each choice must be different" in response.get_data(as_text=True)


def test_publishing_needs_questions_and_a_closing_time_in_the_future(world):
    professional, a = world["people"]["professional"], world["a"]
    proposal = services.create(
        professional,
        a,
        title="T",
        summary="We plan a change.",
        problem="P",
        change="C",
        affects="A",
    )
    with pytest.raises(services.Refused, match="at least one question"):
        services.publish(professional, proposal)
    services.save_question(professional, proposal, prompt="Why?", kind="text")
    with pytest.raises(services.Refused, match="closing time"):
        services.publish(professional, proposal)
    proposal.closes_at = utcnow() - timedelta(days=1)
    with pytest.raises(services.Refused, match="closing time"):
        services.publish(professional, proposal)


def test_the_summary_above_target_needs_a_coordinator_and_a_reason(world):
    a = world["a"]
    proposal = factories.make_proposal(a, world["people"]["professional"], status="draft")
    proposal.summary = HARD
    proposal.closes_at = utcnow() + timedelta(days=10)
    with pytest.raises(services.Refused, match="ask a coordinator"):
        services.publish(world["people"]["professional"], proposal)
    with pytest.raises(services.NeedsReason):
        services.publish(world["people"]["coordinator"], proposal)
    services.publish(world["people"]["coordinator"], proposal, override_reason="Agreed wording")
    assert proposal.override_reason == "Agreed wording" and proposal.reading_age > 11


def test_status_follows_the_window_without_anything_running(world):
    proposal = factories.make_proposal(world["a"], world["people"]["professional"], status="draft")
    assert proposal.status() == "draft"
    now = utcnow()
    proposal.published_at = now
    proposal.opens_at, proposal.closes_at = now + timedelta(days=1), now + timedelta(days=8)
    assert proposal.status(now) == "upcoming"
    assert proposal.status(now + timedelta(days=2)) == "open"
    assert proposal.status(now + timedelta(days=9)) == "closed"
    proposal.decided_at = now
    assert proposal.status(now + timedelta(days=2)) == "decided"


def test_a_scheduled_proposal_is_announced_when_it_opens(world):
    a, professional = world["a"], world["people"]["professional"]
    world["people"]["lay"].email_notifications = False
    proposal = factories.make_proposal(a, professional, status="draft")
    proposal.opens_at = utcnow() + timedelta(days=1)
    proposal.closes_at = utcnow() + timedelta(days=10)
    services.publish(professional, proposal)
    assert proposal.status() == "upcoming" and announced_to(proposal) == []
    assert services.announce_due() == 0
    assert services.announce_due(now=utcnow() + timedelta(days=2)) == 1
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "proposal_opened")
    )
    assert message.to_email == "lay@example.org" and message.status == IN_APP_ONLY
    assert services.announce_due(now=utcnow() + timedelta(days=3)) == 0  # once only


def test_questions_are_fixed_once_open_but_one_can_be_added_with_a_note(world):
    proposal, _a = world["proposals"]["open"], world["a"]
    professional = world["people"]["professional"]
    question = services.questions(proposal)[0]
    with pytest.raises(services.Refused, match="cannot change"):
        services.save_question(
            professional, proposal, question=question, prompt="New words", kind="text"
        )
    with pytest.raises(services.NeedsNote):
        services.save_question(professional, proposal, prompt="Parking?", kind="text")
    added = services.save_question(
        professional, proposal, prompt="Parking?", kind="text", added_note="Many asked."
    )
    assert added.added_note == "Many asked." and not added.required
    with pytest.raises(services.Refused, match="fixed"):
        services.move_question(professional, proposal, question, 1)


def test_members_see_open_proposals_on_the_community_page_and_others_do_not(client, world):
    title = world["proposals"]["open"].title
    assert title not in client.get("/communities/alpha").get_data(as_text=True)
    sign_in_as(client, world["people"]["lay"])
    page = client.get("/communities/alpha").get_data(as_text=True)
    assert "Open for your views" in page and title in page
    assert "Parking changes" not in page  # a draft


def test_the_proposal_lists_its_briefings_and_the_briefing_lists_it(client, world):
    proposal, _a = world["proposals"]["draft"], world["a"]
    services.update(
        world["people"]["professional"],
        proposal,
        briefing_ids=[world["briefings"]["public"].id, world["briefings"]["draft"].id],
    )
    assert services.linked_briefing_ids(proposal) == [world["briefings"]["public"].id]
    sign_in_as(client, world["people"]["professional"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Evening clinic" in page
    proposal.published_at = utcnow()
    db.session.commit()
    insights = client.get(f"/briefings/{world['briefings']['public'].id}/insights")
    assert "Parking changes" in insights.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/communities/alpha/proposals", "/communities/alpha"])
def test_proposal_lists_cost_the_same_statements_with_many_proposals(
    client, world, count_queries, path
):
    sign_in_as(client, world["people"]["lay"])
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for number in range(25):
        factories.make_proposal(world["a"], world["people"]["professional"], title=f"P{number}")
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few)


def test_the_outbox_worker_announces_proposals_as_they_open(app, world):
    a, professional = world["a"], world["people"]["professional"]
    proposal = factories.make_proposal(a, professional, status="draft")
    proposal.opens_at = utcnow() + timedelta(seconds=1)
    proposal.closes_at = utcnow() + timedelta(days=10)
    services.publish(professional, proposal)
    proposal.opens_at = utcnow() - timedelta(minutes=1)  # its time has come
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    (message,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "proposal_opened")
    ).all()
    assert message.link == f"http://127.0.0.1:5000/proposals/{proposal.id}"


def test_an_upcoming_proposal_keeps_a_sensible_window(world):
    a, professional = world["a"], world["people"]["professional"]
    proposal = factories.make_proposal(a, professional, status="upcoming")
    closes = proposal.closes_at
    with pytest.raises(services.Refused, match="closing time"):
        services.update(professional, proposal, opens_at=proposal.opens_at, closes_at=None)
    assert proposal.closes_at == closes  # nothing changed
