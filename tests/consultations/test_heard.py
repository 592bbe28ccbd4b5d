"""What we heard: the summary of a closed consultation, who publishes it and who reads it."""

from datetime import date

import pytest

from portal import db
from portal.consultations import contributions, heard, moderation, review, services
from portal.consultations.models import OPEN
from portal.db import utcnow
from tests import factories
from tests.conftest import post_form, sign_in_as


@pytest.fixture
def heard_world(world, make_user):
    """A's open proposal with: the lay partner's quoted view (world), an anonymous view, a
    withdrawn one, and a meeting of five recorded by the coordinator; two themes; then closed."""
    a, proposal = world["a"], world["proposals"]["open"]
    coordinator, professional = world["people"]["coordinator"], world["people"]["professional"]
    second = make_user(email="second@example.org", display_name="Second")
    gone = make_user(email="gone@example.org", display_name="Gone")
    factories.make_membership(second, a)
    factories.make_membership(gone, a)
    anonymous = factories.make_contribution(proposal, a, second, identity="anonymous")
    withdrawn = factories.make_contribution(proposal, a, gone)
    contributions.withdraw(gone, withdrawn, proposal)
    questions = services.questions(proposal)
    meeting = moderation.record_offline(
        coordinator,
        proposal,
        questions,
        source="meeting",
        source_date=date.today(),
        people_count=5,
        answers={q.id: ("Evenings, please.", 3, []) for q in questions},
        key="meeting-1",
    )
    travel = world["theme"]
    review.add_theme(professional, [world["contribution"], anonymous, meeting], travel)
    review.add_theme(professional, [meeting], review.theme_named(proposal, "Parking"))
    review.add_theme(professional, [withdrawn], review.theme_named(proposal, "Withdrawn only"))
    moderation.approve_quote(
        coordinator, world["contribution"], "I would come in the evening after work."
    )
    factories.close(proposal)
    return world


def test_the_summary_counts_views_people_routes_themes_and_approved_quotes(heard_world):
    found = heard.summary(heard_world["proposals"]["open"])
    assert (found.views, found.people) == (3, 7)  # the withdrawn view is not counted
    assert {(r.source, r.views, r.people) for r in found.by_source} == {
        ("online", 2, 2),
        ("meeting", 1, 5),
    }
    assert [(t.name, t.views) for t in found.themes] == [("Evening travel", 3), ("Parking", 1)]
    assert found.quotes == ["I would come in the evening after work."]


def test_reviewers_read_it_first_then_the_author_publishes_it_for_members(client, heard_world):
    proposal = heard_world["proposals"]["open"]
    path = f"/proposals/{proposal.id}/heard"
    sign_in_as(client, heard_world["people"]["lay"])
    assert client.get(path).status_code == 404
    sign_in_as(client, heard_world["people"]["professional"])
    page = client.get(path).get_data(as_text=True)
    assert "Not published yet" in page and "Views given: 3. People who took part: 7." in page
    assert "I would come in the evening after work." in page and "Lay Person" not in page
    assert post_form(client, f"{path}/publish").status_code == 302
    published = client.get(path).get_data(as_text=True)  # world A takes join requests
    assert "What we heard is published for everyone to read." in published
    sign_in_as(client, heard_world["people"]["lay"])
    page = client.get(path).get_data(as_text=True)
    assert "Evening travel" in page and "Not published yet" not in page
    show = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}/heard"' in show


def test_only_the_author_and_coordinators_publish_it_and_only_once_closed(client, world, make_user):
    a, proposal = world["a"], world["proposals"]["open"]
    colleague = make_user(email="colleague@example.org", display_name="Dr Colleague")
    factories.make_membership(colleague, a, "professional")
    with pytest.raises(heard.Refused):
        heard.publish(world["people"]["coordinator"], proposal)  # still open
    assert proposal.status() == OPEN
    factories.close(proposal)
    sign_in_as(client, colleague)
    assert client.get(f"/proposals/{proposal.id}/heard").status_code == 200  # a reviewer
    assert post_form(client, f"/proposals/{proposal.id}/heard/publish").status_code == 403
    db.session.refresh(proposal)
    assert proposal.heard_published_at is None
    heard.publish(world["people"]["coordinator"], proposal)
    assert proposal.heard_published_at is not None


def test_the_summary_page_costs_the_same_queries_however_many_views(
    client, heard_world, count_queries, make_user
):
    a, proposal = heard_world["a"], heard_world["proposals"]["open"]
    path = f"/proposals/{proposal.id}/heard"
    sign_in_as(client, heard_world["people"]["coordinator"])
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    proposal.closes_at = utcnow().replace(year=2040)
    for number in range(8):
        person = make_user(email=f"many{number}@example.org", display_name=f"Many {number}")
        factories.make_membership(person, a)
        view = factories.make_contribution(proposal, a, person, quote_consent=True)
        review.add_theme(
            heard_world["people"]["professional"],
            [view],
            review.theme_named(proposal, f"T{number}"),
        )
        moderation.approve_quote(heard_world["people"]["coordinator"], view, f"Quote {number}")
    factories.close(proposal)
    with count_queries() as many:
        page = client.get(path)
    assert page.status_code == 200 and len(many) == len(few)
    assert "Views given: 11. People who took part: 15." in page.get_data(as_text=True)


def test_the_closed_list_marks_which_proposals_still_need_a_decision(client, world):
    a, author = world["a"], world["people"]["professional"]
    waiting = factories.close(world["proposals"]["open"])
    decided = factories.make_proposal(a, author, title="Parking at the day unit")
    factories.make_decision(decided, a, author)
    sign_in_as(client, author)
    page = client.get("/communities/alpha/proposals?status=closed").get_data(as_text=True)
    cards = page.split('<li class="nhsuk-card')[1:]
    (waiting_card,) = [card for card in cards if waiting.title in card]
    (decided_card,) = [card for card in cards if "Parking at the day unit" in card]
    assert "Needs a decision" in waiting_card
    assert "Needs a decision" not in decided_card and "Decided" in decided_card
