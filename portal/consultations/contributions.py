"""Contribution rules: answering, drafts, held answers, changing and withdrawing.

Nothing a lay partner writes may be lost: a draft keeps unfinished answers,
a held form keeps answers sent after the session ended, and the idempotency
key makes a second submit of the same form return the first contribution
instead of storing another.
"""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import caching, db, outbox, permissions
from ..accounts.models import User
from ..communities.models import Community
from ..communities.services import NotAllowed, Refused, require
from ..db import utcnow
from ..health import summaries
from ..links import public_url
from .models import (
    ANONYMOUS,
    IDENTITIES,
    MULTIPLE,
    ONLINE,
    OPEN,
    SCALE,
    SINGLE,
    Answer,
    Contribution,
    ContributionDraft,
    ContributionRevision,
    HeldForm,
    Proposal,
    Question,
)

__all__ = ["NotAllowed", "Refused"]

HELD_FOR = timedelta(days=1)

# Question id: (text, scale, choices), as the contribution form gives them.
Answers = Mapping[int, tuple[str, int | None, Sequence[str]]]


def _require_open(proposal: Proposal) -> None:
    if proposal.status() != OPEN:
        raise Refused(_l("This proposal is not open for views."))


def new_key() -> str:
    return secrets.token_urlsafe(24)


# Drafts and held answers --------------------------------------------------------------


def get_draft(user: User, proposal: Proposal) -> ContributionDraft | None:
    return db.session.get(ContributionDraft, (user.id, proposal.id))


def save_draft(user: User, proposal: Proposal, data: dict[str, Any]) -> ContributionDraft:
    """Keep unfinished answers (the form's fields, as sent) to finish later."""
    community = proposal.community
    require(permissions.can_contribute(user, community))
    _require_open(proposal)
    draft = get_draft(user, proposal)
    if draft is None:
        draft = ContributionDraft(user_id=user.id, proposal_id=proposal.id, data=data)
        db.session.add(draft)
    draft.data = data
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def drafts_of(
    user: User, limit: int = 20
) -> Sequence[sa.Row[ContributionDraft, str, datetime | None]]:
    """The person's unfinished answers, newest first, with their proposals."""
    return db.session.execute(
        sa.select(ContributionDraft, Proposal.title, Proposal.closes_at)
        .join(Proposal, Proposal.id == ContributionDraft.proposal_id)
        .where(ContributionDraft.user_id == user.id)
        .order_by(ContributionDraft.updated_at.desc())
        .limit(limit)
    ).all()


def hold(proposal: Proposal, data: dict[str, Any]) -> str:
    """Keep answers sent without a live session; return the token to find them again."""
    db.session.execute(sa.delete(HeldForm).where(HeldForm.created_at < utcnow() - HELD_FOR))
    token = secrets.token_urlsafe(32)
    db.session.add(HeldForm(token=token, proposal_id=proposal.id, data=data))
    db.session.flush()
    return token


def take_held(token: str | None, proposal: Proposal) -> dict[str, Any] | None:
    """The held answers for this proposal, once; None if unknown or too old."""
    held = db.session.get(HeldForm, token) if token else None
    if held is None or held.proposal_id != proposal.id:
        return None
    data = held.data if held.created_at > utcnow() - HELD_FOR else None
    db.session.delete(held)
    db.session.flush()
    return data


# Answers -------------------------------------------------------------------------------


def answers_of(contribution: Contribution) -> dict[int, Answer]:
    """{question id: Answer}"""
    rows = db.session.scalars(sa.select(Answer).where(Answer.contribution_id == contribution.id))
    return {answer.question_id: answer for answer in rows}


def check_answers(questions: Iterable[Question], answers: Answers) -> None:
    """`answers` maps question id to (text, scale, choices). Required ones must be answered."""
    for question in questions:
        text, scale, choices = answers.get(question.id, ("", None, []))
        if scale is not None and not 1 <= scale <= 5:
            raise Refused(_l("Choose a number from 1 to 5"))
        if any(choice not in question.options for choice in choices):
            raise Refused(_l("Choose from the list"))
        if question.kind == SINGLE and len(choices) > 1:
            raise Refused(_l("Choose one answer"))
        empty = not text.strip() and scale is None and not choices
        if question.required and empty:
            raise Refused(_l("Answer every question marked as needing an answer"))


def write_answers(
    contribution: Contribution, questions: Iterable[Question], answers: Answers
) -> None:
    existing = answers_of(contribution)
    for question in questions:
        text, scale, choices = answers.get(question.id, ("", None, []))
        answer = existing.get(question.id)
        if not text.strip() and scale is None and not choices:  # nothing said: no row
            if answer is not None:
                db.session.delete(answer)
            continue
        if answer is None:
            answer = Answer(contribution_id=contribution.id, question_id=question.id)
            db.session.add(answer)
        answer.text = text.strip()
        answer.scale = scale if question.kind == SCALE else None
        answer.choices = list(choices) if question.kind in (SINGLE, MULTIPLE) else []


def snapshot(contribution: Contribution) -> dict[str, dict[str, Any]]:
    """The answers as stored now, for the history."""
    return {
        str(question_id): {"text": a.text, "scale": a.scale, "choices": a.choices}
        for question_id, a in answers_of(contribution).items()
    }


# Giving, changing and withdrawing --------------------------------------------------------


def own(user: User, proposal: Proposal) -> Contribution | None:
    """The person's own online contribution to a proposal (not withdrawn), if any."""
    return db.session.scalar(
        sa.select(Contribution)
        .where(
            Contribution.proposal_id == proposal.id,
            Contribution.author_id == user.id,
            Contribution.source == ONLINE,
            Contribution.withdrawn_at.is_(None),
        )
        .order_by(Contribution.id.desc())
        .limit(1)
    )


def submit(
    user: User,
    proposal: Proposal,
    questions: Iterable[Question],
    *,
    key: str,
    identity: str,
    quote_consent: bool,
    answers: Answers,
) -> tuple[Contribution, bool]:
    """Store a contribution once.

    Returns (contribution, True) when new. The same form sent again (same key)
    returns the first contribution; answers sent from a second form change the
    person's earlier contribution, keeping the earlier answers in its history.
    """
    community = proposal.community
    require(permissions.can_contribute(user, community))
    _require_open(proposal)
    if identity not in IDENTITIES:
        raise Refused(_l("Choose how reviewers may see your name"))
    check_answers(questions, answers)
    existing = _by_key(proposal, key)
    if existing is not None:
        return existing, False
    earlier = own(user, proposal)
    if earlier is not None:  # sent from a second tab: keep both, as a change
        change(
            user,
            earlier,
            proposal,
            questions,
            identity=identity,
            quote_consent=quote_consent,
            answers=answers,
        )
        return earlier, False
    contribution = Contribution(
        proposal=proposal,
        community=proposal.community,
        author_id=user.id,
        identity=identity,
        quote_consent=quote_consent,
        source=ONLINE,
        idempotency_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(contribution)
            db.session.flush()
    except IntegrityError:  # the same form, sent at the same moment by another request
        return cast(Contribution, _by_key(proposal, key)), False
    summaries.contribution_added(contribution, proposal)
    caching.renew_after_commit(caching.proposal_figures(proposal.id))
    write_answers(contribution, questions, answers)
    db.session.execute(
        sa.delete(ContributionDraft).where(
            ContributionDraft.user_id == user.id, ContributionDraft.proposal_id == proposal.id
        )
    )
    outbox.queue(
        user,
        "contribution_received",
        link=public_url("consultations.contribution", contribution_id=contribution.id),
        proposal=proposal,
        community=community,
        anonymous=identity == ANONYMOUS,
    )
    db.session.flush()
    return contribution, True


def _by_key(proposal: Proposal, key: str) -> Contribution | None:
    return db.session.scalar(
        sa.select(Contribution).where(
            Contribution.proposal_id == proposal.id, Contribution.idempotency_key == key
        )
    )


def change(
    user: User,
    contribution: Contribution,
    proposal: Proposal,
    questions: Iterable[Question],
    *,
    identity: str,
    quote_consent: bool,
    answers: Answers,
) -> None:
    """Change one's answers while the proposal is open; the earlier answers are kept."""
    require(contribution.author_id == user.id and contribution.source == ONLINE)
    _require_open(proposal)
    if contribution.is_withdrawn:
        raise Refused(_l("You withdrew this contribution."))
    if identity not in IDENTITIES:
        raise Refused(_l("Choose how reviewers may see your name"))
    check_answers(questions, answers)
    db.session.add(
        ContributionRevision(
            contribution_id=contribution.id,
            answers=snapshot(contribution),
            identity=contribution.identity,
        )
    )
    contribution.identity = identity
    contribution.quote_consent = quote_consent
    contribution.updated_at = utcnow()
    write_answers(contribution, questions, answers)
    db.session.flush()


def withdraw(user: User, contribution: Contribution, proposal: Proposal) -> None:
    """Take a contribution back while the proposal is open. It is kept, marked withdrawn."""
    require(contribution.author_id == user.id and contribution.source == ONLINE)
    _require_open(proposal)
    if contribution.is_withdrawn:
        raise Refused(_l("You withdrew this contribution."))
    summaries.contribution_withdrawn(contribution, proposal)
    caching.renew_after_commit(caching.proposal_figures(proposal.id))
    contribution.withdrawn_at = utcnow()
    db.session.flush()


def get_own(
    user: User, contribution_id: int
) -> tuple[Contribution, Proposal, Community] | tuple[None, None, None]:
    """A contribution of the person's own with its proposal and community, or (None,)*3."""
    row = db.session.execute(
        sa.select(Contribution, Proposal, Community)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .join(Community, Community.id == Proposal.community_id)
        .where(Contribution.id == contribution_id, Contribution.author_id == user.id)
    ).first()
    # tuple() of a Row loses the type of each column.
    return cast(tuple[Contribution, Proposal, Community], tuple(row)) if row else (None, None, None)


def revisions(contribution: Contribution) -> Sequence[ContributionRevision]:
    return db.session.scalars(
        sa.select(ContributionRevision)
        .where(ContributionRevision.contribution_id == contribution.id)
        .order_by(ContributionRevision.created_at.desc(), ContributionRevision.id.desc())
    ).all()


def mine_query(user: User) -> sa.Select[Contribution, Proposal, str]:
    """The person's contributions, newest first, with proposal and community names."""
    return (
        sa.select(Contribution, Proposal, Community.name)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .join(Community, Community.id == Proposal.community_id)
        .where(Contribution.author_id == user.id)
        .order_by(Contribution.submitted_at.desc(), Contribution.id.desc())
    )
