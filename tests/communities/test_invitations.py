"""Invitations: one email each, a link that works once, until it expires."""

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.communities.invitations import token_for
from portal.communities.models import Invitation, Membership
from portal.db import utcnow
from portal.outbox import OutboxMessage
from tests.conftest import post_form, sign_in_as
from tests.factories import make_invitation


def _link(to_email):
    message = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.to_email == to_email, OutboxMessage.kind == "invitation")
        .order_by(OutboxMessage.id.desc())
    ).first()
    return urlsplit(re.search(r"https?://\S+", message.body).group(0)).path


def test_coordinator_invites_several_people(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/communities/alpha/invitations",
        {
            "emails": "New.One@example.org\nnew.two@example.org, new.one@example.org",
            "role": "lay_partner",
            "message": "We would love your help.",
        },
    )
    assert response.headers["Location"] == "/communities/alpha/invitations"
    emails = db.session.scalars(
        sa.select(Invitation.email).where(Invitation.email.like("new.%")).order_by(Invitation.email)
    ).all()
    assert emails == ["new.one@example.org", "new.two@example.org"]
    sent = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "invitation")
    ).all()
    assert {m.to_email for m in sent} == set(emails)
    assert all("We would love your help." in m.body and "/invitations/" in m.body for m in sent)
    page = client.get("/communities/alpha/invitations").get_data(as_text=True)
    assert "new.two@example.org" in page


def test_inviting_a_member_or_a_bad_address_invites_nobody(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    member = post_form(
        client,
        "/communities/alpha/invitations",
        {"emails": "fresh@example.org\nLAY@example.org", "role": "lay_partner"},
    )
    assert "lay@example.org is already a member of this community." in member.get_data(as_text=True)
    bad = post_form(
        client,
        "/communities/alpha/invitations",
        {"emails": "fresh@example.org\nnot-an-address", "role": "lay_partner"},
    )
    html = bad.get_data(as_text=True)
    assert "not-an-address is not a valid email address" in html
    assert "fresh@example.org" in html  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1  # the world's

    make_invitation(world["a"], "twice@example.org")
    again = post_form(
        client,
        "/communities/alpha/invitations",
        {"emails": "twice@example.org", "role": "lay_partner"},
    )
    assert "twice@example.org already has an invitation" in again.get_data(as_text=True)


def test_new_person_registers_and_joins_in_one_flow(client, world):
    invitation = make_invitation(world["a"], "newcomer@example.org", message="Do join us")
    path = f"/invitations/{token_for(invitation)}"
    page = client.get(path).get_data(as_text=True)
    assert "Alpha clinic" in page and "Do join us" in page and "newcomer@example.org" in page

    bad = post_form(
        client, f"{path}/register", {"display_name": "", "password": "x", "locale": "en"}
    )
    assert "Enter a display name" in bad.get_data(as_text=True)
    created = post_form(
        client,
        f"{path}/register",
        {"display_name": "New Comer", "password": "a long enough phrase", "locale": "en"},
    )
    assert created.headers["Location"] == path
    user = db.session.scalar(sa.select(User).where(User.email == "newcomer@example.org"))
    assert user.is_verified and user.display_name == "New Comer"

    accept = client.get(path).get_data(as_text=True)
    assert 'name="consent"' in accept  # the consent step for a lay partner
    refused = post_form(client, path, {})
    assert refused.status_code == 200
    response = post_form(client, path, {"consent": "y"})
    assert response.headers["Location"] == "/profile/communication-needs?community=alpha"
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    assert (membership.status, membership.role) == ("active", "lay_partner")
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).accepted_at is not None

    used = client.get(path)
    assert used.status_code == 400
    assert "This invitation has already been used." in used.get_data(as_text=True)


def test_existing_account_is_sent_to_sign_in(client, world):
    invitation = make_invitation(world["a"], "pro@example.org", role="professional")
    path = f"/invitations/{token_for(invitation)}"
    response = post_form(
        client,
        f"{path}/register",
        {"display_name": "Someone", "password": "a long enough phrase", "locale": "en"},
    )
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_professional_invitation_needs_no_consent(client, world, make_user):
    person = make_user(email="therapist@example.org")
    invitation = make_invitation(world["a"], "therapist@example.org", role="professional")
    sign_in_as(client, person)
    path = f"/invitations/{token_for(invitation)}"
    assert "How quotes may be used" not in client.get(path).get_data(as_text=True)
    post_form(client, path, {})
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == person.id))
    assert (membership.status, membership.role) == ("active", "professional")


def test_invitation_for_someone_else_is_refused(client, world):
    invitation = make_invitation(world["a"], "someone.else@example.org")
    sign_in_as(client, world["people"]["requester"])
    path = f"/invitations/{token_for(invitation)}"
    assert "Sign out, then sign in with that account" in client.get(path).get_data(as_text=True)
    post_form(client, path, {"consent": "y"})
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).accepted_at is None
    assert world["memberships"]["requester"].status == "pending"


def test_expired_tampered_and_withdrawn_links_explain_themselves(client, world):
    expired = make_invitation(world["a"], "late@example.org", expires_in_days=-1)
    assert "This invitation has expired" in client.get(
        f"/invitations/{token_for(expired)}"
    ).get_data(as_text=True)

    token = token_for(make_invitation(world["a"], "tamper@example.org"))
    tampered = client.get(f"/invitations/{token[:-3]}abc")
    assert tampered.status_code == 400
    assert "This invitation link is not valid" in tampered.get_data(as_text=True)

    withdrawn = make_invitation(world["a"], "gone@example.org", revoked_at=utcnow())
    assert "This invitation has been withdrawn." in client.get(
        f"/invitations/{token_for(withdrawn)}"
    ).get_data(as_text=True)


def test_resend_replaces_the_link_and_revoke_ends_it(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    post_form(
        client,
        "/communities/alpha/invitations",
        {"emails": "again@example.org", "role": "lay_partner"},
    )
    first = _link("again@example.org")
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.email == "again@example.org")
    )
    post_form(client, f"/communities/alpha/invitations/{invitation.id}/resend")
    second = _link("again@example.org")
    assert first != second
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200

    post_form(client, f"/communities/alpha/invitations/{invitation.id}/revoke")
    assert "withdrawn" in client.get(second).get_data(as_text=True)
    again = post_form(client, f"/communities/alpha/invitations/{invitation.id}/revoke")
    assert again.status_code == 302


def test_invitations_of_another_community_are_not_found(client, world):
    invitation = make_invitation(world["a"], "alpha.only@example.org")
    sign_in_as(client, world["people"]["other_coordinator"])
    assert (
        post_form(client, f"/communities/beta/invitations/{invitation.id}/revoke").status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is None


def test_my_communities_lists_invitations_for_me(client, world, make_user):
    person = make_user(email="invited@example.org")
    make_invitation(world["a"], "invited@example.org")
    sign_in_as(client, person)
    html = client.get("/my/communities").get_data(as_text=True)
    assert "Invitations for you" in html and "Join Alpha clinic" in html
