"""Following a proposal or a service change, and telling followers when it moves.

`on_proposal_moved` and `on_change_moved` are connected to the signals in
`portal.signals.connect_receivers`. A follower is not told about a move they
made themselves, nor twice about the same move (the `event_key` of the
message), nor when another notification already told them about it in the
same transaction (for example, as a contributor told of the decision).
"""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import db, outbox, permissions
from ..accounts.models import User
from ..communities.models import Community
from ..consultations.models import Proposal
from ..impact.labels import CHANGE_STATUS_LABELS
from ..impact.models import ServiceChange
from ..links import public_url
from .models import Follow
from .preferences import preload_settings


def _target(proposal=None, change=None):
    if proposal is not None:
        return Follow.proposal_id == proposal.id
    return Follow.change_id == change.id


def is_following(user, *, proposal=None, change=None):
    """Whether the person follows it: one query (False when signed out)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            sa.select(Follow.id).where(Follow.user_id == user.id, _target(proposal, change))
        )
        is not None
    )


def follow(user, *, proposal=None, change=None):
    """Start following (harmless when already following)."""
    if is_following(user, proposal=proposal, change=change):
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                Follow(
                    user_id=user.id,
                    proposal_id=proposal.id if proposal is not None else None,
                    change_id=change.id if change is not None else None,
                )
            )
    except sa.exc.IntegrityError:
        pass  # followed at the same moment from another tab: one follow is kept


def unfollow(user, *, proposal=None, change=None):
    db.session.execute(
        sa.delete(Follow).where(Follow.user_id == user.id, _target(proposal, change))
    )
    db.session.flush()


def _followers(target, by, event_key):
    """Followers still to tell: not the mover, not already told of this move."""
    query = (
        sa.select(User)
        .join(Follow, Follow.user_id == User.id)
        .where(target)
        .where(
            ~sa.exists().where(
                outbox.OutboxMessage.user_id == User.id,
                outbox.OutboxMessage.event_key == event_key,
            )
        )
        .order_by(User.id)
    )
    if by is not None:
        query = query.where(User.id != by.id)
    told = outbox.told_in_this_transaction()
    people = [person for person in db.session.scalars(query) if person.id not in told]
    preload_settings(person.id for person in people)
    return people


def proposal_event_key(proposal, what):
    detail = ""
    if what in ("extended", "closed_early") and proposal.closes_at is not None:
        detail = proposal.closes_at.isoformat()
    return f"proposal:{proposal.id}:{what}:{detail}"[:120]


def on_proposal_moved(proposal, what, by=None, **_details):
    """Tell the proposal's followers that it moved (`what`: see `portal.signals`).

    Only followers who may still read it are told (someone may have left the community).
    """
    key = proposal_event_key(proposal, what)
    community = db.session.get(Community, proposal.community_id)
    link = public_url("consultations.show", proposal_id=proposal.id)
    for person in _followers(Follow.proposal_id == proposal.id, by, key):
        if not permissions.can_follow_proposal(person, proposal):
            continue
        outbox.queue(
            person,
            "followed_proposal_moved",
            link=link,
            event_key=key,
            proposal=proposal,
            community=community,
            what=what,
        )


def change_event_key(change, what):
    if what != "status":
        return f"change:{change.id}:{what}"
    stamp = change.updated_at.isoformat() if change.updated_at else ""
    return f"change:{change.id}:status:{change.status}:{stamp}"[:120]


def on_change_moved(change, what, by=None, **_details):
    """Tell the change's followers (who may still read it) that it moved or was evaluated."""
    key = change_event_key(change, what)
    link = public_url("impact.change", change_id=change.id)
    for person in _followers(Follow.change_id == change.id, by, key):
        if not permissions.can_follow_change(person, change):
            continue
        outbox.queue(
            person,
            "followed_change_moved",
            link=link,
            event_key=key,
            change=change,
            what=what,
            status_label=CHANGE_STATUS_LABELS.get(change.status, change.status),
        )


def proposal_of(proposal_id):
    """The proposal with its community, or None."""
    return db.session.scalar(
        sa.select(Proposal)
        .options(joinedload(Proposal.community, innerjoin=True))
        .where(Proposal.id == proposal_id)
    )


def change_of(change_id):
    """The change with its community, or None."""
    return db.session.scalar(
        sa.select(ServiceChange)
        .options(joinedload(ServiceChange.community, innerjoin=True))
        .where(ServiceChange.id == change_id)
    )
