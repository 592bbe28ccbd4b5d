"""Invitations: a signed, expiring, single-use link sent to one email address.

The link carries the invitation's id and a random nonce. Resending makes a
new nonce (the old link stops working); accepting or revoking ends it.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import db, outbox, permissions
from ..accounts.models import User
from ..accounts.services import find_by_email, normalise_email
from ..db import utcnow
from ..tokens import InvalidToken, make_token, read_token
from .models import ACTIVE, Community, Invitation, Membership, new_invitation_nonce
from .services import NotAllowed, Refused, record_consent, set_status

LIFETIME = timedelta(days=14)
PURPOSE = "invitation"


def token_for(invitation):
    return make_token(PURPOSE, {"i": invitation.id, "n": invitation.nonce})


def open_invitations_query(community):
    return (
        sa.select(Invitation)
        .where(
            Invitation.community_id == community.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def invite(actor, community, emails, role, message, accept_url, locale):
    """Invite each address. If any cannot be invited, nobody is and the reasons are returned.

    `accept_url` turns a token into an absolute link; `locale` is the language
    of the email for people who have no account yet.
    """
    if not permissions.can_manage_members(actor, community):
        raise NotAllowed
    if community.is_archived:
        raise Refused(_l("This community is archived and is not taking new members."))
    addresses = list(dict.fromkeys(normalise_email(e) for e in emails if e.strip()))
    problems = []
    existing_users = {
        u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(addresses)))
    }
    members = set(
        db.session.scalars(
            sa.select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == community.id,
                Membership.status == ACTIVE,
                User.email.in_(addresses),
            )
        )
    )
    pending = set(
        db.session.scalars(
            open_invitations_query(community)
            .where(Invitation.email.in_(addresses), Invitation.expires_at > utcnow())
            .with_only_columns(Invitation.email)
        )
    )
    for address in addresses:
        if address in members:
            problems.append(_l("%(email)s is already a member of this community.", email=address))
        elif address in pending:
            problems.append(
                _l(
                    "%(email)s already has an invitation. Resend it from the list below.",
                    email=address,
                )
            )
    if problems:
        return [], problems
    invitations = []
    for address in addresses:
        invitation = Invitation(
            community_id=community.id,
            email=address,
            role=role,
            message=message,
            invited_by_id=actor.id,
            expires_at=utcnow() + LIFETIME,
        )
        db.session.add(invitation)
        db.session.flush()
        _send(invitation, community, actor, accept_url, locale, existing_users.get(address))
        invitations.append(invitation)
    return invitations, []


def _send(invitation, community, actor, accept_url, locale, user=None):
    outbox.queue_to_address(
        invitation.email,
        user.locale if user is not None else locale,
        "invitation",
        link=accept_url(token_for(invitation)),
        community=community,
        inviter=actor.display_name,
        invitation=invitation,
    )


def invitations_for(user, limit=20):
    """Open invitations sent to this person's address: [(invitation, community, token)]."""
    rows = db.session.execute(
        sa.select(Invitation, Community)
        .join(Community, Community.id == Invitation.community_id)
        .where(
            Invitation.email == normalise_email(user.email),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc())
        .limit(limit)
    ).all()
    return [(invitation, community, token_for(invitation)) for invitation, community in rows]


def community_of(invitation):
    return db.session.get(Community, invitation.community_id)


def get_invitation(community, invitation_id):
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.id == invitation_id, Invitation.community_id == community.id
        )
    )


def resend(actor, community, invitation, accept_url, locale):
    if not permissions.can_manage_members(actor, community):
        raise NotAllowed
    if invitation.accepted_at or invitation.revoked_at:
        raise Refused(_l("This invitation has already been accepted or withdrawn."))
    invitation.nonce = new_invitation_nonce()
    invitation.sent_at = utcnow()
    invitation.expires_at = utcnow() + LIFETIME
    db.session.flush()
    _send(invitation, community, actor, accept_url, locale, find_by_email(invitation.email))


def revoke(actor, community, invitation):
    if not permissions.can_manage_members(actor, community):
        raise NotAllowed
    if invitation.accepted_at or invitation.revoked_at:
        raise Refused(_l("This invitation has already been accepted or withdrawn."))
    invitation.revoked_at = utcnow()
    db.session.flush()


def from_token(token):
    """The invitation a link names, or Refused with what went wrong, in plain words."""
    try:
        data = read_token(PURPOSE, token, max_age=None)
    except InvalidToken:
        raise Refused(
            _l("This invitation link is not valid. Check you copied all of it.")
        ) from None
    invitation = db.session.get(Invitation, data.get("i"))
    if invitation is None or invitation.nonce != data.get("n"):
        raise Refused(
            _l("This invitation link is no longer valid. Ask the coordinator to send a new one.")
        )
    if invitation.accepted_at is not None:
        raise Refused(_l("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise Refused(_l("This invitation has been withdrawn."))
    if invitation.expires_at <= utcnow():
        raise Refused(_l("This invitation has expired. Ask the coordinator to send a new one."))
    return invitation


def accept(user, invitation, *, consent, use_pseudonym=False):
    """The invited person joins with the role they were invited to."""
    if normalise_email(user.email) != invitation.email:
        raise Refused(
            _l(
                "This invitation was sent to %(email)s. Sign in with that account to accept it.",
                email=invitation.email,
            )
        )
    community = community_of(invitation)
    if community.is_archived:
        raise Refused(_l("This community is archived and is not taking new members."))
    membership = permissions.membership(user, community)
    if membership is not None and membership.status == ACTIVE:
        raise Refused(_l("You are already a member of this community."))
    if permissions.must_consent(invitation.role) and not consent:
        raise Refused(_l("You need to agree to how we use your information to join."))
    membership = membership or Membership(user_id=user.id, community_id=community.id)
    membership.message = None
    membership.use_pseudonym = bool(use_pseudonym and user.pseudonym)
    set_status(membership, ACTIVE, user, role=invitation.role, note="accepted invitation")
    db.session.add(membership)
    if permissions.must_consent(invitation.role):
        record_consent(user, community)
    invitation.accepted_at = utcnow()
    db.session.flush()
    permissions.forget_memberships()
    return membership
