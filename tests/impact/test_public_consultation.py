"""Signed out, a visitor reads a published consultation, its public decision and its trace;
members-only (invite-only) communities' consultations stay hidden."""

from portal import db
from tests import factories


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
