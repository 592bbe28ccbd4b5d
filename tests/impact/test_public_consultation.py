"""Signed out, a visitor reads a published consultation, its public decision and its trace;
members-only (invite-only) communities' consultations stay hidden."""

from datetime import timedelta

import pytest

from portal import db
from portal.consultations import heard, review, services, window
from portal.db import utcnow
from portal.impact import influence
from tests import factories
from tests.conftest import sign_in_as


def test_a_visitor_reads_a_decided_proposal_its_public_decision_and_its_trace(client, impact):
    proposal = impact["proposal"]
    impact["decision"].visibility = "public"
    db.session.flush()
    page = client.get(f"/proposals/{proposal.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Weekend phone line" in html
    assert impact["decision"].summary in html  # the decision marked "Everyone"
    trace = client.get(f"/proposals/{proposal.id}/trace")
    assert trace.status_code == 200 and "From views to changes" in trace.get_data(as_text=True)


def test_a_members_only_decision_is_not_shown_to_visitors(client, impact):
    impact["decision"].visibility = "members"
    db.session.flush()
    html = client.get(f"/proposals/{impact['proposal'].id}").get_data(as_text=True)
    assert impact["decision"].summary not in html


def test_an_invite_only_communitys_consultation_is_not_found_signed_out(client, impact):
    hidden = factories.make_community(name="Private board", visibility="invite")
    author = impact["people"]["professional"]
    factories.make_membership(author, hidden, role="professional")
    proposal = factories.make_proposal(hidden, author, title="Rota")
    assert client.get(f"/proposals/{proposal.id}").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/trace").status_code == 404
    draft = impact["proposals"]["draft"]
    assert client.get(f"/proposals/{draft.id}").status_code == 404


# The consultation page, as on GOV.UK: dates, ways to respond, background, questions ---------


def _page(client, proposal):
    response = client.get(f"/proposals/{proposal.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_visitor_reads_the_dates_the_ways_to_respond_the_briefing_and_the_questions(
    client, world
):
    proposal = world["proposals"]["open"]
    briefings = world["briefings"]
    services.set_briefings(proposal, [briefings["public"].id, briefings["members"].id])
    db.session.flush()
    html = _page(client, proposal)
    assert "Dates and outcome" in html and "Opened" in html and "Closes" in html
    assert "We will publish what we heard and our decision after it closes." in html
    assert "Ways to respond" in html
    assert f'href="/sign-in?next=/proposals/{proposal.id}">sign in</a>' in html
    assert 'href="/register">create an account</a>' in html
    assert 'href="/communities/alpha">join Alpha clinic</a> as a lay partner' in html
    assert "What do you think?" in html and "How good is it?" in html
    assert "Evening clinic" in html  # the public briefing behind it
    assert "Staff rota" not in html  # members-only background stays with members
    assert "Give your views" not in html


def test_a_visitor_reads_the_offline_ways_to_respond_the_community_offers(client, world):
    proposal, a = world["proposals"]["open"], world["a"]
    assert "Other ways to respond" not in _page(client, proposal)  # none offered yet
    a.respond_by_post = "Patient Experience Team\nAlpha Clinic\nLeeds LS1 4AB"
    a.respond_in_person = "Drop in on Tuesdays, 2pm to 4pm."
    db.session.flush()
    html = _page(client, proposal)
    assert "Other ways to respond" in html
    assert f"Say that your views are about “{proposal.title}”." in html
    assert "By post" in html and "Alpha Clinic" in html
    assert "In person" in html and "Drop in on Tuesdays" in html
    assert "By phone" not in html  # not offered, so not shown
    closed = factories.close(proposal)
    assert "Other ways to respond" not in _page(client, closed)


def test_the_proposal_page_says_when_the_outcome_is_due(client, world):
    proposal = world["proposals"]["open"]
    proposal.outcome_due_on = (proposal.closes_at + timedelta(days=30)).date()
    db.session.flush()
    due = proposal.outcome_due_on.strftime("%-d %B %Y")
    assert f"We will publish what we heard and our decision by {due}." in _page(client, proposal)
    closed = factories.close(proposal)
    assert f"Not made yet. We will publish it here by {due}." in _page(client, closed)


def test_signed_in_outside_the_community_a_person_is_asked_to_join_to_respond(client, world):
    sign_in_as(client, world["people"]["other_coordinator"])
    html = _page(client, world["proposals"]["open"])
    assert 'href="/communities/alpha">join Alpha clinic</a> as a lay partner' in html
    assert "sign in</a>" not in html


def test_a_lay_partner_responds_online_from_the_same_page(client, world, make_user):
    newcomer = make_user(email="new@example.org", display_name="New Person")
    factories.make_membership(newcomer, world["a"])
    sign_in_as(client, newcomer)
    html = _page(client, world["proposals"]["open"])
    assert "Your views" in html and "Give your views" in html
    assert "To respond online" not in html


def test_an_upcoming_consultation_says_when_it_opens(client, world):
    proposal = factories.make_proposal(
        world["a"], world["people"]["professional"], status="upcoming"
    )
    html = _page(client, proposal)
    assert "Opens" in html and "It opens for views on" in html


def test_a_closed_consultation_says_what_is_still_to_be_published(client, world):
    proposal = factories.close(world["proposals"]["open"])
    html = _page(client, proposal)
    assert "Closed" in html and "Ways to respond" not in html
    assert "Not published yet. We will publish it here." in html
    assert "Not made yet. We will publish it here." in html
    assert f'href="/proposals/{proposal.id}/trace"' in html


def test_a_decided_consultation_gives_the_decision_date_and_hides_a_members_only_decision(
    client, impact
):
    decision = impact["decision"]
    html = _page(client, impact["proposal"])
    assert 'href="#decision">Decided on' in html
    decision.visibility = "members"
    db.session.flush()
    html = _page(client, impact["proposal"])
    assert "The decision is for the community’s members only." in html
    assert decision.summary not in html


def test_who_moved_a_consultation_is_not_named_to_visitors(client, world):
    proposal, author = world["proposals"]["open"], world["people"]["professional"]
    window.pause(author, proposal, reason="A question had a mistake.")
    html = _page(client, proposal)
    assert "A question had a mistake." in html and author.display_name not in html
    sign_in_as(client, world["people"]["lay"])
    assert author.display_name in _page(client, proposal)


def test_the_signed_out_proposal_page_costs_the_same_statements_however_much_it_shows(
    client, world, count_queries
):
    a, author = world["a"], world["people"]["professional"]
    proposal = world["proposals"]["open"]
    client.get(f"/proposals/{proposal.id}")
    with count_queries() as few:
        _page(client, proposal)
    extra = [factories.make_briefing(a, author, title=f"Background {n}").id for n in range(5)]
    services.set_briefings(proposal, extra)
    for number in range(5):
        window.pause(author, proposal, reason=f"Pause {number}")
        window.resume(author, proposal, reason=f"Back {number}")
    with count_queries() as many:
        html = _page(client, proposal)
    assert "Background 4" in html and "Back 4" in html
    assert len(many) == len(few)


# What we heard, signed out ----------------------------------------------------------------


def test_a_visitor_reads_what_we_heard_once_it_is_published(client, world):
    proposal = factories.close(world["proposals"]["open"])
    path = f"/proposals/{proposal.id}/heard"
    unpublished = client.get(path)
    assert unpublished.status_code == 302 and "/sign-in" in unpublished.headers["Location"]
    assert "Not published yet. We will publish it here." in _page(client, proposal)
    heard.publish(world["people"]["coordinator"], proposal)
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Views given: 1. People who took part: 1." in html
    assert "Publish what we heard" not in html
    assert f'<a href="{path}">Read what we heard</a>, published on' in _page(client, proposal)


def test_what_we_heard_of_a_members_only_community_stays_with_members(client, world):
    hidden = factories.make_community(name="Private board", visibility="invite")
    author = world["people"]["professional"]
    factories.make_membership(author, hidden, role="coordinator")
    proposal = factories.close(factories.make_proposal(hidden, author, title="Rota"))
    heard.publish(author, proposal)
    assert client.get(f"/proposals/{proposal.id}/heard").status_code == 302
    sign_in_as(client, world["people"]["lay"])
    assert client.get(f"/proposals/{proposal.id}/heard").status_code == 404


def test_signed_out_what_we_heard_costs_the_same_statements_however_many_views(
    client, world, count_queries, make_user
):
    a, proposal = world["a"], world["proposals"]["open"]
    path = f"/proposals/{proposal.id}/heard"
    factories.close(proposal)
    heard.publish(world["people"]["coordinator"], proposal)
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    proposal.closes_at = utcnow() + timedelta(days=1)
    for number in range(5):
        person = make_user(email=f"many{number}@example.org", display_name=f"Many {number}")
        factories.make_membership(person, a)
        view = factories.make_contribution(proposal, a, person)
        review.add_theme(
            world["people"]["professional"], [view], review.theme_named(proposal, f"T{number}")
        )
    factories.close(proposal)
    with count_queries() as many:
        html = client.get(path).get_data(as_text=True)
    assert "T4" in html and len(many) == len(few)


# An open consultation's trace: its links are drafts, for reviewers only -------------------


@pytest.fixture
def draft_link(world):
    """A's open proposal with the lay partner's views linked to a change while it is open."""
    a, professional = world["a"], world["people"]["professional"]
    change = factories.make_change(a, professional, title="Draft evening rota")
    influence.link(
        professional,
        world["proposals"]["open"],
        target=f"change:{change.id}",
        effect="adopted",
        rationale="",
        contributions=[world["contribution"]],
    )
    influence.link(
        professional,
        world["proposals"]["open"],
        target=f"change:{change.id}",
        effect="informed",
        rationale="",
        theme=world["theme"],
    )
    return change


@pytest.mark.parametrize("role", ["anonymous", "lay", "other_coordinator"])
def test_visitors_and_lay_partners_never_see_an_open_consultations_draft_links(
    client, world, draft_link, role
):
    if role != "anonymous":
        sign_in_as(client, world["people"][role])
    page = client.get(f"/proposals/{world['proposals']['open'].id}/trace")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The consultation is still open." in html
    assert "Draft evening rota" not in html
    assert "Adopted" not in html and "Informed" not in html
    assert "<svg" not in html


def test_reviewers_see_an_open_consultations_draft_links_marked_as_drafts(
    client, world, draft_link
):
    sign_in_as(client, world["people"]["professional"])
    html = client.get(f"/proposals/{world['proposals']['open'].id}/trace").get_data(as_text=True)
    assert "these links are drafts" in html and "Draft evening rota" in html


def test_once_the_consultation_closes_everyone_sees_its_links(client, world, draft_link):
    proposal = factories.close(world["proposals"]["open"])
    html = client.get(f"/proposals/{proposal.id}/trace").get_data(as_text=True)
    assert "Draft evening rota" in html and "these links are drafts" not in html


def test_a_members_only_decision_is_not_shown_on_the_public_trace(client, impact):
    impact["decision"].visibility = "members"
    db.session.flush()
    html = client.get(f"/proposals/{impact['proposal'].id}/trace").get_data(as_text=True)
    assert impact["decision"].summary not in html
    assert "It is for the community’s members only." in html


def test_a_members_only_change_is_left_off_the_public_trace(client, impact):
    change = impact["change"]
    influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"change:{change.id}",
        effect="adopted",
        rationale="",
        contributions=[impact["named"]],
    )
    change.visibility = "members"
    db.session.flush()
    path = f"/proposals/{impact['proposal'].id}/trace"
    assert change.title not in client.get(path).get_data(as_text=True)
    sign_in_as(client, impact["people"]["lay"])  # a member of the community
    assert change.title in client.get(path).get_data(as_text=True)
