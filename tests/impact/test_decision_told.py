"""A decision's type, owner and target date; telling every contributor; next steps; the link
form's own targets; changes listed with their proposal, and proposals with their change."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities.services import Refused
from portal.impact import influence
from portal.impact.models import Decision
from portal.outbox import OutboxMessage
from tests import factories
from tests.conftest import post_form, sign_in_as


def _date(name, day):
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def decision_form(owner, **changes):
    data = {
        "kind": "approved_with_changes",
        "owner_id": str(owner.id),
        "summary": "Phones open on Saturday mornings.",
        "reasons": "People asked for weekends; Saturdays can be staffed.",
        "decided_by": "Service board",
        "visibility": "public",
        **_date("decided_on", date.today()),
        **_date("target_on", date(2027, 3, 31)),
    }
    data.update(changes)
    return data


@pytest.fixture
def answered(impact):
    """A closed proposal with views given named, anonymously (a Welsh speaker), under a
    pseudonym, and one withdrawn; no decision yet."""
    a, people = impact["a"], impact["people"]
    proposal = factories.make_proposal(a, people["professional"], title="Saturday phones")
    views = {
        "named": factories.make_contribution(proposal, a, people["lay"]),
        "anonymous": factories.make_contribution(
            proposal, a, impact["second"], identity="anonymous"
        ),
        "pseudonym": factories.make_contribution(
            proposal, a, impact["third"], identity="pseudonym"
        ),
    }
    gone = factories.make_user(email="gone@example.org", display_name="Gone Away")
    factories.make_membership(gone, a)
    withdrawn = factories.make_contribution(proposal, a, gone)
    withdrawn.withdrawn_at = withdrawn.submitted_at
    factories.close(proposal)
    return {**impact, "answered": proposal, "views": views, "gone": gone}


def _told(user, proposal):
    """The decision messages this person got about this proposal."""
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == user.id,
            OutboxMessage.kind == "decision_recorded",
            OutboxMessage.link.like(f"%/proposals/{proposal.id}#decision"),
        )
    ).all()


def test_the_form_prefills_today_and_the_saved_decision_shows_its_type_owner_and_date(
    client, answered
):
    proposal, pro = answered["answered"], answered["people"]["professional"]
    coordinator = answered["people"]["coordinator"]
    sign_in_as(client, pro)
    page = client.get(f"/proposals/{proposal.id}/decision").get_data(as_text=True)
    today = date.today()
    assert f'name="decided_on-year" type="text" inputmode="numeric" value="{today.year}"' in page
    assert f'name="decided_on-day" type="text" inputmode="numeric" value="{today.day}"' in page
    assert "Approved with changes" in page and "Deferred" in page and "Not approved" in page
    assert "Coord A" in page and "Dr Pro" in page and "Lay Person" not in page  # staff only
    response = post_form(client, f"/proposals/{proposal.id}/decision", decision_form(coordinator))
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Decision).where(Decision.proposal_id == proposal.id))
    assert (stored.kind, stored.owner_id, stored.target_on) == (
        "approved_with_changes",
        coordinator.id,
        date(2027, 3, 31),
    )
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Next steps" in after
    assert f"/communities/alpha/changes/new?decision={stored.id}" in after
    assert f'href="/proposals/{proposal.id}/influence"' in after
    assert "Accountable: Coord A." in after and "31 March 2027" in after
    shown = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'id="decision"' in shown and "Approved with changes" in shown
    assert "Accountable: Coord A." in shown and "Target date: 31 March 2027." in shown
    new_change = client.get(f"/communities/alpha/changes/new?decision={stored.id}")
    assert f'value="{stored.id}" checked' in new_change.get_data(as_text=True)


def test_a_decision_needs_its_type_an_accountable_staff_member_and_a_target_date(client, answered):
    proposal = answered["answered"]
    sign_in_as(client, answered["people"]["professional"])
    response = post_form(
        client,
        f"/proposals/{proposal.id}/decision",
        decision_form(
            answered["people"]["lay"],
            kind="",
            **{"target_on-day": "", "target_on-month": "", "target_on-year": ""},
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose what was decided" in page and "Enter the target date" in page
    assert 'href="#owner_id"' in page  # a lay partner cannot be chosen
    assert "Phones open on Saturday mornings." in page  # what was typed is kept
    with pytest.raises(Refused):
        factories.make_decision(
            proposal,
            answered["a"],
            answered["people"]["professional"],
            owner_id=answered["people"]["lay"].id,
        )


def test_every_contributor_is_told_once_in_their_language_and_staff_never_see_who(client, answered):
    proposal = answered["answered"]
    sign_in_as(client, answered["people"]["professional"])
    post_form(
        client,
        f"/proposals/{proposal.id}/decision",
        decision_form(answered["people"]["professional"]),
    )
    db.session.expire_all()
    named = _told(answered["people"]["lay"], proposal)
    anonymous = _told(answered["second"], proposal)
    pseudonym = _told(answered["third"], proposal)
    assert len(named) == len(anonymous) == len(pseudonym) == 1
    assert named[0].subject == "A decision on a proposal you gave views on: Saturday phones"
    assert "Approved with changes" in named[0].body
    assert f"/proposals/{proposal.id}#decision" in named[0].link
    assert anonymous[0].subject.startswith("Penderfyniad ar gynnig")  # Sam reads Welsh
    assert _told(answered["gone"], proposal) == []  # withdrawn views are not told
    # Correcting the decision tells nobody again.
    post_form(
        client,
        f"/proposals/{proposal.id}/decision",
        decision_form(answered["people"]["professional"], summary="Saturdays, 9 to 12."),
    )
    db.session.expire_all()
    assert (
        len(_told(answered["second"], proposal)) == 1
        and len(_told(answered["people"]["lay"], proposal)) == 1
    )
    # Staff pages never name the anonymous author.
    sign_in_as(client, answered["people"]["coordinator"])
    for path in (f"/proposals/{proposal.id}", f"/proposals/{proposal.id}/decision"):
        assert "Sam Second" not in client.get(path).get_data(as_text=True)


def test_the_decision_moves_the_proposal_for_its_followers(answered):
    from portal import signals

    seen = []

    def receiver(proposal, what=None, by=None, **_):
        seen.append((proposal.id, what, by.id))

    signals.proposal_moved.connect(receiver)
    try:
        factories.make_decision(
            answered["answered"], answered["a"], answered["people"]["professional"]
        )
    finally:
        signals.proposal_moved.disconnect(receiver)
    assert (answered["answered"].id, "decision", answered["people"]["professional"].id) in seen


def test_a_change_moving_on_or_evaluated_is_announced(impact):
    from portal import signals
    from portal.impact import services

    seen = []

    def receiver(change, what=None, by=None, **_):
        seen.append(what)

    signals.change_moved.connect(receiver)
    try:
        pro, _a, change = impact["people"]["professional"], impact["a"], impact["change"]
        services.move_change(pro, change, status="implemented", note="Done")
        services.record_evaluation(pro, change, worked="yes", measured="Calls", learned="Good")
    finally:
        signals.change_moved.disconnect(receiver)
    assert seen[0] == "status" and "evaluation" in seen


def test_the_link_form_offers_only_the_proposals_own_decision_and_changes(client, impact):
    a, pro = impact["a"], impact["people"]["professional"]
    other = factories.make_proposal(a, pro, title="Car park")
    factories.make_contribution(other, a, impact["third"])
    factories.close(other)
    other_decision = factories.make_decision(other, a, pro, summary="Free parking.")
    theirs = factories.make_change(
        a, pro, title="Free parking bays", decision_ids=[other_decision.id]
    )
    proposal = impact["proposal"]
    sign_in_as(client, pro)
    path = f"/proposals/{proposal.id}/influence?theme={impact['weekend_theme'].id}"
    page = client.get(path).get_data(as_text=True)
    assert f'value="decision:{impact["decision"].id}"' in page
    assert f'value="change:{impact["change"].id}"' in page
    assert f'value="decision:{other_decision.id}"' not in page
    assert f'value="change:{theirs.id}"' not in page
    for target in (f"decision:{other_decision.id}", f"change:{theirs.id}"):
        response = post_form(client, path, {"target": target, "effect": "adopted"})
        assert response.status_code == 400
        assert "There is a problem" in response.get_data(as_text=True)
        with pytest.raises(Refused, match="this proposal"):
            influence.link(
                pro,
                proposal,
                target=target,
                effect="adopted",
                rationale="",
                theme=impact["weekend_theme"],
            )


def test_a_decided_proposal_lists_its_changes_and_a_change_its_proposals_and_views(client, impact):
    proposal, change, pro = impact["proposal"], impact["change"], impact["people"]["professional"]
    influence.link(
        pro,
        proposal,
        target=f"change:{change.id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    sign_in_as(client, impact["people"]["lay"])
    shown = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Changes that carry it out" in shown and f'href="/changes/{change.id}"' in shown
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert "Proposals and views behind it" in page and "2 views linked" in page
    assert "Weekend phone line" in page
    assert f"/proposals/{proposal.id}/influence" not in page  # lay partners do not link
    assert "Accountable" in page and "Dr Pro" in page
    sign_in_as(client, pro)
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}/influence"' in page


def test_a_changes_target_date_cannot_come_before_its_start(client, impact):
    sign_in_as(client, impact["people"]["professional"])
    start = date.today()
    response = post_form(
        client,
        "/communities/alpha/changes/new",
        {
            "title": "Text reminders",
            "description": "A text the day before.",
            "service_area": "Cancer care",
            "visibility": "public",
            "owner_id": str(impact["people"]["coordinator"].id),
            **_date("starts_on", start),
            **_date("target_on", start - timedelta(days=1)),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The target date must be on or after the start date" in page
    assert "Text reminders" in page
    response = post_form(
        client,
        "/communities/alpha/changes/new",
        {
            "title": "Text reminders",
            "description": "A text the day before.",
            "service_area": "Cancer care",
            "visibility": "public",
            "owner_id": str(impact["people"]["coordinator"].id),
            **_date("starts_on", start),
            **_date("target_on", date(2027, 6, 30)),
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "30 June 2027" in page and "Coord A" in page
    listed = client.get("/communities/alpha/changes").get_data(as_text=True)
    assert "Coord A" in listed and "30 Jun 2027" in listed


def test_the_proposal_page_costs_the_same_statements_with_more_changes(
    client, impact, count_queries
):
    proposal, pro = impact["proposal"], impact["people"]["professional"]
    sign_in_as(client, pro)
    client.get(f"/proposals/{proposal.id}")
    with count_queries() as few:
        assert client.get(f"/proposals/{proposal.id}").status_code == 200
    for number in range(5):
        factories.make_change(
            impact["a"], pro, title=f"Part {number}", decision_ids=[impact["decision"].id]
        )
    with count_queries() as many:
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Part 4" in page
    assert len(many) == len(few)


def test_the_changes_list_costs_the_same_statements_with_more_owners(client, impact, count_queries):
    pro, coordinator = impact["people"]["professional"], impact["people"]["coordinator"]
    sign_in_as(client, pro)
    client.get("/communities/alpha/changes")
    with count_queries() as few:
        assert client.get("/communities/alpha/changes").status_code == 200
    for number in range(4):
        factories.make_change(
            impact["a"], pro, title=f"Owned {number}", owner_id=(coordinator, pro)[number % 2].id
        )
    with count_queries() as many:
        page = client.get("/communities/alpha/changes").get_data(as_text=True)
    assert "Owned 3" in page and "Coord A" in page
    assert len(many) == len(few)
