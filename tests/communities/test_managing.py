"""Coordinators run membership; site admins run communities."""

import sqlalchemy as sa

from portal import db
from portal.communities.models import Community, Membership
from portal.communities.services import save_needs
from portal.outbox import OutboxMessage
from tests.conftest import post_form, sign_in_as


def _status(membership):
    db.session.expire_all()
    return db.session.get(Membership, membership.id).status


def test_members_see_names_only(client, world):
    save_needs(world["people"]["lay"], needs=["large_print"], preferred_contact="email")
    sign_in_as(client, world["people"]["professional"])
    html = client.get("/communities/alpha/members").get_data(as_text=True)
    assert "Robin" in html  # the lay partner chose their pseudonym
    assert "Lay Person" not in html
    assert "lay@example.org" not in html and "coord@example.org" not in html
    assert "Large print" not in html
    assert "Asking Person" not in html  # pending requests are not members


def test_coordinators_see_contact_details_and_needs(client, world):
    save_needs(world["people"]["lay"], needs=["large_print"], preferred_contact="email")
    sign_in_as(client, world["people"]["coordinator"])
    html = client.get("/communities/alpha/members").get_data(as_text=True)
    assert "Lay Person" in html and "Robin" in html
    assert "lay@example.org" in html
    assert "Large print" in html
    pending = client.get("/communities/alpha/members?status=pending").get_data(as_text=True)
    assert "Asking Person" in pending and "Dr Pro" not in pending
    roles = client.get("/communities/alpha/members?role=professional").get_data(as_text=True)
    assert "Dr Pro" in roles and "Lay Person" not in roles


def test_members_of_another_community_are_refused(client, world):
    sign_in_as(client, world["people"]["other_coordinator"])
    assert client.get("/communities/alpha/members").status_code == 403
    assert client.get("/communities/alpha/requests").status_code == 403
    other_member = world["memberships"]["lay"].id
    assert client.get(f"/communities/beta/members/{other_member}").status_code == 404


def test_bulk_approve_tells_each_person(client, world, make_user, make_membership):
    second = make_membership(make_user(display_name="Second asker"), world["a"], status="pending")
    first = world["memberships"]["requester"]
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get("/communities/alpha/requests").get_data(as_text=True)
    assert "Asking Person" in page and "Second asker" in page
    response = post_form(
        client,
        "/communities/alpha/requests",
        {"selected": [first.id, second.id], "decision": "approve", "message": "Welcome!"},
    )
    assert response.headers["Location"] == "/communities/alpha/requests"
    assert _status(first) == _status(second) == "active"
    decisions = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "join_decision")
    ).all()
    assert len(decisions) == 2
    assert all("Welcome!" in m.body and "approved" in m.body for m in decisions)


def test_decline_keeps_the_message_for_the_requester(client, world):
    requester = world["memberships"]["requester"]
    sign_in_as(client, world["people"]["coordinator"])
    post_form(
        client,
        "/communities/alpha/requests",
        {"selected": [requester.id], "decision": "decline", "message": "We are full."},
    )
    assert _status(requester) == "declined"
    sign_in_as(client, world["people"]["requester"])
    assert "We are full." in client.get("/communities/alpha").get_data(as_text=True)


def test_deciding_an_already_decided_request_changes_nothing(client, world):
    requester = world["memberships"]["requester"]
    lay = world["memberships"]["lay"]
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/communities/alpha/requests",
        {"selected": [requester.id, lay.id], "decision": "decline"},
    )
    assert response.status_code == 200
    assert "Someone has already decided one or more of these requests" in response.get_data(
        as_text=True
    )
    assert _status(requester) == "pending"
    assert _status(lay) == "active"
    empty = post_form(client, "/communities/alpha/requests", {"decision": "approve"})
    assert "Select at least one request" in empty.get_data(as_text=True)


def test_requests_of_another_community_cannot_be_decided(client, world, make_user, make_membership):
    outsider = make_membership(make_user(), world["b"], status="pending")
    sign_in_as(client, world["people"]["coordinator"])
    post_form(
        client, "/communities/alpha/requests", {"selected": [outsider.id], "decision": "approve"}
    )
    assert _status(outsider) == "pending"


def test_change_role_and_protect_the_last_coordinator(client, world):
    lay = world["memberships"]["lay"]
    coordinator = world["memberships"]["coordinator"]
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client, f"/communities/alpha/members/{lay.id}/role", {"role": "professional"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, lay.id).role == "professional"

    last = post_form(
        client, f"/communities/alpha/members/{coordinator.id}/role", {"role": "lay_partner"}
    )
    assert "A community needs at least one coordinator." in last.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Membership, coordinator.id).role == "coordinator"


def test_remove_member_needs_a_reason_and_tells_them(client, world):
    lay = world["memberships"]["lay"]
    sign_in_as(client, world["people"]["coordinator"])
    no_reason = post_form(client, f"/communities/alpha/members/{lay.id}/remove", {"reason": " "})
    assert "Enter the reason for removing this member" in no_reason.get_data(as_text=True)
    assert _status(lay) == "active"

    post_form(client, f"/communities/alpha/members/{lay.id}/remove", {"reason": "Repeated abuse"})
    assert _status(lay) == "removed"
    told = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "membership_removed")
    )
    assert told.user_id == world["people"]["lay"].id and "Repeated abuse" in told.body
    sign_in_as(client, world["people"]["lay"])
    page = client.get("/communities/alpha").get_data(as_text=True)
    assert "You were removed from this community." in page and "Repeated abuse" in page

    sign_in_as(client, world["people"]["coordinator"])
    coordinator = world["memberships"]["coordinator"]
    last = post_form(
        client, f"/communities/alpha/members/{coordinator.id}/remove", {"reason": "Testing"}
    )
    assert "A community needs at least one coordinator." in last.get_data(as_text=True)
    assert _status(coordinator) == "active"


def test_member_page_shows_needs_and_history(client, world):
    save_needs(world["people"]["lay"], needs=["bsl_interpreter"], carer_name="Sam Carer")
    sign_in_as(client, world["people"]["coordinator"])
    lay = world["memberships"]["lay"]
    html = client.get(f"/communities/alpha/members/{lay.id}").get_data(as_text=True)
    assert "British Sign Language (BSL) interpreter" in html
    assert "Copy in carer: Sam Carer" in html


def test_admin_creates_edits_archives_and_appoints(client, world):
    admin = world["people"]["admin"]
    sign_in_as(client, admin)
    empty = post_form(client, "/communities/new", {"target_reading_age": "30"})
    html = empty.get_data(as_text=True)
    assert "Enter the community&#39;s name" in html or "Enter the community's name" in html
    assert "Enter a reading age from 7 to 18" in html

    data = {
        "name": "Renal dialysis unit",
        "purpose": "Making dialysis sessions easier.",
        "service_area": "Kidney care",
        "visibility": "request",
        "target_reading_age": "11",
        "role_description": "One meeting a month.",
    }
    response = post_form(client, "/communities/new", data)
    assert response.headers["Location"] == "/communities/renal-dialysis-unit/coordinators"
    community = db.session.scalar(
        sa.select(Community).where(Community.slug == "renal-dialysis-unit")
    )
    assert community.visibility == "request" and community.target_reading_age == 11

    missing = post_form(
        client, "/communities/renal-dialysis-unit/coordinators", {"email": "nobody@example.org"}
    )
    assert "No account uses that email address" in missing.get_data(as_text=True)
    post_form(client, "/communities/renal-dialysis-unit/coordinators", {"email": "pro@example.org"})
    appointed = db.session.scalar(
        sa.select(Membership).where(
            Membership.community_id == community.id,
            Membership.user_id == world["people"]["professional"].id,
        )
    )
    assert (appointed.role, appointed.status) == ("coordinator", "active")

    post_form(client, "/communities/renal-dialysis-unit/edit", dict(data, name="Renal unit"))
    db.session.expire_all()
    assert db.session.get(Community, community.id).name == "Renal unit"

    post_form(client, "/communities/renal-dialysis-unit/archive")
    db.session.expire_all()
    assert db.session.get(Community, community.id).archived_at is not None
    assert client.get("/communities/renal-dialysis-unit").status_code == 200


def test_only_site_admins_run_communities(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get("/communities/new").status_code == 403
    assert client.get("/communities/alpha/edit").status_code == 403
    assert post_form(client, "/communities/alpha/archive").status_code == 403
    db.session.expire_all()
    assert db.session.get(Community, world["a"].id).archived_at is None


def test_a_coordinator_sets_the_ways_to_respond_other_than_online(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    community_page = client.get("/communities/alpha").get_data(as_text=True)
    assert 'href="/communities/alpha/ways-to-respond"' in community_page
    response = post_form(
        client,
        "/communities/alpha/ways-to-respond",
        {
            "respond_by_post": "  Patient Experience Team\nAlpha Clinic  ",
            "respond_by_phone": "0300 123 4567, weekdays 9am to 5pm",
            "respond_in_person": "",
        },
    )
    assert response.headers["Location"] == "/communities/alpha"
    db.session.expire_all()
    community = db.session.get(Community, world["a"].id)
    assert community.respond_by_post == "Patient Experience Team\nAlpha Clinic"
    assert community.respond_by_phone == "0300 123 4567, weekdays 9am to 5pm"
    assert community.respond_in_person == ""
    form = client.get("/communities/alpha/ways-to-respond").get_data(as_text=True)
    assert "0300 123 4567, weekdays 9am to 5pm" in form


def test_ways_to_respond_too_long_are_refused_and_nothing_typed_is_lost(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/communities/alpha/ways-to-respond",
        {"respond_by_post": "Alpha Clinic, Leeds", "respond_by_phone": "0300 " * 50},
    )
    html = response.get_data(as_text=True)
    assert "Must be 200 characters or fewer" in html
    assert "Alpha Clinic, Leeds" in html
    db.session.expire_all()
    assert db.session.get(Community, world["a"].id).respond_by_post == ""


def test_only_the_communitys_coordinators_set_its_ways_to_respond(client, world):
    for person in ("professional", "lay", "other_coordinator"):
        sign_in_as(client, world["people"][person])
        assert client.get("/communities/alpha/ways-to-respond").status_code == 403
        response = post_form(
            client, "/communities/alpha/ways-to-respond", {"respond_by_phone": "0300"}
        )
        assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Community, world["a"].id).respond_by_phone == ""
