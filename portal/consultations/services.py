"""Proposal rules: drafting, questions, the reading-age gate, the window, and announcing.

Services check permission, validate, write and flush; the request commits.
A rule that refuses raises `Refused` (a message for the person) or
`NotAllowed` (403), and changes nothing.
"""

import types
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import contains_eager, joinedload

from .. import db, outbox, permissions
from ..accounts.models import User
from ..briefings import glossary, readability
from ..briefings.models import LATEST_VERSION, Briefing, BriefingVersion
from ..briefings.services import readable_by
from ..communities import timeline
from ..communities.models import ACTIVE, LAY_PARTNER, Community, Membership
from ..communities.services import NotAllowed, Refused, require
from ..db import utcnow
from ..links import public_url
from .models import (
    CLOSED,
    DECIDED,
    MULTIPLE,
    OPEN,
    SINGLE,
    UPCOMING,
    Proposal,
    ProposalBriefing,
    Question,
)

__all__ = ["BadChoices", "NeedsNote", "NeedsReason", "NotAllowed", "Refused"]

TEXT_FIELDS = ("title", "summary", "problem", "change", "affects")


class NeedsReason(Refused):
    """A coordinator publishing a summary above the target reading age must say why."""


class NeedsNote(Refused):
    """A question added after the proposal opened must say why."""


class BadChoices(Refused):
    """A list question needs 2 to 10 different choices."""


def get(proposal_id: int) -> Proposal | None:
    """A proposal with its community, or None."""
    return db.session.scalar(
        sa.select(Proposal)
        .options(joinedload(Proposal.community, innerjoin=True))
        .where(Proposal.id == proposal_id)
    )


def _editable(proposal: Proposal) -> None:
    """Texts, window and questions change only before the proposal opens."""
    if proposal.status() not in ("draft", UPCOMING):
        raise Refused(_l("This proposal is open or closed. Its words and questions are fixed."))


# Writing -----------------------------------------------------------------------------


def create(
    actor: User, community: Community, *, briefing_ids: Iterable[int] = (), **fields: Any
) -> Proposal:
    require(permissions.can_author(actor, community))
    if community.is_archived:
        raise Refused(_l("This community is archived. It is not taking new proposals."))
    proposal = Proposal(community=community, created_by_id=actor.id)
    _apply(proposal, fields)
    db.session.add(proposal)
    db.session.flush()
    set_briefings(proposal, briefing_ids)
    return proposal


def update(
    actor: User, proposal: Proposal, *, briefing_ids: Iterable[int] = (), **fields: Any
) -> None:
    community = proposal.community
    require(permissions.can_author(actor, community))
    _editable(proposal)
    if not proposal.is_draft:  # published: the window must stay sensible
        opens = fields.get("opens_at", proposal.opens_at)
        closes = fields.get("closes_at", proposal.closes_at)
        if opens is None or closes is None or closes <= max(opens, utcnow()):
            raise Refused(_l("Set a closing time after the opening time, in the future."))
    _apply(proposal, fields)
    proposal.updated_at = utcnow()
    set_briefings(proposal, briefing_ids)
    db.session.flush()


def _apply(proposal: Proposal, fields: Mapping[str, Any]) -> None:
    for name in TEXT_FIELDS:
        if name in fields:
            setattr(proposal, name, (fields[name] or "").strip())
    for name in ("opens_at", "closes_at", "outcome_due_on"):
        if name in fields:
            setattr(proposal, name, fields[name])


def set_briefings(proposal: Proposal, briefing_ids: Iterable[int]) -> None:
    """Link published briefings of the same community (others are ignored)."""
    allowed = set(
        db.session.scalars(
            sa.select(Briefing.id).where(
                Briefing.community_id == proposal.community_id,
                Briefing.id.in_(set(briefing_ids)),
                Briefing.version_number > 0,
            )
        )
    )
    db.session.execute(
        sa.delete(ProposalBriefing).where(ProposalBriefing.proposal_id == proposal.id)
    )
    db.session.add_all(
        ProposalBriefing(proposal_id=proposal.id, briefing_id=i) for i in sorted(allowed)
    )


def briefing_choices(community: Community, limit: int = 100) -> Sequence[sa.Row[int, str]]:
    """Published briefings an author may link, newest first."""
    return db.session.execute(
        sa.select(Briefing.id, BriefingVersion.title)
        .join(BriefingVersion, LATEST_VERSION)
        .where(Briefing.community_id == community.id, Briefing.original_id.is_(None))
        .order_by(Briefing.published_at.desc())
        .limit(limit)
    ).all()


def linked_briefing_ids(proposal: Proposal) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(ProposalBriefing.briefing_id).where(
                ProposalBriefing.proposal_id == proposal.id
            )
        )
    )


def linked_briefings(
    proposal: Proposal, user: User | AnonymousUserMixin
) -> Sequence[sa.Row[int, str, str]]:
    """The linked briefings `user` may read: (id, language, title) rows."""
    query = (
        sa.select(Briefing.id, Briefing.language, BriefingVersion.title)
        .join(ProposalBriefing, ProposalBriefing.briefing_id == Briefing.id)
        .join(BriefingVersion, LATEST_VERSION)
        .where(ProposalBriefing.proposal_id == proposal.id)
        .order_by(BriefingVersion.title)
    )
    return db.session.execute(readable_by(query, user)).all()


def proposals_linking(briefing: Briefing) -> Sequence[sa.Row[int, str]]:
    """Published proposals that link to a briefing, for its insights page."""
    return db.session.execute(
        sa.select(Proposal.id, Proposal.title)
        .join(ProposalBriefing, ProposalBriefing.proposal_id == Proposal.id)
        .where(
            ProposalBriefing.briefing_id == (briefing.original_id or briefing.id),
            Proposal.published_at.is_not(None),
        )
        .order_by(Proposal.published_at.desc())
        .limit(50)
    ).all()


# Questions ---------------------------------------------------------------------------


def questions(proposal: Proposal) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.proposal_id == proposal.id)
            .order_by(Question.position, Question.id)
        )
    )


def question_prompts(proposal_id: int) -> Sequence[sa.Row[int, str]]:
    """(id, prompt) of a proposal's questions in their order, for a filter's choices."""
    return db.session.execute(
        sa.select(Question.id, Question.prompt)
        .where(Question.proposal_id == proposal_id)
        .order_by(Question.position, Question.id)
    ).all()


def get_question(proposal: Proposal, question_id: int) -> Question | None:
    """A question of this proposal, or None (so other proposals' questions are not found)."""
    return db.session.scalar(
        sa.select(Question).where(Question.id == question_id, Question.proposal_id == proposal.id)
    )


def _check_options(kind: str, options: Iterable[str]) -> list[str]:
    options = [o.strip() for o in options if o.strip()]
    if kind in (SINGLE, MULTIPLE):
        if not 2 <= len(options) <= 10:
            raise BadChoices(_l("Give between 2 and 10 choices, one on each line"))
        if len({o.lower() for o in options}) != len(options):
            raise BadChoices(_l("Each choice must be different"))
        return options
    return []


def save_question(
    actor: User,
    proposal: Proposal,
    *,
    question: Question | None = None,
    added_note: str = "",
    **fields: Any,
) -> Question:
    """Add a question, or change one before the proposal opens.

    Once it is open, people may have answered: questions cannot change, but a
    new one can be added with a note saying why.
    """
    community = proposal.community
    require(permissions.can_author(actor, community))
    status = proposal.status()
    if status in (CLOSED, DECIDED):
        raise Refused(_l("This proposal is closed. Its questions are fixed."))
    if status == OPEN:
        if question is not None:
            raise Refused(_l("People may have answered already, so questions cannot change."))
        if not added_note.strip():
            raise NeedsNote(_l("Say why you are adding a question after the proposal opened"))
    options = _check_options(fields["kind"], fields.pop("options", []))
    if question is None:
        last = db.session.scalar(
            sa.select(sa.func.max(Question.position)).where(Question.proposal_id == proposal.id)
        )
        question = Question(proposal_id=proposal.id, position=(last or 0) + 1)
        db.session.add(question)
    question.kind = fields["kind"]
    question.prompt = fields["prompt"].strip()
    question.hint = (fields.get("hint") or "").strip()
    question.required = bool(fields.get("required"))
    question.options = options
    question.added_note = added_note.strip() if status == OPEN else ""
    db.session.flush()
    return question


def move_question(actor: User, proposal: Proposal, question: Question, offset: int) -> None:
    """Swap a question with the one before (offset -1) or after (offset 1)."""
    community = proposal.community
    require(permissions.can_author(actor, community))
    _editable(proposal)
    ordered = questions(proposal)
    index = next(i for i, q in enumerate(ordered) if q.id == question.id)
    other = index + offset
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            item.position = position
        db.session.flush()


def delete_question(actor: User, proposal: Proposal, question: Question) -> None:
    community = proposal.community
    require(permissions.can_author(actor, community))
    _editable(proposal)
    db.session.delete(question)
    db.session.flush()


# Publishing --------------------------------------------------------------------------


def check(proposal: Proposal) -> readability.Report:
    """The readability report for the summary (the part every reader reads)."""
    community = proposal.community
    terms = glossary.terms_for(community.id, "en")
    report: readability.Report = readability.analyse(proposal.summary, "", "en", terms)
    return report


def publish(
    actor: User,
    proposal: Proposal,
    *,
    override_reason: str | None = "",
    now: datetime | None = None,
) -> Proposal:
    """Publish: it opens at `opens_at` (or now, when none is set) and closes at `closes_at`.

    A summary above the community's target reading age needs a coordinator
    and a reason, as briefings do.
    """
    community = proposal.community
    require(permissions.can_author(actor, community))
    now = now or utcnow()
    if not proposal.is_draft:
        raise Refused(_l("This proposal is already published."))
    if not questions(proposal):
        raise Refused(_l("Add at least one question before publishing."))
    opens_at = proposal.opens_at or now
    if proposal.closes_at is None or proposal.closes_at <= max(opens_at, now):
        raise Refused(_l("Set a closing time after the opening time, in the future."))
    report = check(proposal)
    override_reason = (override_reason or "").strip()
    if report.above(community.target_reading_age):
        if not permissions.can_publish_above_target(actor, community):
            raise Refused(
                _l(
                    "The summary reads at about age %(age)d. The target for this community "
                    "is %(target)d. Make it simpler, or ask a coordinator to publish it.",
                    age=report.reading_age,
                    target=community.target_reading_age,
                )
            )
        if not override_reason:
            raise NeedsReason(_l("Give the reason for publishing above the target reading age"))
    else:
        override_reason = ""
    proposal.opens_at = max(opens_at, now)
    proposal.published_at = now
    proposal.reading_age = report.reading_age
    proposal.override_reason = override_reason or None
    db.session.flush()
    timeline.record(
        community.id,
        timeline.PROPOSAL_OPENED,
        proposal.title,
        subject_id=proposal.id,
        public=False,
        occurred_at=proposal.opens_at,
        actor=actor,
    )
    if proposal.opens_at <= now:
        announce(proposal, now)
    return proposal


def announce(proposal: Proposal, now: datetime | None = None) -> None:
    """Tell the community's active lay partners that a proposal is open for their views."""
    community = proposal.community
    proposal.announced_at = now or utcnow()
    link = public_url("consultations.show", proposal_id=proposal.id)
    people = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community.id,
            Membership.status == ACTIVE,
            Membership.role == LAY_PARTNER,
        )
    )
    for person in people:
        outbox.queue(
            person,
            "proposal_opened",
            link=link,
            proposal=proposal,
            community=community,
        )
    db.session.flush()


def announce_due(now: datetime | None = None) -> int:
    """Announce every published proposal whose opening time has come. For the worker."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Proposal)
        .join(Proposal.community)
        .options(contains_eager(Proposal.community))
        .where(
            Proposal.published_at.is_not(None),
            Proposal.announced_at.is_(None),
            Proposal.opens_at <= now,
        )
        .with_for_update(skip_locked=True, of=Proposal)
    ).all()
    for proposal in due:
        # A published proposal has a closing time (Proposal.status says so too).
        if cast(datetime, proposal.closes_at) > now:
            announce(proposal, now)
        else:
            proposal.announced_at = now  # it closed before anyone could be told
    db.session.flush()
    return len(due)


# Lists -------------------------------------------------------------------------------


def by_status(
    community: Community, status: str, now: datetime | None = None, limit: int | None = None
) -> sa.Select[Proposal]:
    """Published proposals of a community in one status, most relevant first."""
    now = utcnow() if now is None else now
    query = sa.select(Proposal).where(
        Proposal.community_id == community.id, Proposal.published_at.is_not(None)
    )
    if status == OPEN:
        query = query.where(
            Proposal.decided_at.is_(None), Proposal.opens_at <= now, Proposal.closes_at > now
        ).order_by(Proposal.closes_at, Proposal.id)
    elif status == UPCOMING:
        query = query.where(Proposal.decided_at.is_(None), Proposal.opens_at > now).order_by(
            Proposal.opens_at, Proposal.id
        )
    elif status == CLOSED:
        query = query.where(
            sa.or_(Proposal.decided_at.is_not(None), Proposal.closes_at <= now)
        ).order_by(Proposal.closes_at.desc(), Proposal.id.desc())
    if limit:
        query = query.limit(limit)
    return query


def _first_of(status: str, limit: int) -> sa.Select[int, str, datetime | None, datetime | None]:
    """The first few proposals of a community in one status, as `by_status` orders them,
    with only the columns the community page shows; built once, bound per page."""
    # by_status compares with the community's id and with `now`: here, bound parameters.
    community = cast(
        Community, types.SimpleNamespace(id=sa.bindparam("community_id", type_=sa.Integer))
    )
    now = cast(datetime, sa.bindparam("now", type_=Proposal.closes_at.type))
    return by_status(community, status, now=now, limit=limit).with_only_columns(
        Proposal.id, Proposal.title, Proposal.opens_at, Proposal.closes_at
    )


FIRST_OPEN = _first_of(OPEN, 5)
FIRST_UPCOMING = _first_of(UPCOMING, 3)


def first_open_and_upcoming(
    community: Community, now: datetime | None = None
) -> dict[str, Sequence[sa.Row[int, str, datetime | None, datetime | None]]]:
    """{OPEN: the five closing first, UPCOMING: the three opening first} of a community:
    (id, title, opens_at, closes_at) rows, read from `ix_proposals_undecided_*`."""
    params = {"community_id": community.id, "now": now or utcnow()}
    return {
        OPEN: db.session.execute(FIRST_OPEN, params).all(),
        UPCOMING: db.session.execute(FIRST_UPCOMING, params).all(),
    }


def drafts_query(community: Community) -> sa.Select[Proposal]:
    return (
        sa.select(Proposal)
        .where(Proposal.community_id == community.id, Proposal.published_at.is_(None))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    )
