"""Service changes: the community's list, adding and editing, moving on, milestones,
evaluation, and who may see or do what."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities.models import Community, Membership
from portal.consultations.models import ContributionTheme
from portal.impact import influence
from portal.impact.models import (
    ChangeDecision,
    ChangeStatusEntry,
    Evaluation,
    Influence,
    Milestone,
    ServiceChange,
)
from tests import factories
from tests.conftest import post_form, sign_in_as


def _professional_of_alpha():
    return db.session.scalar(
        sa.select(Membership.user_id)
        .join(Community, Community.id == Membership.community_id)
        .where(Community.slug == "alpha", Membership.role == "professional")
        .limit(1)
    )


def change_form(**changes):
    start, target = date.today(), date.today() + timedelta(days=60)
    data = {
        "title": "Text reminders",
        "description": "You get a text the day before your appointment.",
        "service_area": "Cancer care",
        "visibility": "public",
        "owner_id": str(_professional_of_alpha()),
        "starts_on-day": str(start.day),
        "starts_on-month": str(start.month),
        "starts_on-year": str(start.year),
        "target_on-day": str(target.day),
        "target_on-month": str(target.month),
        "target_on-year": str(target.year),
    }
    data.update(changes)
    return data


def stored(change_id):
    db.session.expire_all()  # pages write in their own session
    return db.session.get(ServiceChange, change_id)


def newest_change():
    db.session.expire_all()
    return db.session.scalars(sa.select(ServiceChange).order_by(ServiceChange.id.desc())).first()


@pytest.fixture
def members_only(impact):
    return factories.make_change(
        impact["a"],
        impact["people"]["professional"],
        title="Staff rota trial",
        visibility="members",
    )


# The community's list ------------------------------------------------------------------------


def test_everyone_sees_public_changes_and_members_see_members_only_ones(
    client, impact, members_only
):
    path = "/communities/alpha/changes"
    page = client.get(path).get_data(as_text=True)
    assert "Evening clinic on Tuesdays and Thursdays" in page
    assert "Staff rota trial" not in page and "Add a service change" not in page
    assert "Planned" in page and "0% done" in page and "Cancer care" in page
    sign_in_as(client, impact["people"]["lay"])
    page = client.get(path).get_data(as_text=True)
    assert "Staff rota trial" in page and "Add a service change" not in page
    sign_in_as(client, impact["people"]["professional"])
    assert "Add a service change" in client.get(path).get_data(as_text=True)


def test_unknown_and_archived_communities_have_no_change_list(client, impact):
    assert client.get("/communities/nowhere/changes").status_code == 404
    archived = factories.make_community(slug="gone", archived=True)
    assert client.get(f"/communities/{archived.slug}/changes").status_code == 404


def test_the_change_list_is_paginated(client, impact):
    author = impact["people"]["professional"]
    for number in range(21):
        factories.make_change(impact["a"], author, title=f"Change number {number}")
    first = client.get("/communities/alpha/changes").get_data(as_text=True)
    assert first.count("/changes/") - first.count("/changes/new") >= 20
    assert "?page=2" in first
    assert client.get("/communities/alpha/changes?page=2").status_code == 200
    assert client.get("/communities/alpha/changes?page=9").status_code == 404


# Adding and editing ---------------------------------------------------------------------------


def test_an_author_adds_a_change_carrying_out_a_decision(client, impact):
    sign_in_as(client, impact["people"]["professional"])
    page = client.get("/communities/alpha/changes/new").get_data(as_text=True)
    assert 'value="Cancer care"' in page  # the community's service area
    assert "Weekend phone line" in page  # its decision, to tick
    response = post_form(
        client,
        "/communities/alpha/changes/new",
        change_form(decisions=[impact["decision"].id], note="Agreed at the board."),
    )
    change = newest_change()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/changes/{change.id}")
    assert change.title == "Text reminders" and change.status == "planned"
    assert db.session.scalar(
        sa.select(ChangeDecision.decision_id).where(ChangeDecision.change_id == change.id)
    ) == (impact["decision"].id)
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert "Agreed at the board." in page and "Weekend phone line" in page


def test_a_change_with_missing_words_keeps_what_was_typed(client, impact):
    sign_in_as(client, impact["people"]["professional"])
    response = post_form(
        client,
        "/communities/alpha/changes/new",
        change_form(title="", weight="500", **{"evaluation_due-day": "40"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a title" in page and "You get a text the day before" in page
    assert "Enter a weight from 1 to 100" in page and 'value="500"' in page
    assert "Enter a full date" in page and 'value="40"' in page
    assert newest_change().id == impact["change"].id


def test_parts_make_their_parent_progress_weighted_then_the_mean(client, impact):
    sign_in_as(client, impact["people"]["professional"])
    parent = impact["change"]
    for title, weight in (("Book evening slots", "3"), ("Staff the evenings", "1")):
        post_form(
            client,
            "/communities/alpha/changes/new",
            change_form(title=title, parent_id=str(parent.id), weight=weight),
        )
    small, big = db.session.scalars(
        sa.select(ServiceChange)
        .where(ServiceChange.parent_id == parent.id)
        .order_by(ServiceChange.weight)
    ).all()
    post_form(
        client,
        f"/changes/{big.id}/status",
        {"move-status": "in_progress", "move-progress": "100", "move-note": "All booked."},
    )
    assert stored(parent.id).progress == 75  # (100 × 3 + 0 × 1) / 4
    page = client.get(f"/changes/{parent.id}").get_data(as_text=True)
    assert "75% done" in page and "Worked out from its parts." in page
    assert "Book evening slots" in page and "Staff the evenings" in page
    assert "you cannot set it here" in page
    for part in (small, big):
        post_form(
            client,
            f"/changes/{part.id}/edit",
            change_form(title=part.title, parent_id=str(parent.id), weight=""),
        )
    assert stored(parent.id).progress == 50  # the mean of 100 and 0
    part_page = client.get(f"/changes/{small.id}").get_data(as_text=True)
    assert f'href="/changes/{parent.id}"' in part_page


def test_a_change_cannot_become_part_of_its_own_part(client, impact):
    sign_in_as(client, impact["people"]["professional"])
    parent = impact["change"]
    child = factories.make_change(
        impact["a"], impact["people"]["professional"], title="Part", parent_id=parent.id
    )
    page = client.get(f"/changes/{parent.id}/edit").get_data(as_text=True)
    parents = page[page.find('name="parent_id"') :] if 'name="parent_id"' in page else ""
    assert f'<option value="{child.id}"' not in parents[: parents.find("</select>")]
    response = post_form(
        client,
        f"/changes/{parent.id}/edit",
        change_form(title=parent.title, parent_id=str(child.id)),
    )
    assert response.status_code == 400
    assert stored(parent.id).parent_id is None


# Moving on, milestones and evaluation --------------------------------------------------------


def test_moving_the_status_is_recorded_in_the_history_and_shown(client, impact):
    change = impact["change"]
    sign_in_as(client, impact["people"]["professional"])
    yesterday = date.today() - timedelta(days=1)
    response = post_form(
        client,
        f"/changes/{change.id}/status",
        {
            "move-status": "in_progress",
            "move-progress": "40",
            "move-note": "The first evening clinic ran.",
            "move-occurred_on-day": str(yesterday.day),
            "move-occurred_on-month": str(yesterday.month),
            "move-occurred_on-year": str(yesterday.year),
        },
    )
    assert response.status_code == 302
    entry = db.session.scalars(
        sa.select(ChangeStatusEntry)
        .where(ChangeStatusEntry.change_id == change.id)
        .order_by(ChangeStatusEntry.id.desc())
    ).first()
    assert (entry.status, entry.progress, entry.occurred_on) == ("in_progress", 40, yesterday)
    post_form(client, "/sign-out")
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert "The first evening clinic ran." in page
    assert "In progress" in page and "40% done" in page
    assert "Move it on" not in page


def test_a_move_without_a_note_shows_the_change_page_with_the_error(client, impact):
    change = impact["change"]
    sign_in_as(client, impact["people"]["professional"])
    tomorrow = date.today() + timedelta(days=1)
    response = post_form(
        client,
        f"/changes/{change.id}/status",
        {
            "move-status": "stopped",
            "move-progress": "30",
            "move-note": "",
            "move-occurred_on-day": str(tomorrow.day),
            "move-occurred_on-month": str(tomorrow.month),
            "move-occurred_on-year": str(tomorrow.year),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say what happened, in a short note" in page and "must be today or in the past" in page
    assert 'href="#move-note"' in page
    assert 'value="30"' in page and '<option value="stopped" selected>' in page
    assert stored(change.id).status == "planned"


def test_an_author_adds_a_milestone_and_records_the_evaluation(client, impact):
    change = impact["change"]
    sign_in_as(client, impact["people"]["coordinator"])
    missing = post_form(
        client, f"/changes/{change.id}/milestones", {"milestone-title": "First evening"}
    )
    assert missing.status_code == 400
    assert "Enter the date of the milestone" in missing.get_data(as_text=True)
    post_form(
        client,
        f"/changes/{change.id}/milestones",
        {
            "milestone-title": "First evening",
            "milestone-due_on-day": "3",
            "milestone-due_on-month": "11",
            "milestone-due_on-year": "2026",
            "milestone-note": "Two nurses on shift.",
        },
    )
    milestone = db.session.scalar(sa.select(Milestone).where(Milestone.change_id == change.id))
    assert milestone.due_on == date(2026, 11, 3)
    assert client.get(f"/changes/{change.id}/evaluation").status_code == 200
    refused = post_form(client, f"/changes/{change.id}/evaluation", {"measured": "Waiting times"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Say whether the change worked" in text and "Waiting times" in text
    post_form(
        client,
        f"/changes/{change.id}/evaluation",
        {"worked": "partly", "measured": "Waiting times", "learned": "Tuesdays are busiest."},
    )
    assert db.session.get(Evaluation, change.id).worked == "partly"
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert "First evening" in page and "Two nurses on shift." in page
    assert "It partly worked" in page and "Tuesdays are busiest." in page


def test_a_stopped_change_is_not_evaluated(client, impact):
    change = impact["change"]
    sign_in_as(client, impact["people"]["professional"])
    post_form(
        client, f"/changes/{change.id}/status", {"move-status": "stopped", "move-note": "No staff."}
    )
    page = client.get(f"/changes/{change.id}/evaluation").get_data(as_text=True)
    assert "cannot be evaluated" in page and 'name="worked"' not in page
    response = post_form(
        client,
        f"/changes/{change.id}/evaluation",
        {"worked": "yes", "measured": "x", "learned": "y"},
    )
    assert response.status_code == 400
    assert db.session.get(Evaluation, change.id) is None


# Who sees and does what ---------------------------------------------------------------------


def test_a_members_only_change_is_unknown_to_everyone_else(client, impact, members_only):
    path = f"/changes/{members_only.id}"
    assert client.get(path).status_code == 404
    sign_in_as(client, impact["people"]["other_coordinator"])
    assert client.get(path).status_code == 404
    assert client.get(f"{path}/edit").status_code == 404
    sign_in_as(client, impact["people"]["lay"])
    assert client.get(path).status_code == 200


def test_only_authors_change_a_change(client, impact):
    change = impact["change"]
    sign_in_as(client, impact["people"]["lay"])
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert "Move it on" not in page and "Edit the change" not in page
    assert client.get("/communities/alpha/changes/new").status_code == 403
    assert client.get(f"/changes/{change.id}/edit").status_code == 403
    assert client.get(f"/changes/{change.id}/evaluation").status_code == 403
    for path, data in (
        (f"/changes/{change.id}/status", {"move-status": "stopped", "move-note": "No."}),
        (f"/changes/{change.id}/milestones", {"milestone-title": "x"}),
        (f"/changes/{change.id}/edit", change_form()),
        ("/communities/alpha/changes/new", change_form()),
    ):
        assert post_form(client, path, data).status_code == 403
    assert stored(change.id).status == "planned"
    sign_in_as(client, impact["people"]["professional"])
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert "Move it on" in page and "Edit the change" in page


def test_the_change_page_counts_what_lay_partners_said_without_names(client, impact):
    change, author = impact["change"], impact["people"]["professional"]
    target = f"change:{change.id}"
    influence.link(
        author,
        impact["proposal"],
        target=target,
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    influence.link(
        author,
        impact["proposal"],
        target=target,
        effect="not_adopted",
        rationale="Too costly.",
        contributions=[impact["pseudonym"], impact["named"]],
    )
    page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    # The named view is linked directly too: its direct "not adopted" counts, once.
    assert "Adopted: 1" in page and "Not adopted: 2" in page
    for person in (impact["second"], impact["third"], impact["people"]["lay"]):
        assert person.display_name not in page and person.email not in page
    assert "Wren" not in page and "Robin" not in page


# Statements per page ------------------------------------------------------------------------


def _many_links(impact, count):
    """`count` anonymous contributions to the proposal, each linked to the change, and
    all of them under the theme that is linked too."""
    from portal.consultations.models import Contribution

    proposal, change = impact["proposal"], impact["change"]
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = range(first, first + count)
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "identity": "anonymous",
                "idempotency_key": f"bulk-{i}",
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(ContributionTheme),
        [{"contribution_id": i, "theme_id": impact["weekend_theme"].id} for i in ids],
    )
    db.session.execute(
        sa.insert(Influence),
        [
            {
                "proposal_id": proposal.id,
                "contribution_id": i,
                "change_id": change.id,
                "effect": "informed",
                "rationale": "",
            }
            for i in ids
        ],
    )


def test_the_change_page_costs_the_same_statements_with_more_links(client, impact, count_queries):
    change = impact["change"]
    influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"change:{change.id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    factories.make_change(impact["a"], impact["people"]["professional"], parent_id=change.id)
    sign_in_as(client, impact["people"]["professional"])
    _many_links(impact, 3)
    client.get(f"/changes/{change.id}")
    with count_queries() as few:
        assert client.get(f"/changes/{change.id}").status_code == 200
    _many_links(impact, 500)
    with count_queries() as many:
        page = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert len(many) == len(few)
    # Each bulk view is linked directly ("informed") and through the adopted theme:
    # the direct link counts. Only the theme's own two views count as adopted.
    assert "Informed the decision: 503" in page and "Adopted: 2" in page
