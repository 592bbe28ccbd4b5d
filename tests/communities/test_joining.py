"""Joining, onboarding, leaving and withdrawing consent, as a lay partner would."""

import sqlalchemy as sa

from portal import db
from portal.communities.models import ConsentRecord, Membership, MembershipEvent
from portal.outbox import OutboxMessage
from tests.conftest import post_form, sign_in_as


def _membership(user, community):
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.community_id == community.id
        )
    )


def test_directory_is_public_searchable_and_filterable(client, make_community):
    make_community(name="Chemo day unit", purpose="Shorter waits for chemotherapy")
    make_community(name="Maternity voices", service_area="Maternity", purpose="Birth care")
    make_community(name="Stroke at home", visibility="invite", purpose="Rehab after stroke")
    make_community(name="Old flu clinic", archived=True)

    html = client.get("/communities").get_data(as_text=True)
    assert "Chemo day unit" in html and "Stroke at home" in html
    assert "Old flu clinic" not in html
    assert "Old flu clinic" in client.get("/communities?archived=1").get_data(as_text=True)

    found = client.get("/communities?q=CHEMOTHERAPY").get_data(as_text=True)
    assert "Chemo day unit" in found and "Maternity voices" not in found
    area = client.get("/communities?service_area=Maternity").get_data(as_text=True)
    assert "Maternity voices" in area and "Chemo day unit" not in area
    joinable = client.get("/communities?can_join=y").get_data(as_text=True)
    assert "Chemo day unit" in joinable and "Stroke at home" not in joinable
    assert "No communities match your search." in client.get("/communities?q=zzz").get_data(
        as_text=True
    )


def test_can_join_filter_leaves_out_my_communities(
    client, make_user, make_community, make_membership
):
    me = make_user()
    mine = make_community(name="Already mine")
    make_community(name="Not yet mine")
    make_membership(me, mine)
    sign_in_as(client, me)
    html = client.get("/communities?can_join=y").get_data(as_text=True)
    assert "Not yet mine" in html and "Already mine" not in html


def test_joining_an_open_community_with_consent(client, make_user, make_community):
    me = make_user(pseudonym="Wren")
    community = make_community(name="Open group", slug="open-group")
    sign_in_as(client, me)

    page = client.get("/communities/open-group/join").get_data(as_text=True)
    assert "Come to one meeting a month." in page  # the role description
    assert "How quotes may be used" in page  # the consent text

    refused = post_form(client, "/communities/open-group/join", {"name_choice": "pseudonym"})
    html = refused.get_data(as_text=True)
    assert "Agree to how we use your information" in html
    assert 'value="pseudonym" checked' in html
    assert _membership(me, community) is None

    response = post_form(
        client, "/communities/open-group/join", {"consent": "y", "name_choice": "pseudonym"}
    )
    assert response.headers["Location"] == "/profile/communication-needs?community=open-group"
    membership = _membership(me, community)
    assert (membership.status, membership.role, membership.use_pseudonym) == (
        "active",
        "lay_partner",
        True,
    )
    consent = db.session.scalar(sa.select(ConsentRecord).where(ConsentRecord.user_id == me.id))
    assert consent.version == 1 and consent.withdrawn_at is None
    events = db.session.scalars(sa.select(MembershipEvent.status)).all()
    assert events == ["active"]

    needs = post_form(
        client,
        "/profile/communication-needs?community=open-group",
        {"needs": ["large_print", "bsl_interpreter"], "preferred_contact": "email"},
    )
    assert needs.headers["Location"] == "/communities/open-group"
    assert "You are a member of this community" in client.get("/communities/open-group").get_data(
        as_text=True
    )


def test_joining_twice_is_refused_and_changes_nothing(client, make_user, make_community):
    me = make_user()
    make_community(slug="twice")
    sign_in_as(client, me)
    post_form(client, "/communities/twice/join", {"consent": "y"})
    again = post_form(client, "/communities/twice/join", {"consent": "y"})
    assert again.headers["Location"] == "/communities/twice"
    message = client.get("/communities/twice").get_data(as_text=True)
    assert "You are already a member of this community." in message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord)) == 1


def test_request_community_makes_a_pending_request_and_tells_coordinators(
    client, make_user, make_community, make_membership
):
    coordinator = make_user(display_name="Coordinator")
    other_coordinator = make_user(display_name="Other coordinator")
    me = make_user(display_name="Asking Person")
    community = make_community(name="Ask first", slug="ask-first", visibility="request")
    make_membership(coordinator, community, "coordinator")
    make_membership(other_coordinator, community, "coordinator")
    sign_in_as(client, me)
    post_form(client, "/communities/ask-first/join", {"consent": "y"})
    assert _membership(me, community).status == "pending"
    told = db.session.scalars(
        sa.select(OutboxMessage.user_id).where(OutboxMessage.kind == "join_request")
    ).all()
    assert sorted(told) == sorted([coordinator.id, other_coordinator.id])
    page = client.get("/communities/ask-first").get_data(as_text=True)
    assert "You have asked to join" in page
    assert "You have already asked to join" in client.get(
        "/communities/ask-first/join", follow_redirects=True
    ).get_data(as_text=True)


def test_invite_only_and_archived_communities_cannot_be_joined(client, make_user, make_community):
    make_community(slug="invite-only", visibility="invite")
    make_community(slug="archived", archived=True)
    sign_in_as(client, make_user())
    for slug, message in (
        ("invite-only", "You can only join this community if a coordinator invites you."),
        ("archived", "This community is archived and is not taking new members."),
    ):
        response = post_form(client, f"/communities/{slug}/join", {"consent": "y"})
        assert response.headers["Location"] == f"/communities/{slug}"
        assert message in client.get(f"/communities/{slug}").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 0


def test_leaving_and_rejoining(client, make_user, make_community, make_membership):
    me = make_user()
    community = make_community(slug="leave-me")
    make_membership(me, community)
    sign_in_as(client, me)
    assert "Leave" in client.get("/communities/leave-me/leave").get_data(as_text=True)
    response = post_form(client, "/communities/leave-me/leave")
    assert response.headers["Location"] == "/my/communities"
    db.session.expire_all()
    assert _membership(me, community).status == "left"
    assert client.get("/communities/leave-me/leave").status_code == 404
    post_form(client, "/communities/leave-me/join", {"consent": "y"})
    db.session.expire_all()
    assert _membership(me, community).status == "active"


def test_last_coordinator_cannot_leave(client, make_user, make_community, make_membership):
    me = make_user()
    community = make_community(slug="needs-me")
    make_membership(me, community, "coordinator")
    sign_in_as(client, me)
    post_form(client, "/communities/needs-me/leave")
    page = client.get("/communities/needs-me").get_data(as_text=True)
    assert "A community needs at least one coordinator." in page
    db.session.expire_all()
    assert _membership(me, community).status == "active"


def test_withdrawing_consent_ends_membership_and_keeps_the_record(
    client, make_user, make_community
):
    me = make_user()
    community = make_community(slug="consent")
    sign_in_as(client, me)
    post_form(client, "/communities/consent/join", {"consent": "y"})
    page = client.get("/communities/consent/consent").get_data(as_text=True)
    assert "You agreed to version 1" in page
    post_form(client, "/communities/consent/consent")
    db.session.expire_all()
    assert _membership(me, community).status == "left"
    record = db.session.scalar(sa.select(ConsentRecord))
    assert record.withdrawn_at is not None
    assert "You withdrew your consent" in client.get("/communities/consent/consent").get_data(
        as_text=True
    )


def test_communication_needs_form_keeps_input_on_error(client, make_user):
    me = make_user()
    sign_in_as(client, me)
    response = post_form(
        client,
        "/profile/communication-needs",
        {"needs": ["easy_read"], "preferred_contact": "phone", "carer_name": "Alex"},
    )
    html = response.get_data(as_text=True)
    assert "Enter a phone number, or choose another way to contact you" in html
    assert 'value="easy_read" checked' in html
    assert 'value="Alex"' in html
    saved = post_form(
        client,
        "/profile/communication-needs",
        {"needs": ["easy_read"], "preferred_contact": "phone", "phone": "07700 900000"},
    )
    assert saved.headers["Location"] == "/my/communities"
    assert "Easy read" in client.get("/my/communities").get_data(as_text=True)


def test_my_communities_shows_status_and_coordinator_messages(
    client, make_user, make_community, make_membership
):
    me = make_user()
    make_membership(me, make_community(name="Joined"), status="active", message="Welcome!")
    make_membership(
        me, make_community(name="Refused"), status="declined", message="Full until April"
    )
    sign_in_as(client, me)
    html = client.get("/my/communities").get_data(as_text=True)
    assert "Joined" in html and "Member" in html
    assert "Message from the coordinator: “Welcome!”" in html  # said when they approved
    assert "Request declined" in html and "Full until April" in html


def test_community_page_shows_counts_and_coordinators(client, world):
    html = client.get("/communities/alpha").get_data(as_text=True)
    assert "Lay partners: 1" in html
    assert "Professionals: 1" in html
    assert "Coordinators: 1" in html
    assert "Coord A" in html
    assert "coord@example.org" not in html


def test_removed_member_cannot_rejoin_alone(client, make_user, make_community, make_membership):
    me = make_user()
    community = make_community(name="Removed from", slug="removed-from")
    make_membership(me, community, status="removed", message="Broke the group agreement")
    sign_in_as(client, me)
    assert "Removed from" not in client.get("/communities?can_join=y").get_data(as_text=True)
    response = post_form(client, "/communities/removed-from/join", {"consent": "y"})
    assert response.headers["Location"] == "/communities/removed-from"
    page = client.get("/communities/removed-from").get_data(as_text=True)
    assert "Only they can invite you back." in page
    db.session.expire_all()
    assert _membership(me, community).status == "removed"
