"""Moving a consultation's window: closing it early, extending it, pausing and resuming it.

Each move needs a reason, is kept in the proposal's history (`ProposalEvent`)
and is announced with `signals.proposal_moved`. Everyone who gave views that
are not withdrawn is told, privately, of an early close and of a new closing
date. Services flush; the request commits.
"""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import db, outbox, permissions, signals
from ..accounts.models import User
from ..communities.services import Refused, require
from ..db import utcnow
from ..links import public_url
from .models import (
    CLOSED_EARLY,
    EXTENDED,
    OPEN,
    PAUSE,
    PAUSED,
    RESUMED,
    Contribution,
    Proposal,
    ProposalEvent,
)

HISTORY_LIMIT = 50


class BadClosingTime(Refused):
    """An extension needs a closing time later than now and than the current one."""


class BadOutcomeDate(Refused):
    """The day the outcome is due must stay after the closing day."""


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_l("Give the reason"))
    return reason


def _record(
    actor: User,
    proposal: Proposal,
    kind: str,
    reason: str,
    old_closes_at: datetime | None,
    now: datetime,
) -> None:
    db.session.add(
        ProposalEvent(
            proposal_id=proposal.id,
            kind=kind,
            reason=reason,
            old_closes_at=old_closes_at,
            new_closes_at=proposal.closes_at,
            actor_id=actor.id,
            created_at=now,
        )
    )
    proposal.updated_at = now
    db.session.flush()
    signals.proposal_moved.send(proposal, what=kind, by=actor)


def _still_open(
    proposal: Proposal, now: datetime, allowed: Collection[str] = (OPEN, PAUSED)
) -> None:
    if proposal.status(now) not in allowed:
        raise Refused(_l("This consultation is not open, so its closing time cannot change."))


def close_early(
    actor: User, proposal: Proposal, *, reason: str | None, now: datetime | None = None
) -> None:
    """Close the consultation now. Contributors are told, and held outcomes are released."""
    require(permissions.can_steer_proposal(actor, proposal))
    now = now or utcnow()
    reason = _reason(reason)
    _still_open(proposal, now)
    old = proposal.closes_at
    proposal.closes_at = now
    proposal.paused_at = None
    _tell_contributors(proposal, "proposal_closed_early", reason=reason)
    _record(actor, proposal, CLOSED_EARLY, reason, old, now)


def extend(
    actor: User,
    proposal: Proposal,
    *,
    closes_at: datetime | None,
    reason: str | None,
    outcome_due_on: date | None = None,
    now: datetime | None = None,
) -> None:
    """Move the closing time later. Contributors are told the new date.

    The day the outcome is due moves too when one is given. Without one, the
    current day must still come after the new closing day: the proposal page
    never promises an outcome before the consultation has closed.
    """
    require(permissions.can_steer_proposal(actor, proposal))
    now = now or utcnow()
    reason = _reason(reason)
    _still_open(proposal, now)
    # An open or paused proposal has a closing time.
    if closes_at is None or closes_at <= max(now, cast(datetime, proposal.closes_at)):
        raise BadClosingTime(_l("Choose a closing time later than the current one"))
    due = outcome_due_on or proposal.outcome_due_on
    if due is not None and due <= closes_at.date():
        raise BadOutcomeDate(
            _l("Choose a day for the outcome after the new closing date")
            if outcome_due_on
            else _l("The outcome is due before the new closing date. Choose a later day for it")
        )
    old = proposal.closes_at
    proposal.closes_at = closes_at
    proposal.outcome_due_on = due
    _tell_contributors(proposal, "proposal_extended", reason=reason)
    _record(actor, proposal, EXTENDED, reason, old, now)


def pause(
    actor: User, proposal: Proposal, *, reason: str | None, now: datetime | None = None
) -> None:
    """Stop taking views for now; the closing time stays as it is."""
    require(permissions.can_steer_proposal(actor, proposal))
    now = now or utcnow()
    reason = _reason(reason)
    if proposal.status(now) != OPEN:
        raise Refused(_l("Only an open consultation can be paused."))
    proposal.paused_at = now
    _record(actor, proposal, PAUSE, reason, proposal.closes_at, now)


def resume(
    actor: User, proposal: Proposal, *, reason: str | None, now: datetime | None = None
) -> None:
    """Take views again after a pause."""
    require(permissions.can_steer_proposal(actor, proposal))
    now = now or utcnow()
    reason = _reason(reason)
    if proposal.status(now) != PAUSED:
        raise Refused(_l("This consultation is not paused."))
    proposal.paused_at = None
    _record(actor, proposal, RESUMED, reason, proposal.closes_at, now)


def contributors(proposal: Proposal) -> sa.ScalarResult[User]:
    """Everyone whose views on the proposal are not withdrawn (anonymous ones too), once each."""
    return db.session.scalars(
        sa.select(User)
        .where(
            User.id.in_(
                sa.select(Contribution.author_id).where(
                    Contribution.proposal_id == proposal.id,
                    Contribution.withdrawn_at.is_(None),
                    Contribution.author_id.is_not(None),
                )
            )
        )
        .order_by(User.id)
    )


def _tell_contributors(proposal: Proposal, kind: str, **context: Any) -> None:
    """A private message to each contributor, in their own language (outbox renders per person)."""
    community = proposal.community
    link = public_url("consultations.show", proposal_id=proposal.id)
    for person in contributors(proposal):
        outbox.queue(person, kind, link=link, proposal=proposal, community=community, **context)


def history(proposal: Proposal) -> Sequence[sa.Row[ProposalEvent, str | None]]:
    """The proposal's window moves, newest first: (ProposalEvent, actor's display name) rows."""
    return db.session.execute(
        sa.select(ProposalEvent, User.display_name)
        .outerjoin(User, User.id == ProposalEvent.actor_id)
        .where(ProposalEvent.proposal_id == proposal.id)
        .order_by(ProposalEvent.created_at.desc(), ProposalEvent.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
