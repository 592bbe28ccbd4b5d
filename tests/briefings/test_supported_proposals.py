"""A briefing links to the published consultations it supports, for whoever may read both."""

from portal import db
from portal.consultations import services as consultations
from tests import factories
from tests.conftest import sign_in_as

HEADING = "Consultations this briefing supports"


def _briefing_page(client, briefing):
    response = client.get(f"/briefings/{briefing.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_visitor_follows_a_briefing_to_the_consultation_it_supports(client, world):
    briefing, proposal = world["briefings"]["public"], world["proposals"]["open"]
    consultations.set_briefings(proposal, [briefing.id])
    consultations.set_briefings(world["proposals"]["draft"], [briefing.id])
    db.session.flush()
    html = _briefing_page(client, briefing)
    assert HEADING in html
    assert f'<a href="/proposals/{proposal.id}">Evening clinic hours</a>' in html
    assert "Parking changes" not in html  # a draft proposal is for its authors only


def test_a_briefing_without_consultations_says_nothing_about_them(client, world):
    assert HEADING not in _briefing_page(client, world["briefings"]["public"])


def test_a_members_only_communitys_consultations_are_not_listed_to_outsiders(client, world):
    hidden = factories.make_community(name="Private board", slug="private", visibility="invite")
    author = world["people"]["professional"]
    factories.make_membership(author, hidden, role="professional")
    briefing = factories.make_briefing(hidden, author, title="Rota explained")
    proposal = factories.make_proposal(hidden, author, title="Night rota")
    consultations.set_briefings(proposal, [briefing.id])
    db.session.flush()
    assert "Night rota" not in _briefing_page(client, briefing)  # the briefing itself is public
    sign_in_as(client, world["people"]["lay"])
    assert "Night rota" not in _briefing_page(client, briefing)
    sign_in_as(client, author)
    assert "Night rota" in _briefing_page(client, briefing)


def test_the_briefing_page_costs_the_same_statements_however_many_consultations_it_supports(
    client, world, count_queries
):
    a, author, briefing = world["a"], world["people"]["professional"], world["briefings"]["public"]
    consultations.set_briefings(world["proposals"]["open"], [briefing.id])
    client.get(f"/briefings/{briefing.id}")
    with count_queries() as few:
        _briefing_page(client, briefing)
    for number in range(6):
        proposal = factories.make_proposal(a, author, title=f"Proposal {number}")
        consultations.set_briefings(proposal, [briefing.id])
    db.session.flush()
    with count_queries() as many:
        html = _briefing_page(client, briefing)
    assert "Proposal 5" in html and len(many) == len(few)
