"""A consultation's life: closing early, extending, pausing, its history, and held outcomes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import db, signals
from portal.communities.services import NotAllowed
from portal.consultations import contributions, window
from portal.consultations.models import ProposalEvent
from portal.db import utcnow
from portal.impact import influence
from portal.impact.models import OutcomeNotice
from portal.outbox import OutboxMessage
from tests import factories
from tests.conftest import post_form, sign_in_as


def messages(kind):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()


@pytest.fixture
def consulted(world, make_user):
    """The open proposal of A with views from the lay partner, an anonymous Welsh speaker,
    and one who withdrew."""
    a, proposal = world["a"], world["proposals"]["open"]
    welsh = make_user(email="cymraeg@example.org", display_name="Siân", locale="cy")
    gone = make_user(email="gone@example.org", display_name="Gone Person")
    factories.make_membership(welsh, a)
    factories.make_membership(gone, a)
    anonymous = factories.make_contribution(proposal, a, welsh, identity="anonymous")
    withdrawn = factories.make_contribution(proposal, a, gone)
    contributions.withdraw(gone, withdrawn, proposal)
    db.session.flush()
    return {**world, "welsh": welsh, "gone": gone, "anonymous": anonymous}


def test_an_author_closes_early_and_every_contributor_is_told_once(client, consulted):
    proposal = consulted["proposals"]["open"]
    moves = []

    def moved(sender, **details):
        moves.append((sender.id, details["what"], details["by"].id))

    sign_in_as(client, consulted["people"]["professional"])
    with signals.proposal_moved.connected_to(moved):
        response = post_form(
            client,
            f"/proposals/{proposal.id}/window/close",
            {"reason": "We have heard enough to decide."},
        )
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert proposal.status() == "closed"
    told = messages("proposal_closed_early")
    assert sorted(m.to_email for m in told) == ["cymraeg@example.org", "lay@example.org"]
    assert all("We have heard enough to decide." in m.body for m in told)
    assert moves == [(proposal.id, "closed_early", consulted["people"]["professional"].id)]
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Closed early" in page and "We have heard enough to decide." in page
    (event,) = db.session.scalars(sa.select(ProposalEvent)).all()
    assert (event.kind, event.actor_id) == ("closed_early", consulted["people"]["professional"].id)
    # Closing again is refused, and nobody is told twice.
    again = post_form(client, f"/proposals/{proposal.id}/window/close", {"reason": "Again"})
    assert again.status_code == 302
    assert len(messages("proposal_closed_early")) == 2


def test_extending_tells_contributors_the_new_date_in_their_language(client, consulted, app):
    proposal = consulted["proposals"]["open"]
    sign_in_as(client, consulted["people"]["coordinator"])
    response = post_form(
        client,
        f"/proposals/{proposal.id}/window/extend",
        {"closes_at": "2031-03-31T17:00", "reason": "More people asked for time."},
    )
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert proposal.closes_at.year == 2031
    by_email = {m.to_email: m for m in messages("proposal_extended")}
    assert set(by_email) == {"cymraeg@example.org", "lay@example.org"}
    assert "31 Mar 2031" in by_email["lay@example.org"].body
    assert "More people asked for time." in by_email["lay@example.org"].body
    welsh = by_email["cymraeg@example.org"]
    assert "2031" in welsh.body and welsh.subject != by_email["lay@example.org"].subject
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Extended" in page and "More people asked for time." in page


def test_extending_moves_the_day_the_outcome_is_due(client, consulted):
    proposal = consulted["proposals"]["open"]
    proposal.outcome_due_on = (proposal.closes_at + timedelta(days=10)).date()
    db.session.flush()
    sign_in_as(client, consulted["people"]["coordinator"])
    url = f"/proposals/{proposal.id}/window/extend"
    kept = {"closes_at": "2031-03-31T17:00", "reason": "More people asked for time."}
    response = post_form(client, url, kept)
    assert response.status_code == 400  # the outcome would be due before it closes
    html = response.get_data(as_text=True)
    assert "The outcome is due before the new closing date. Choose a later day for it" in html
    assert 'value="2031-03-31T17:00"' in html and "More people asked for time." in html
    db.session.refresh(proposal)
    assert proposal.closes_at.year != 2031
    early = {
        **kept,
        "outcome_due_on-day": "1",
        "outcome_due_on-month": "3",
        "outcome_due_on-year": "2031",
    }
    response = post_form(client, url, early)
    assert "Choose a day for the outcome after the new closing date" in response.get_data(
        as_text=True
    )
    later = {**early, "outcome_due_on-day": "30", "outcome_due_on-month": "6"}
    assert post_form(client, url, later).status_code == 302
    db.session.refresh(proposal)
    assert proposal.closes_at.year == 2031
    assert proposal.outcome_due_on.isoformat() == "2031-06-30"
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "We will publish what we heard and our decision by 30 June 2031." in html


@pytest.mark.parametrize(
    "data, error",
    [
        ({"closes_at": "2020-01-01T10:00", "reason": "Later"}, "later than the current one"),
        ({"closes_at": "", "reason": "Later"}, "Enter the new closing date and time"),
        ({"closes_at": "2031-03-31T17:00", "reason": ""}, "Give the reason"),
    ],
)
def test_an_extension_needs_a_later_time_and_a_reason(client, consulted, data, error):
    proposal = consulted["proposals"]["open"]
    closes = proposal.closes_at
    sign_in_as(client, consulted["people"]["professional"])
    response = post_form(client, f"/proposals/{proposal.id}/window/extend", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in page and error in page
    assert data["reason"] in page  # what they typed is kept
    db.session.refresh(proposal)
    assert proposal.closes_at == closes and not messages("proposal_extended")


def test_a_pause_stops_new_views_until_it_resumes(client, world, make_user):
    a, proposal = world["a"], world["proposals"]["open"]
    newcomer = make_user(email="new@example.org", display_name="New Person")
    factories.make_membership(newcomer, a)
    window.pause(world["people"]["professional"], proposal, reason="A mistake in question 2")
    assert proposal.status() == "paused"
    sign_in_as(client, newcomer)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Paused" in page and "Give your views" not in page
    assert client.get(f"/proposals/{proposal.id}/contribute").status_code == 302
    with pytest.raises(contributions.Refused):
        factories.make_contribution(proposal, a, newcomer)
    window.resume(world["people"]["coordinator"], proposal, reason="Question 2 is fixed")
    assert proposal.status() == "open"
    assert factories.make_contribution(proposal, a, newcomer).id


def test_only_the_author_and_coordinators_move_the_window(client, world, make_user):
    a, proposal = world["a"], world["proposals"]["open"]
    colleague = make_user(email="colleague@example.org", display_name="Dr Colleague")
    factories.make_membership(colleague, a, "professional")
    sign_in_as(client, colleague)
    assert client.get(f"/proposals/{proposal.id}/window/pause").status_code == 403
    with pytest.raises(NotAllowed):
        window.pause(colleague, proposal, reason="No")
    assert proposal.paused_at is None
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get(f"/proposals/{proposal.id}/window/pause").status_code == 200
    assert client.get(f"/proposals/{proposal.id}/window/jump").status_code == 404
    # A move that does not fit the consultation now leads back to the proposal, saying why.
    response = client.get(f"/proposals/{proposal.id}/window/resume", follow_redirects=True)
    assert "This consultation is not paused." in response.get_data(as_text=True)


# Outcomes are told once the consultation closes -----------------------------------------


def _link_while_open(world):
    a, proposal = world["a"], world["proposals"]["open"]
    change = factories.make_change(a, world["people"]["professional"])
    influence.link(
        world["people"]["professional"],
        proposal,
        target=f"change:{change.id}",
        effect="adopted",
        rationale="Evening hours were asked for.",
        contributions=[world["contribution"]],
    )
    return proposal


def test_a_link_on_an_open_proposal_is_a_draft_nobody_is_told_of(client, world):
    proposal = _link_while_open(world)
    contribution = world["contribution"]
    assert contribution.outcome == "awaiting" and not messages("contribution_outcome")
    sign_in_as(client, world["people"]["lay"])
    own = client.get(f"/contributions/{contribution.id}").get_data(as_text=True)
    assert "What your views changed" not in own
    impact = client.get("/my/impact").get_data(as_text=True)
    assert "What your views led to" not in impact
    sign_in_as(client, world["people"]["professional"])
    review = client.get(f"/review/contributions/{contribution.id}").get_data(as_text=True)
    assert "People are told when the consultation closes." in review
    assert proposal.outcomes_released_at is None


def test_closing_early_tells_held_outcomes_once(client, world):
    proposal = _link_while_open(world)
    window.close_early(world["people"]["coordinator"], proposal, reason="Enough")
    assert world["contribution"].outcome == "shaped"
    assert [m.to_email for m in messages("contribution_outcome")] == ["lay@example.org"]
    assert influence.release_due() == 0
    assert influence.release(proposal) == 0
    assert len(messages("contribution_outcome")) == 1
    sign_in_as(client, world["people"]["lay"])
    own = client.get(f"/contributions/{world['contribution'].id}").get_data(as_text=True)
    assert "What your views changed" in own


def test_closing_by_time_tells_held_outcomes_once_from_the_worker(app, world):
    proposal = _link_while_open(world)
    proposal.closes_at = utcnow() - timedelta(minutes=1)  # its time has passed
    db.session.flush()
    assert not messages("contribution_outcome")
    result = app.test_cli_runner().invoke(args=["consultations", "close-due"])
    assert result.exit_code == 0, result.output
    assert "Closed proposals handled: 1." in result.output
    assert world["contribution"].outcome == "shaped"
    assert proposal.outcomes_released_at is not None
    assert app.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
    assert [m.to_email for m in messages("contribution_outcome")] == ["lay@example.org"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutcomeNotice)) == 1


def test_history_and_proposal_page_cost_the_same_queries_however_long(client, world, count_queries):
    _a, proposal = world["a"], world["proposals"]["open"]
    author = world["people"]["professional"]
    window.pause(author, proposal, reason="One")
    sign_in_as(client, author)
    client.get(f"/proposals/{proposal.id}")
    with count_queries() as few:
        assert client.get(f"/proposals/{proposal.id}").status_code == 200
    for number in range(10):
        window.resume(author, proposal, reason=f"Back {number}")
        window.pause(author, proposal, reason=f"Again {number}")
    with count_queries() as many:
        page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200 and len(many) == len(few)
    assert "Again 9" in page.get_data(as_text=True)


def test_an_early_close_reaches_each_contributor_in_their_own_language(client, world, make_user):
    a, proposal = world["a"], world["proposals"]["open"]
    arabic = make_user(email="arabic@example.org", display_name="Layla", locale="ar")
    factories.make_membership(arabic, a)
    factories.make_contribution(proposal, a, arabic, identity="pseudonym")
    world["people"]["coordinator"].locale = "cy"
    sign_in_as(client, world["people"]["coordinator"])
    form = client.get(f"/proposals/{proposal.id}/window/close").get_data(as_text=True)
    assert "Cau'r ymgynghoriad yn gynnar" in form
    post_form(client, f"/proposals/{proposal.id}/window/close", {"reason": "Digon"})
    by_email = {m.to_email: m for m in messages("proposal_closed_early")}
    assert by_email["arabic@example.org"].subject.startswith("استشارة أُغلقت مبكرًا")
    assert by_email["lay@example.org"].subject.startswith("A consultation closed early")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Rheswm: Digon" in page and "Wedi cau&#39;n gynnar" in page
