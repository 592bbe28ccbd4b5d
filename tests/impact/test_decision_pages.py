"""Recording the decision on a proposal, and showing it with the proposal."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities import timeline
from portal.communities.models import Community, Membership
from portal.impact.models import Decision
from tests import factories
from tests.conftest import post_form, sign_in_as


@pytest.fixture
def closed(impact):
    """A closed proposal of community A with no decision yet."""
    return factories.make_proposal(
        impact["a"], impact["people"]["professional"], status="closed", title="Car park charges"
    )


def _professional_of_alpha():
    return db.session.scalar(
        sa.select(Membership.user_id)
        .join(Community, Community.id == Membership.community_id)
        .where(Community.slug == "alpha", Membership.role == "professional")
        .limit(1)
    )


def decision_form(**changes):
    today = date.today()
    target = today + timedelta(days=90)
    data = {
        "kind": "approved_with_changes",
        "owner_id": str(_professional_of_alpha()),
        "target_on-day": str(target.day),
        "target_on-month": str(target.month),
        "target_on-year": str(target.year),
        "summary": "Parking stays free for people having treatment.",
        "reasons": "Most people told us the charge would stop them coming.",
        "decided_by": "Estates committee",
        "decided_on-day": str(today.day),
        "decided_on-month": str(today.month),
        "decided_on-year": str(today.year),
        "visibility": "public",
    }
    data.update(changes)
    return data


def decision_of(proposal):
    db.session.expire_all()  # the page wrote it in its own session
    return db.session.scalar(sa.select(Decision).where(Decision.proposal_id == proposal.id))


def test_an_author_records_the_decision_and_the_proposal_shows_it(client, impact, closed):
    sign_in_as(client, impact["people"]["professional"])
    before = client.get(f"/proposals/{closed.id}").get_data(as_text=True)
    assert "Record the decision" in before
    page = client.get(f"/proposals/{closed.id}/decision")
    assert page.status_code == 200
    assert 'name="decided_on-day"' in page.get_data(as_text=True)
    response = post_form(client, f"/proposals/{closed.id}/decision", decision_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{closed.id}/decision#next")
    db.session.refresh(closed)
    assert closed.status() == "decided"
    assert decision_of(closed).decided_by == "Estates committee"
    assert db.session.scalar(
        sa.select(timeline.TimelineEvent.id).where(
            timeline.TimelineEvent.kind == timeline.PROPOSAL_DECIDED,
            timeline.TimelineEvent.subject_id == closed.id,
        )
    )
    sign_in_as(client, impact["people"]["lay"])
    shown = client.get(f"/proposals/{closed.id}").get_data(as_text=True)
    assert "Parking stays free for people having treatment." in shown
    assert "the charge would stop them coming" in shown
    assert "Decided by Estates committee" in shown
    assert "Record the decision" not in shown and "Change the decision" not in shown


def test_the_decision_form_is_filled_in_to_change_it(client, impact):
    proposal = impact["proposal"]
    sign_in_as(client, impact["people"]["coordinator"])
    assert "Change the decision" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    page = client.get(f"/proposals/{proposal.id}/decision").get_data(as_text=True)
    assert "Clinical governance committee" in page
    assert f'value="{date.today().year}"' in page
    response = post_form(
        client,
        f"/proposals/{proposal.id}/decision",
        decision_form(summary="Open on Tuesdays only.", visibility="members"),
    )
    assert response.status_code == 302
    decision = decision_of(proposal)
    assert decision.id == impact["decision"].id
    assert decision.summary == "Open on Tuesdays only." and decision.visibility == "members"


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2025", "Enter a real date"),
        ("12", "", "2025", "Enter a full date"),
        ("1", "1", "25", "Enter the year as 4 numbers"),
        ("", "", "", "Enter the date of the decision"),
    ],
)
def test_a_bad_date_is_explained_and_everything_typed_is_kept(
    client, impact, closed, day, month, year, message
):
    sign_in_as(client, impact["people"]["professional"])
    response = post_form(
        client,
        f"/proposals/{closed.id}/decision",
        decision_form(
            **{"decided_on-day": day, "decided_on-month": month, "decided_on-year": year}
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert 'href="#decided_on"' in page  # the error summary leads to the day box
    assert "Parking stays free for people having treatment." in page
    assert "Estates committee" in page
    if day:
        assert f'name="decided_on-day" type="text" inputmode="numeric" value="{day}"' in page
    assert decision_of(closed) is None


def test_a_date_in_the_future_and_missing_words_are_refused(client, impact, closed):
    sign_in_as(client, impact["people"]["professional"])
    tomorrow = date.today() + timedelta(days=1)
    response = post_form(
        client,
        f"/proposals/{closed.id}/decision",
        decision_form(
            summary="",
            decided_by="",
            **{
                "decided_on-day": str(tomorrow.day),
                "decided_on-month": str(tomorrow.month),
                "decided_on-year": str(tomorrow.year),
            },
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say what was decided" in page and "Say who decided" in page
    assert "must be today or in the past" in page
    assert "the charge would stop them coming" in page
    assert decision_of(closed) is None


def test_an_open_proposal_cannot_be_decided_yet(client, impact):
    proposal = factories.make_proposal(impact["a"], impact["people"]["professional"])
    sign_in_as(client, impact["people"]["professional"])
    page = client.get(f"/proposals/{proposal.id}/decision")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "once the proposal has closed" in text and 'name="summary"' not in text
    response = post_form(client, f"/proposals/{proposal.id}/decision", decision_form())
    assert response.status_code == 400
    assert decision_of(proposal) is None and proposal.status() == "open"


def test_only_authors_of_the_community_record_decisions(client, impact, closed):
    path = f"/proposals/{closed.id}/decision"
    assert client.get(path).status_code == 302  # signed out: sign in first
    sign_in_as(client, impact["people"]["lay"])
    assert client.get(path).status_code == 403
    assert post_form(client, path, decision_form()).status_code == 403
    sign_in_as(client, impact["people"]["other_coordinator"])
    assert client.get(path).status_code == 404
    assert decision_of(closed) is None
