"""Decisions and service changes: recording them, moving them on, and evaluating them.

Services check permission, validate, write, record timeline events and
flush; the request commits. A refusal raises `Refused` and changes nothing.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import dates, db, outbox, permissions, signals
from ..accounts.models import User
from ..briefings.models import PUBLIC, VISIBILITIES
from ..communities import timeline
from ..communities.models import ACTIVE, COORDINATOR, PROFESSIONAL, Community, Membership
from ..communities.services import Refused, require
from ..consultations.models import CLOSED, DECIDED, Contribution, Proposal
from ..db import utcnow
from ..health import summaries
from ..links import public_url
from ..notifications.preferences import preload_settings
from .models import (
    CHANGE_STATUSES,
    DECISION_KINDS,
    EVALUATED,
    IMPLEMENTED,
    STOPPED,
    WORKED_ANSWERS,
    ChangeDecision,
    ChangeStatusEntry,
    Decision,
    Evaluation,
    Milestone,
    ServiceChange,
)

# Decisions ------------------------------------------------------------------------------


_WITH_COMMUNITY = joinedload(Decision.community, innerjoin=True)


def decision_of(proposal: Proposal) -> Decision | None:
    """The decision on the proposal, with its community, or None."""
    return db.session.scalar(
        sa.select(Decision).options(_WITH_COMMUNITY).where(Decision.proposal_id == proposal.id)
    )


def decision_and_owner(proposal: Proposal) -> tuple[Decision | None, str | None]:
    """(decision, its owner's display name) of the proposal, in one statement; (None, None)
    when there is none."""
    row = db.session.execute(
        sa.select(Decision, User.display_name)
        .options(_WITH_COMMUNITY)
        .outerjoin(User, User.id == Decision.owner_id)
        .where(Decision.proposal_id == proposal.id)
    ).first()
    return cast("tuple[Decision, str | None]", tuple(row)) if row else (None, None)


def _text(
    fields: Mapping[str, Any], name: str, message: LazyString, limit: int | None = None
) -> str:
    value = (fields.get(name) or "").strip()
    if not value:
        raise Refused(message)
    if limit and len(value) > limit:
        raise Refused(_l("Shorten this to %(limit)d characters or fewer", limit=limit))
    return value


def staff_of(community: Community) -> Sequence[sa.Row[int, str]]:
    """(id, display name) of the community's active professionals and coordinators."""
    return db.session.execute(
        sa.select(User.id, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community.id,
            Membership.status == ACTIVE,
            Membership.role.in_((PROFESSIONAL, COORDINATOR)),
        )
        .order_by(User.display_name, User.id)
        .limit(500)
    ).all()


def _staff_member(community: Community, owner_id: int | None) -> int:
    if owner_id and any(row.id == owner_id for row in staff_of(community)):
        return owner_id
    raise Refused(_l("Choose who is accountable"))


def owner_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """{user id: display name} for these owners, in one statement."""
    ids = {user_id for user_id in user_ids if user_id}
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )


def record_decision(
    actor: User,
    proposal: Proposal,
    *,
    summary: str | None,
    reasons: str | None,
    decided_by: str | None,
    decided_on: date | None,
    kind: str | None = None,
    owner_id: int | None = None,
    target_on: date | None = None,
    visibility: str = PUBLIC,
) -> Decision:
    """Record (or correct) what was decided on a closed proposal. It becomes `decided`.

    The first time, every contributor is told (`tell_contributors`) and the
    proposal's followers through `signals.proposal_moved`; a correction tells nobody.
    """
    community = proposal.community
    require(permissions.can_author(actor, community))
    if proposal.status() not in (CLOSED, DECIDED):
        raise Refused(_l("A decision can be recorded once the proposal has closed."))
    fields = {"summary": summary, "reasons": reasons, "decided_by": decided_by}
    summary = _text(fields, "summary", _l("Say what was decided"))
    reasons = _text(fields, "reasons", _l("Say why it was decided"))
    decided_by = _text(fields, "decided_by", _l("Say who decided"), limit=150)
    if decided_on is None:
        raise Refused(_l("Enter the date of the decision"))
    if decided_on > dates.today():
        raise Refused(_l("The date of the decision must be today or in the past"))
    if visibility not in VISIBILITIES:
        raise Refused(_l("Choose who can see the decision"))
    if kind not in DECISION_KINDS:
        raise Refused(_l("Choose what was decided"))
    owner_id = _staff_member(community, owner_id)
    if target_on is None:
        raise Refused(_l("Enter the target date"))
    decision = decision_of(proposal)
    if decision is None:
        decision = Decision(proposal=proposal, community=community, created_by_id=actor.id)
        db.session.add(decision)
    decision.summary = summary
    decision.reasons = reasons
    decision.decided_by = decided_by
    decision.decided_on = decided_on
    decision.kind = kind
    decision.owner_id = owner_id
    decision.target_on = target_on
    decision.visibility = visibility
    decision.updated_at = utcnow()
    first = proposal.decided_at is None
    if first:
        proposal.decided_at = utcnow()
        summaries.proposal_decided(proposal)
    db.session.flush()
    timeline.record(
        community.id,
        timeline.PROPOSAL_DECIDED,
        proposal.title,
        subject_id=proposal.id,
        public=visibility == PUBLIC,
        actor=actor,
    )
    if first:
        tell_contributors(proposal, decision)
        signals.proposal_moved.send(proposal, what="decision", by=actor)
    return decision


def tell_contributors(proposal: Proposal, decision: Decision) -> int:
    """Tell each author of a view on the proposal (not withdrawn), once, of the decision.

    Anonymous and pseudonymous authors are told too, privately: the message
    goes to their own account, in their own language, and no staff page
    shows who received it. Returns how many people were told.
    """
    community = proposal.community
    authors = db.session.scalars(
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
    ).all()
    preload_settings(author.id for author in authors)
    link = public_url("consultations.show", proposal_id=proposal.id, _anchor="decision")
    for author in authors:
        outbox.queue(
            author,
            "decision_recorded",
            link=link,
            event_key=f"proposal:{proposal.id}:decision-recorded",
            proposal=proposal,
            community=community,
            decision=decision,
        )
    return len(authors)


def decisions_of_community(community: Community, limit: int = 200) -> Sequence[sa.Row[int, str]]:
    """(id, proposal title) of the community's decisions, newest first, for choosing links."""
    return db.session.execute(
        sa.select(Decision.id, Proposal.title)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .where(Decision.community_id == community.id)
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
        .limit(limit)
    ).all()


# Service changes --------------------------------------------------------------------------


def get_change(change_id: int) -> ServiceChange | None:
    """The change with its community, or None."""
    return db.session.scalar(
        sa.select(ServiceChange)
        .options(joinedload(ServiceChange.community, innerjoin=True))
        .where(ServiceChange.id == change_id)
    )


def _check_change(
    community: Community, fields: Mapping[str, Any], change: ServiceChange | None = None
) -> dict[str, Any]:
    title = _text(fields, "title", _l("Enter a title"), limit=150)
    description = _text(fields, "description", _l("Describe the change in plain words"))
    service_area = _text(fields, "service_area", _l("Enter the service area"), limit=80)
    if fields.get("visibility", PUBLIC) not in VISIBILITIES:
        raise Refused(_l("Choose who can see the change"))
    parent_id = fields.get("parent_id")
    if parent_id:
        parent = db.session.get(ServiceChange, parent_id)
        if parent is None or parent.community_id != community.id:
            raise Refused(_l("Choose a parent change from this community"))
        if change is not None and _is_within(parent, change):
            raise Refused(_l("A change cannot be part of itself or of its own parts"))
    weight = fields.get("weight")
    if weight is not None and not 1 <= weight <= 100:
        raise Refused(_l("Enter a weight from 1 to 100, or leave it empty"))
    # The owner and dates are asked for on the form; a caller that leaves them out keeps them.
    planning = {
        name: fields[name] for name in ("owner_id", "starts_on", "target_on") if name in fields
    }
    if planning.get("owner_id") is not None:
        _staff_member(community, planning["owner_id"])
    starts_on = planning.get("starts_on", change.starts_on if change else None)
    target_on = planning.get("target_on", change.target_on if change else None)
    if starts_on is not None and target_on is not None and target_on < starts_on:
        raise Refused(_l("The target date must be on or after the start date"))
    return {
        **planning,
        "title": title,
        "description": description,
        "service_area": service_area,
        "visibility": fields.get("visibility", PUBLIC),
        "parent_id": parent_id or None,
        "weight": weight,
        "evaluation_due": fields.get("evaluation_due"),
    }


def _is_within(candidate: ServiceChange | None, change: ServiceChange) -> bool:
    """Whether `candidate` is `change` or one of its descendants (walking up from candidate)."""
    seen = set()
    while candidate is not None and candidate.id not in seen:
        if candidate.id == change.id:
            return True
        seen.add(candidate.id)
        candidate = (
            db.session.get(ServiceChange, candidate.parent_id) if candidate.parent_id else None
        )
    return False


def _valid_decisions(community: Community, decision_ids: Collection[int]) -> list[int]:
    if not decision_ids:
        return []
    found = db.session.scalars(
        sa.select(Decision.id).where(
            Decision.id.in_(decision_ids), Decision.community_id == community.id
        )
    ).all()
    if len(set(found)) != len(set(decision_ids)):
        raise Refused(_l("Choose decisions from this community"))
    return sorted(set(found))


def create_change(
    actor: User,
    community: Community,
    *,
    decision_ids: Collection[int] = (),
    note: str | None = "",
    **fields: Any,
) -> ServiceChange:
    """A new change, planned as of today, with its first history entry."""
    require(permissions.can_author(actor, community))
    values = _check_change(community, fields)
    decisions = _valid_decisions(community, decision_ids)
    today = dates.today()
    change = ServiceChange(community=community, created_by_id=actor.id, status_on=today, **values)
    db.session.add(change)
    db.session.flush()
    db.session.add(
        ChangeStatusEntry(
            change_id=change.id,
            status=change.status,
            progress=0,
            note=(note or "").strip(),
            occurred_on=today,
            actor_id=actor.id,
        )
    )
    _set_decisions(change, decisions)
    _refresh_parent(change.parent_id)
    db.session.flush()
    return change


def update_change(
    actor: User, change: ServiceChange, *, decision_ids: Collection[int] = (), **fields: Any
) -> ServiceChange:
    community = change.community
    require(permissions.can_author(actor, community))
    values = _check_change(community, fields, change)
    decisions = _valid_decisions(community, decision_ids)
    old_parent = change.parent_id
    for name, value in values.items():
        setattr(change, name, value)
    change.updated_at = utcnow()
    _set_decisions(change, decisions)
    db.session.flush()
    for parent_id in {old_parent, change.parent_id}:
        _refresh_parent(parent_id)
    return change


def _set_decisions(change: ServiceChange, decision_ids: Iterable[int]) -> None:
    db.session.execute(sa.delete(ChangeDecision).where(ChangeDecision.change_id == change.id))
    for decision_id in decision_ids:
        db.session.add(ChangeDecision(change_id=change.id, decision_id=decision_id))
    db.session.flush()


def decision_ids_of(change: ServiceChange) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(ChangeDecision.decision_id).where(ChangeDecision.change_id == change.id)
        )
    )


def has_children(change: ServiceChange) -> bool:
    return (
        db.session.scalar(
            sa.select(ServiceChange.id).where(ServiceChange.parent_id == change.id).limit(1)
        )
        is not None
    )


def parent_progress(children: Iterable[tuple[int, int | None]]) -> int:
    """A parent's progress from its children's: weighted where weights are given, else the mean.

    `children` are (progress, weight) pairs. A child without a weight counts
    as weight 1 when some others have weights.
    """
    children = list(children)
    if not children:
        return 0
    if any(weight for _progress, weight in children):
        total = sum(weight or 1 for _progress, weight in children)
        return round(sum(progress * (weight or 1) for progress, weight in children) / total)
    return round(sum(progress for progress, _weight in children) / len(children))


def _refresh_parent(parent_id: int | None) -> None:
    """Recompute a parent's progress from its children, and its parent's, up the tree."""
    seen = set()
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        parent = db.session.get(ServiceChange, parent_id)
        if parent is None:
            return
        db.session.flush()
        rows = db.session.execute(
            sa.select(ServiceChange.progress, ServiceChange.weight).where(
                ServiceChange.parent_id == parent.id
            )
        ).all()
        if rows:
            parent.progress = parent_progress(rows)
        parent_id = parent.parent_id
    db.session.flush()


def move_change(
    actor: User,
    change: ServiceChange,
    *,
    status: str | None,
    note: str | None,
    progress: int | None = None,
    occurred_on: date | None = None,
) -> ServiceChange:
    """Add a dated step to the change's history: a new status or new progress, with a note.

    A parent's progress comes from its parts, so it cannot be set by hand.
    """
    community = change.community
    require(permissions.can_author(actor, community))
    if status not in CHANGE_STATUSES:
        raise Refused(_l("Choose a status"))
    note = (note or "").strip()
    if not note:
        raise Refused(_l("Say what happened, in a short note"))
    occurred_on = occurred_on or dates.today()
    if occurred_on > dates.today():
        raise Refused(_l("The date must be today or in the past"))
    if has_children(change):
        progress = change.progress
    elif progress is None:
        progress = 100 if status in (IMPLEMENTED, EVALUATED) else change.progress
    if not 0 <= progress <= 100:
        raise Refused(_l("Enter progress from 0 to 100"))
    moved = status != change.status
    db.session.add(
        ChangeStatusEntry(
            change_id=change.id,
            status=status,
            progress=progress,
            note=note,
            occurred_on=occurred_on,
            actor_id=actor.id,
        )
    )
    change.status = status
    change.status_on = occurred_on
    change.progress = progress
    change.updated_at = utcnow()
    db.session.flush()
    _refresh_parent(change.parent_id)
    if moved:
        _status_event(change, status, actor)
        signals.change_moved.send(change, what="status", by=actor)
    return change


def _status_event(change: ServiceChange, status: str, actor: User) -> None:
    community = change.community
    number = db.session.scalar(
        sa.select(sa.func.count()).where(ChangeStatusEntry.change_id == change.id)
    )
    timeline.record(
        community.id,
        timeline.CHANGE_STATUS,
        change.title,
        subject_id=change.id,
        detail_key=f"{status}-{number}",
        detail=status,
        public=change.visibility == PUBLIC,
        actor=actor,
    )


def history(change: ServiceChange) -> Sequence[sa.Row[ChangeStatusEntry, str | None]]:
    return db.session.execute(
        sa.select(ChangeStatusEntry, User.display_name)
        .outerjoin(User, User.id == ChangeStatusEntry.actor_id)
        .where(ChangeStatusEntry.change_id == change.id)
        .order_by(ChangeStatusEntry.occurred_on.desc(), ChangeStatusEntry.id.desc())
    ).all()


def add_milestone(
    actor: User,
    change: ServiceChange,
    *,
    due_on: date | None,
    title: str | None,
    note: str | None = "",
) -> Milestone:
    community = change.community
    require(permissions.can_author(actor, community))
    title = _text({"title": title}, "title", _l("Enter a title for the milestone"), limit=150)
    if due_on is None:
        raise Refused(_l("Enter the date of the milestone"))
    milestone = Milestone(
        change_id=change.id, due_on=due_on, title=title, note=(note or "").strip()
    )
    db.session.add(milestone)
    db.session.flush()
    return milestone


def milestones(change: ServiceChange) -> Sequence[Milestone]:
    return db.session.scalars(
        sa.select(Milestone).where(Milestone.change_id == change.id).order_by(Milestone.due_on)
    ).all()


def children(change: ServiceChange) -> Sequence[ServiceChange]:
    return db.session.scalars(
        sa.select(ServiceChange)
        .where(ServiceChange.parent_id == change.id)
        .order_by(ServiceChange.title)
    ).all()


def evaluation_of(change: ServiceChange) -> Evaluation | None:
    return db.session.get(Evaluation, change.id)


def record_evaluation(
    actor: User,
    change: ServiceChange,
    *,
    worked: str | None,
    measured: str | None,
    learned: str | None,
) -> Evaluation:
    """Record whether the change worked. An implemented change moves on to `evaluated`."""
    community = change.community
    require(permissions.can_author(actor, community))
    if worked not in WORKED_ANSWERS:
        raise Refused(_l("Say whether the change worked"))
    measured = _text({"v": measured}, "v", _l("Say what was measured"))
    learned = _text({"v": learned}, "v", _l("Say what was learned"))
    if change.status == STOPPED:
        raise Refused(_l("This change was stopped, so it cannot be evaluated."))
    evaluation = evaluation_of(change)
    if evaluation is None:
        evaluation = Evaluation(change_id=change.id)
        db.session.add(evaluation)
    evaluation.worked = worked
    evaluation.measured = measured
    evaluation.learned = learned
    evaluation.recorded_on = dates.today()
    evaluation.recorded_by_id = actor.id
    evaluation.updated_at = utcnow()
    db.session.flush()
    if change.status == IMPLEMENTED:
        move_change(actor, change, status=EVALUATED, note=learned, progress=100)
    timeline.record(
        community.id,
        timeline.EVALUATION_RECORDED,
        change.title,
        subject_id=change.id,
        public=change.visibility == PUBLIC,
        actor=actor,
    )
    signals.change_moved.send(change, what="evaluation", by=actor)
    return evaluation


def evaluation_is_due(today: date) -> sa.ColumnElement[bool]:
    """On ServiceChange: its evaluation date has come, it is not stopped, and no
    evaluation is recorded yet."""
    evaluated = sa.select(Evaluation.change_id).where(Evaluation.change_id == ServiceChange.id)
    return sa.and_(
        ServiceChange.evaluation_due <= today,
        ServiceChange.status.not_in((EVALUATED, STOPPED)),
        ~evaluated.exists(),
    )


def remind_evaluations_due(today: date | None = None) -> int:
    """Tell each coordinator of the community once when a change's evaluation falls due."""
    today = today or dates.today()
    due = db.session.execute(
        sa.select(ServiceChange, Community)
        .join(Community, Community.id == ServiceChange.community_id)
        .where(evaluation_is_due(today), ServiceChange.evaluation_reminded_at.is_(None))
        .order_by(ServiceChange.id)
        .limit(500)
    ).all()
    for change, community in due:
        coordinators = db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == community.id,
                Membership.role == COORDINATOR,
                Membership.status == ACTIVE,
            )
        ).all()
        for coordinator in coordinators:
            outbox.queue(
                coordinator,
                "evaluation_due",
                link=public_url("impact.evaluation", change_id=change.id),
                change=change,
                community=community,
            )
        change.evaluation_reminded_at = utcnow()
    db.session.flush()
    return len(due)
