"""Coordinators' activity pages: the list, recording and changing an activity, the activity
with its people and payments, recording who took part, and who may see or do what."""

from datetime import date

import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.communities.models import Membership
from portal.involvement import services
from portal.involvement.models import InvolvementActivity, Participation, Payment
from tests import factories
from tests.conftest import post_form, sign_in_as


def activity_form(**changes):
    data = {
        "kind": "workshop",
        "title": "Leaflet workshop",
        "held_on-day": "12",
        "held_on-month": "3",
        "held_on-year": "2026",
        "time_hours": "2",
        "time_minutes": "30",
        "proposal_id": "",
        "notes": "Bring the old leaflet.",
    }
    data.update(changes)
    return data


def newest_activity():
    db.session.expire_all()  # pages write in their own session
    return db.session.scalars(
        sa.select(InvolvementActivity).order_by(InvolvementActivity.id.desc())
    ).first()


def payments_of(activity):
    db.session.expire_all()
    return {
        p.user_id: p
        for p in db.session.scalars(sa.select(Payment).where(Payment.activity_id == activity.id))
    }


# Who may see and do what ------------------------------------------------------------------------


def _pages(meeting, person):
    activity = meeting["activity"]
    return [
        ("get", "/communities/alpha/activities"),
        ("get", "/communities/alpha/activities/new"),
        ("get", f"/activities/{activity.id}"),
        ("get", f"/activities/{activity.id}/edit"),
        ("get", f"/activities/{activity.id}/attendance"),
        ("post", f"/activities/{activity.id}/attendance"),
        ("post", f"/activities/{activity.id}/participants/{person.id}/remove"),
    ]


def test_only_the_communitys_coordinators_reach_its_activity_pages(client, world, meeting):
    people = world["people"]
    pages = _pages(meeting, people["lay"])
    sign_in_as(client, people["coordinator"])
    for _method, path in pages[:5]:
        assert client.get(path).status_code == 200, path
    for role in ("professional", "lay"):
        sign_in_as(client, people[role])
        for method, path in pages:
            response = client.get(path) if method == "get" else post_form(client, path)
            assert response.status_code == 403, (role, path)


def test_another_communitys_coordinator_does_not_find_the_activity(client, world, meeting):
    sign_in_as(client, world["people"]["other_coordinator"])
    for method, path in _pages(meeting, world["people"]["lay"]):
        response = client.get(path) if method == "get" else post_form(client, path)
        expected = 403 if path.startswith("/communities/") else 404
        assert response.status_code == expected, path
    assert client.get("/communities/beta/activities").status_code == 200


def test_signed_out_people_are_asked_to_sign_in(client, world, meeting):
    for method, path in _pages(meeting, world["people"]["lay"]):
        response = client.get(path) if method == "get" else post_form(client, path)
        assert response.status_code == 302, path
        # A page comes back after sign-in; a form sent from nowhere has no page to return to.
        expected = "/sign-in?next=" if method == "get" else "/sign-in"
        assert response.headers["Location"].startswith(expected), path


def test_unknown_and_archived_communities_have_no_activity_list(client, world):
    archived = factories.make_community(slug="gone", archived=True)
    factories.make_membership(world["people"]["coordinator"], archived, "coordinator")
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get("/communities/nowhere/activities").status_code == 404
    assert client.get("/communities/gone/activities").status_code == 404
    assert client.get("/communities/gone/activities/new").status_code == 404
    assert client.get("/activities/999999").status_code == 404


def test_the_community_page_links_coordinators_to_involvement(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get("/communities/alpha").get_data(as_text=True)
    assert "/communities/alpha/activities" in page and "/communities/alpha/approvals" in page
    assert "/communities/alpha/payments-due" in page and "/communities/alpha/money" in page
    sign_in_as(client, world["people"]["professional"])
    assert "/communities/alpha/activities" not in client.get("/communities/alpha").get_data(
        as_text=True
    )


# Recording and changing an activity ---------------------------------------------------------


def test_a_coordinator_records_an_activity_about_a_proposal(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    proposal = world["proposals"]["open"]
    page = client.get("/communities/alpha/activities/new").get_data(as_text=True)
    assert proposal.title in page and "Beta ward visiting" not in page
    assert "preparation" in page or "prepare" in page
    response = post_form(
        client, "/communities/alpha/activities/new", activity_form(proposal_id=str(proposal.id))
    )
    activity = newest_activity()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/activities/{activity.id}/attendance")
    assert (activity.kind, activity.title, activity.held_on) == (
        "workshop",
        "Leaflet workshop",
        date(2026, 3, 12),
    )
    assert activity.minutes == 150 and activity.proposal_id == proposal.id
    assert activity.notes == "Bring the old leaflet."
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "2 hours 30 minutes" in page and proposal.title in page


def test_an_activity_with_bad_input_keeps_what_was_typed(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/communities/alpha/activities/new",
        activity_form(title="", time_minutes="75", **{"held_on-day": "31", "held_on-month": "2"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "<title>Error:" in page
    assert "Enter a title for the activity" in page
    assert "Enter the minutes as a number from 0 to 59" in page and 'value="75"' in page
    assert "Enter a real date" in page and 'value="31"' in page
    assert "Bring the old leaflet." in page
    assert 'value="workshop" checked' in page
    assert newest_activity() is None


def test_an_activity_needs_some_time(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/communities/alpha/activities/new",
        activity_form(time_hours="", time_minutes="0"),
    )
    assert response.status_code == 400
    assert "Enter the time spent, from 1 minute to 24 hours" in response.get_data(as_text=True)
    assert newest_activity() is None


def test_a_coordinator_changes_an_activity(client, world, meeting):
    activity = meeting["activity"]
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'value="Patient panel"' in page and 'value="1"' in page and 'value="30"' in page
    response = post_form(
        client,
        f"/activities/{activity.id}/edit",
        activity_form(
            kind="meeting", title="Patient panel (May)", time_hours="1", time_minutes="0"
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(InvolvementActivity, activity.id)
    assert changed.title == "Patient panel (May)" and changed.minutes == 60


# The list -----------------------------------------------------------------------------------------


def test_the_list_shows_people_and_payments_and_filters_by_year_and_kind(client, world, meeting):
    coordinator, a = world["people"]["coordinator"], world["a"]
    services.record_attendance(coordinator, meeting["activity"], a, [world["people"]["lay"].id])
    services.create_activity(
        coordinator,
        a,
        kind="training",
        title="Chairing skills",
        held_on=date(2025, 6, 3),
        minutes=240,
    )
    sign_in_as(client, coordinator)
    page = client.get("/communities/alpha/activities").get_data(as_text=True)
    assert "Patient panel" in page and "Chairing skills" in page
    assert "Offered: 1" in page and "1 hour 30 minutes" in page
    page = client.get("/communities/alpha/activities?year=2025").get_data(as_text=True)
    assert "Chairing skills" in page and "Patient panel" not in page
    page = client.get("/communities/alpha/activities?kind=meeting").get_data(as_text=True)
    assert "Patient panel" in page and "Chairing skills" not in page


def test_the_list_is_paginated(client, world):
    coordinator = world["people"]["coordinator"]
    for number in range(26):
        services.create_activity(
            coordinator,
            world["a"],
            kind="meeting",
            title=f"Meeting number {number}",
            held_on=date(2026, 1, 1),
            minutes=60,
        )
    sign_in_as(client, coordinator)
    first = client.get("/communities/alpha/activities").get_data(as_text=True)
    assert first.count("Meeting number") == 25 and "page=2" in first
    assert client.get("/communities/alpha/activities?page=2").status_code == 200
    assert client.get("/communities/alpha/activities?page=3").status_code == 404


# Who took part --------------------------------------------------------------------------------


def test_the_member_list_offers_active_lay_partners_and_marks_those_recorded(
    client, world, meeting
):
    activity, lay = meeting["activity"], world["people"]["lay"]
    services.record_attendance(world["people"]["coordinator"], activity, world["a"], [lay.id])
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get(f"/activities/{activity.id}/attendance").get_data(as_text=True)
    assert "Partner 0" in page and "Lay Person" in page and "Pseudonym: Robin" in page
    assert "Dr Pro" not in page and "Asking Person" not in page  # not lay, not active
    assert "Already recorded: attended" in page
    assert f'value="{lay.id}" checked disabled' in page
    assert "Did they attend?" not in page  # only asked for training
    found = client.get(f"/activities/{activity.id}/attendance?q=partner 3").get_data(as_text=True)
    assert "Partner 3" in found and "Partner 2" not in found and "Lay Person" not in found


def test_choosing_nobody_is_refused_and_keeps_the_page(client, world, meeting):
    activity = meeting["activity"]
    sign_in_as(client, world["people"]["coordinator"])
    professional = world["people"]["professional"]
    response = post_form(
        client, f"/activities/{activity.id}/attendance", {"people": [str(professional.id)]}
    )
    assert response.status_code == 400
    assert "Choose at least one lay partner of this community" in response.get_data(as_text=True)
    assert payments_of(activity) == {}


def test_training_can_be_recorded_as_offered_only_and_then_attended(client, world, rates):
    coordinator, lay = world["people"]["coordinator"], world["people"]["lay"]
    training = services.create_activity(
        coordinator,
        world["a"],
        kind="training",
        title="Chairing skills",
        held_on=date(2026, 6, 3),
        minutes=240,
    )
    sign_in_as(client, coordinator)
    path = f"/activities/{training.id}/attendance"
    assert "Did they attend?" in client.get(path).get_data(as_text=True)
    response = post_form(client, path, {"people": [str(lay.id)], "attended": "offered"})
    assert response.status_code == 302
    assert payments_of(training) == {}
    page = client.get(f"/activities/{training.id}").get_data(as_text=True)
    assert "Offered only" in page and "None: not attended" in page
    assert "Already recorded: offered only" in client.get(path).get_data(as_text=True)
    post_form(client, path, {"people": [str(lay.id)], "attended": "attended"})
    assert payments_of(training)[lay.id].amount == 150


def test_the_activity_page_says_when_no_rate_is_set_and_who_cannot_be_paid(client, world, meeting):
    coordinator, lay = world["people"]["coordinator"], world["people"]["lay"]
    services.set_preference(lay, "cannot_be_paid")
    panel = services.create_activity(
        coordinator,
        world["a"],
        kind="interview_panel",
        title="Matron interviews",
        held_on=date(2026, 5, 2),
        minutes=180,
    )
    services.record_attendance(coordinator, panel, world["a"], [meeting["others"][0].id])
    services.record_attendance(coordinator, meeting["activity"], world["a"], [lay.id])
    sign_in_as(client, coordinator)
    page = client.get(f"/activities/{panel.id}").get_data(as_text=True)
    assert "No payment rate is set for this kind of activity on this date; ask a site admin" in page
    assert "None: no payment rate" in page
    page = client.get(f"/activities/{meeting['activity'].id}").get_data(as_text=True)
    assert "Cannot be paid" in page and "£30.00 per hour" in page


def test_a_participant_is_removed_unless_their_payment_is_approved(client, world, meeting):
    coordinator, activity = world["people"]["coordinator"], meeting["activity"]
    first, second = meeting["others"][:2]
    services.record_attendance(coordinator, activity, world["a"], [first.id, second.id])
    payment = payments_of(activity)[second.id]
    services.move_payment(coordinator, payment, world["a"], "accept")
    services.move_payment(coordinator, payment, world["a"], "approve")
    sign_in_as(client, coordinator)
    response = post_form(client, f"/activities/{activity.id}/participants/{first.id}/remove")
    assert response.status_code == 302
    assert set(payments_of(activity)) == {second.id}
    response = post_form(client, f"/activities/{activity.id}/participants/{second.id}/remove")
    assert response.status_code == 400
    assert "Their payment is approved, so they stay on the activity." in response.get_data(
        as_text=True
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(Participation.activity_id == activity.id)
        )
        == 1
    )


# Statements per page --------------------------------------------------------------------------


def add_lay_partners(community, count, start=0):
    """`count` active lay partners of `community`, inserted in bulk; their ids."""
    db.session.execute(
        sa.insert(User),
        [
            {
                "email": f"bulk{start + n}@example.org",
                "display_name": f"Bulk {start + n}",
                "password_hash": "x",
            }
            for n in range(count)
        ],
    )
    ids = db.session.scalars(
        sa.select(User.id).where(User.email.like("bulk%")).order_by(User.id)
    ).all()[start:]
    db.session.execute(
        sa.insert(Membership),
        [
            {
                "user_id": i,
                "community_id": community.id,
                "role": "lay_partner",
                "status": "active",
                "sort_name": f"bulk {i}",
            }
            for i in ids
        ],
    )
    return ids


def add_people_and_payments(activity, user_ids, statuses=("offered", "accepted", "approved")):
    db.session.execute(
        sa.insert(Participation),
        [{"activity_id": activity.id, "user_id": i, "attended": True} for i in user_ids],
    )
    db.session.execute(
        sa.insert(Payment),
        [
            {
                "activity_id": activity.id,
                "user_id": i,
                "units": 1,
                "amount": 25,
                "status": statuses[n % len(statuses)],
            }
            for n, i in enumerate(user_ids)
        ],
    )
    db.session.flush()


def test_the_activity_list_costs_the_same_statements_with_more_activities(
    client, world, meeting, count_queries
):
    coordinator, a = world["people"]["coordinator"], world["a"]
    ids = add_lay_partners(a, 30)
    add_people_and_payments(meeting["activity"], ids[:3])
    sign_in_as(client, coordinator)
    client.get("/communities/alpha/activities")
    with count_queries() as few:
        assert client.get("/communities/alpha/activities").status_code == 200
    db.session.execute(
        sa.insert(InvolvementActivity),
        [
            {
                "community_id": a.id,
                "kind": "meeting",
                "title": f"Extra {n}",
                "held_on": date(2026, 2, 1),
                "minutes": 60,
            }
            for n in range(30)
        ],
    )
    for activity in db.session.scalars(
        sa.select(InvolvementActivity)
        .where(InvolvementActivity.title.like("Extra%"))
        .order_by(InvolvementActivity.id.desc())
        .limit(5)
    ):
        add_people_and_payments(activity, ids)
    with count_queries() as many:
        page = client.get("/communities/alpha/activities").get_data(as_text=True)
    assert len(many) == len(few)
    assert "Approved: 10" in page


def test_the_activity_page_costs_the_same_statements_with_more_people(
    client, world, meeting, count_queries
):
    activity = meeting["activity"]
    ids = add_lay_partners(world["a"], 50)
    add_people_and_payments(activity, ids[:3])
    sign_in_as(client, world["people"]["coordinator"])
    client.get(f"/activities/{activity.id}")
    with count_queries() as few:
        assert client.get(f"/activities/{activity.id}").status_code == 200
    add_people_and_payments(activity, ids[3:])
    with count_queries() as many:
        page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert len(many) == len(few)
    assert page.count("Mark paid</button>") == 16  # one form for each approved payment shown


def test_the_member_list_costs_the_same_statements_with_more_lay_partners(
    client, world, meeting, count_queries
):
    path = f"/activities/{meeting['activity'].id}/attendance"
    sign_in_as(client, world["people"]["coordinator"])
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_lay_partners(world["a"], 60)
    with count_queries() as many:
        page = client.get(path).get_data(as_text=True)
    assert len(many) == len(few)
    assert page.count('name="people"') == 50 and "page=2" in page
