"""Influence: what each contribution changed, and telling its author.

A reviewer links contributions, or a whole theme, to a decision or a service
change, with an effect and a rationale. Each contribution's outcome follows
from its links and those of its themes:

- `shaped`: some link with an effect other than not_adopted;
- `not_adopted`: links, all not_adopted (their rationales say why);
- `awaiting`: no link yet.

The outcome is stored on the contribution (`Contribution.outcome`) so that
counts and lists need no join; `refresh` keeps it right after any change of
links or themes, and tells each author once per new outcome.
"""

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import caching, db, outbox, permissions, signals
from ..accounts.models import User
from ..communities.services import Refused, require
from ..consultations.models import Contribution, ContributionTheme, Proposal, Theme
from ..db import utcnow
from ..health import summaries
from ..links import public_url
from . import queries, reach
from .models import (
    AWAITING,
    EFFECTS,
    NOT_ADOPTED,
    SHAPED,
    Decision,
    Influence,
    InfluenceRevision,
    OutcomeNotice,
    ServiceChange,
)

if TYPE_CHECKING:
    from ..communities.models import Community


def derive(effects: Iterable[str]) -> str:
    """The outcome of a contribution from the effects of the links that reach it."""
    effects = set(effects)
    if not effects:
        return AWAITING
    if effects == {NOT_ADOPTED}:
        return NOT_ADOPTED
    return SHAPED


def _target(
    proposal: Proposal, target: str | None
) -> tuple[Decision, None] | tuple[None, ServiceChange]:
    """(decision, change) from a "decision:ID" or "change:ID" choice: the proposal's own
    decision, or a change connected to it (`queries.connected_to`). Another proposal's
    decision or change is refused, so views are never linked to it by mistake."""
    community = proposal.community
    kind, _, number = (target or "").partition(":")
    if not number.isdigit():
        raise Refused(_l("Choose the decision or change it influenced"))
    if kind == "decision":
        decision = db.session.get(Decision, int(number))
        if decision is not None and decision.proposal_id == proposal.id:
            return decision, None
    elif kind == "change":
        change = db.session.get(ServiceChange, int(number))
        if (
            change is not None
            and change.community_id == community.id
            and db.session.scalar(
                sa.select(ServiceChange.id).where(
                    ServiceChange.id == change.id, queries.connected_to(proposal)
                )
            )
            is not None
        ):
            return None, change
    else:
        raise Refused(_l("Choose the decision or change it influenced"))
    raise Refused(
        _l("Choose this proposal’s decision or a change that carries it out, from the list")
    )


def _checked(effect: str | None, rationale: str | None) -> tuple[str, str]:
    if effect not in EFFECTS:
        raise Refused(_l("Choose what effect it had"))
    rationale = (rationale or "").strip()
    if effect == NOT_ADOPTED and not rationale:
        raise Refused(_l("Say why it was not adopted, in plain words"))
    if len(rationale) > 2000:
        raise Refused(_l("Shorten the reason to 2000 characters or fewer"))
    return effect, rationale


def _revision(influence: Influence, actor: User, action: str) -> None:
    db.session.add(
        InfluenceRevision(
            influence_id=influence.id,
            action=action,
            effect=influence.effect,
            rationale=influence.rationale,
            actor_id=actor.id,
        )
    )


def link(
    actor: User,
    proposal: Proposal,
    *,
    target: str | None,
    effect: str | None,
    rationale: str | None,
    contributions: Collection[Contribution] = (),
    theme: Theme | None = None,
) -> list[Influence]:
    """Link contributions of the proposal (or one of its themes) to a decision or change.

    A contribution or theme already linked to the same target has that link
    changed instead, so a second click never makes a duplicate.
    """
    community = proposal.community
    require(permissions.can_review(actor, community))
    effect, rationale = _checked(effect, rationale)
    decision, change = _target(proposal, target)
    if theme is None and not contributions:
        raise Refused(_l("Choose the contributions or the theme to link"))
    if theme is not None and theme.proposal_id != proposal.id:
        raise Refused(_l("Choose a theme of this proposal"))
    if any(c.proposal_id != proposal.id for c in contributions):
        raise Refused(_l("Choose contributions to this proposal"))
    sources = (
        [("theme", theme.id)]
        if theme is not None
        else [("contribution", c.id) for c in contributions]
    )
    made = []
    for kind, source_id in sources:
        existing = db.session.scalar(
            sa.select(Influence).where(
                Influence.removed_at.is_(None),
                getattr(Influence, f"{kind}_id") == source_id,
                Influence.decision_id == decision.id
                if decision is not None
                # _target gives a change when it gives no decision.
                else Influence.change_id == cast(ServiceChange, change).id,
            )
        )
        if existing is not None:
            made.append(_change(actor, existing, effect, rationale))
            continue
        influence = Influence(
            proposal_id=proposal.id,
            decision_id=decision.id if decision else None,
            change_id=change.id if change else None,
            effect=effect,
            rationale=rationale,
            created_by_id=actor.id,
            **{f"{kind}_id": source_id},
        )
        db.session.add(influence)
        db.session.flush()
        _revision(influence, actor, "created")
        made.append(influence)
    db.session.flush()
    refresh(_reached([i.id for i in made]))
    return made


def _change(actor: User, influence: Influence, effect: str, rationale: str) -> Influence:
    if (influence.effect, influence.rationale) != (effect, rationale):
        influence.effect = effect
        influence.rationale = rationale
        influence.updated_at = utcnow()
        _revision(influence, actor, "changed")
    return influence


def get(influence_id: int) -> "tuple[Influence | None, Proposal | None, Community | None]":
    """The link with its proposal and community, or Nones."""
    from ..communities.models import Community

    row = db.session.execute(
        sa.select(Influence, Proposal, Community)
        .join(Proposal, Proposal.id == Influence.proposal_id)
        .join(Community, Community.id == Proposal.community_id)
        .where(Influence.id == influence_id)
    ).first()
    return cast("tuple[Influence, Proposal, Community]", tuple(row)) if row else (None, None, None)


def update(
    actor: User,
    influence: Influence,
    community: "Community",
    *,
    effect: str | None,
    rationale: str | None,
) -> Influence:
    """Change a link's effect or rationale; the earlier wording stays in its history."""
    require(permissions.can_review(actor, community))
    if influence.removed_at is not None:
        raise Refused(_l("This link was removed."))
    effect, rationale = _checked(effect, rationale)
    _change(actor, influence, effect, rationale)
    db.session.flush()
    refresh(_reached([influence.id]))
    return influence


def remove(actor: User, influence: Influence, community: "Community") -> None:
    require(permissions.can_review(actor, community))
    if influence.removed_at is None:
        influence.removed_at = utcnow()
        _revision(influence, actor, "removed")
        db.session.flush()
        refresh(_reached([influence.id]))


def revisions(influence: Influence) -> Sequence[sa.Row[InfluenceRevision, str | None]]:
    return db.session.execute(
        sa.select(InfluenceRevision, User.display_name)
        .outerjoin(User, User.id == InfluenceRevision.actor_id)
        .where(InfluenceRevision.influence_id == influence.id)
        .order_by(InfluenceRevision.id.desc())
    ).all()


def _reached(influence_ids: Collection[int]) -> list[int]:
    """The ids of the contributions that these links reach, directly or through a theme."""
    if not influence_ids:
        return []
    direct = sa.select(Influence.contribution_id).where(
        Influence.id.in_(influence_ids), Influence.contribution_id.is_not(None)
    )
    themed = (
        sa.select(ContributionTheme.contribution_id)
        .join(Influence, Influence.theme_id == ContributionTheme.theme_id)
        .where(Influence.id.in_(influence_ids))
    )
    return list(db.session.scalars(sa.union(direct, themed)))


def effects_of(contribution_ids: Collection[int]) -> dict[int, list[str]]:
    """{contribution id: [effect, ...]}: one effect per decision or change it reaches.

    A contribution linked directly and through its theme to the same target
    has the direct link's effect (see reach.effective).
    """
    effects: dict[int, list[str]] = {cid: [] for cid in contribution_ids}
    if not contribution_ids:
        return effects
    found = reach.effective(contribution_ids=contribution_ids, counted=False)
    for cid, effect in db.session.execute(sa.select(found.c.cid, found.c.effect)):
        effects[cid].append(effect)
    return effects


BATCH = 500


def refresh(contribution_ids: Iterable[int]) -> int:
    """Store the outcome of these contributions again, and tell authors of new outcomes.

    Withdrawn contributions keep `awaiting`: they no longer count. So do those
    of a proposal still open (or paused): their links are drafts for reviewers,
    and the outcome is stored and told once it closes (`release`). Each author
    is told once per outcome (shaped, or not adopted) of each contribution.
    Returns the number of contributions whose outcome changed.
    """
    now = utcnow()
    changed = 0
    moves: dict[int, tuple[str, str]] = {}
    ids = sorted(set(contribution_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        effects = effects_of(batch)
        rows = db.session.execute(
            sa.select(
                Contribution.id,
                Contribution.proposal_id,
                Contribution.outcome,
                Contribution.withdrawn_at,
                _held(now),
            )
            .join(Proposal, Proposal.id == Contribution.proposal_id)
            .where(Contribution.id.in_(batch))
        ).all()
        by_outcome: dict[str, list[int]] = {}
        for cid, proposal_id, current, withdrawn_at, held in rows:
            # Its links, themes or outcome moved: the proposal's kept counts are out of date.
            caching.renew_after_commit(caching.proposal_figures(proposal_id))
            outcome = AWAITING if withdrawn_at or held else derive(effects[cid])
            if outcome != current:
                by_outcome.setdefault(outcome, []).append(cid)
                moves[cid] = (current, outcome)
        for outcome, cids in by_outcome.items():
            db.session.execute(
                sa.update(Contribution)
                .where(Contribution.id.in_(cids))
                .values(outcome=outcome)
                .execution_options(synchronize_session="fetch")
            )
            changed += len(cids)
            if outcome != AWAITING:
                _tell(cids, outcome)
    summaries.outcomes_changed(moves)
    db.session.flush()
    return changed


def _held(now: datetime) -> sa.Label[bool]:
    """SQL: the contribution's proposal is still open, so its outcome waits (join Proposal)."""
    return sa.and_(Proposal.decided_at.is_(None), Proposal.closes_at > now).label("held")


def release(proposal: Proposal, now: datetime | None = None) -> int:
    """Store and tell, once each, the outcomes held while the proposal was open.

    Call when it closes: early (`proposal_moved` "closed_early"), by decision,
    or by time (`release_due`). Does nothing while it is still open.
    """
    now = now or utcnow()
    if not proposal.is_closed(now):
        return 0
    proposal.outcomes_released_at = now
    ids = db.session.scalars(
        sa.select(Contribution.id).where(
            Contribution.proposal_id == proposal.id, Contribution.withdrawn_at.is_(None)
        )
    ).all()
    return refresh(ids)


def release_due(now: datetime | None = None, limit: int = 100) -> int:
    """For the worker: release the held outcomes of proposals that have closed since.

    Safe with several workers: each proposal row is locked (skipped by the
    others) and marked released in the same transaction; OutcomeNotice keeps
    each author from being told the same outcome twice.
    """
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Proposal)
        .where(
            Proposal.published_at.is_not(None),
            Proposal.outcomes_released_at.is_(None),
            sa.or_(Proposal.decided_at.is_not(None), Proposal.closes_at <= now),
        )
        .order_by(Proposal.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for proposal in due:
        release(proposal, now)
        if proposal.decided_at is None:
            signals.proposal_moved.send(proposal, what="closed", by=None)
    db.session.flush()
    return len(due)


def on_proposal_moved(
    proposal: Proposal, what: str | None = None, by: User | None = None, **_details: Any
) -> None:
    """A proposal closed early or was decided: tell the outcomes held while it was open."""
    if what in ("closed_early", "decision") and proposal.outcomes_released_at is None:
        release(proposal)


def _tell(contribution_ids: Collection[int], outcome: str) -> None:
    """Tell each author of these contributions, once, of their new outcome.

    Anonymous authors are told too: the message goes to them alone and no
    reviewer page shows who received it.
    """
    told = set(
        db.session.scalars(
            sa.select(OutcomeNotice.contribution_id).where(
                OutcomeNotice.contribution_id.in_(contribution_ids),
                OutcomeNotice.outcome == outcome,
            )
        )
    )
    pending = [cid for cid in contribution_ids if cid not in told]
    if not pending:
        return
    rows = db.session.execute(
        sa.select(Contribution.id, Proposal, User)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .join(User, User.id == Contribution.author_id)
        .where(Contribution.id.in_(pending))
    ).all()
    reasons = links_of([row[0] for row in rows])
    for cid, proposal, author in rows:
        outbox.queue(
            author,
            "contribution_outcome",
            link=public_url(
                "consultations.contribution", contribution_id=cid, _anchor="what-it-changed"
            ),
            proposal=proposal,
            outcome=outcome,
            links=reasons.get(cid, []),
        )
    for cid in pending:
        db.session.add(OutcomeNotice(contribution_id=cid, outcome=outcome))
    db.session.flush()


@cache
def _links_statement() -> sa.Select[*tuple[Any, ...]]:
    """The statement of `links_of`, built once per process: each call binds its ids.
    Building it afresh cost more than running it."""
    ids: sa.BindParameter[list[int]] = sa.bindparam("contribution_ids", expanding=True)
    source = reach.effective(contribution_ids=ids, counted=False)
    decided = sa.orm.aliased(Proposal)
    also = sa.orm.aliased(Theme)
    return (
        sa.select(
            source.c.cid,
            Influence.effect,
            Influence.rationale,
            Theme.name.label("theme"),
            also.name.label("also_theme"),
            Influence.decision_id,
            Influence.change_id,
            sa.func.coalesce(ServiceChange.title, decided.title).label("title"),
            Decision.summary.label("decision_summary"),
            ServiceChange.status.label("change_status"),
            ServiceChange.progress.label("change_progress"),
        )
        .join(Influence, Influence.id == source.c.influence_id)
        .outerjoin(Theme, Theme.id == source.c.theme_id)
        .outerjoin(also, also.id == source.c.also_theme_id)
        .outerjoin(ServiceChange, ServiceChange.id == Influence.change_id)
        .outerjoin(Decision, Decision.id == Influence.decision_id)
        .outerjoin(decided, decided.id == Decision.proposal_id)
        .order_by(source.c.cid, Influence.id)
    )


def links_of(contribution_ids: Collection[int]) -> dict[int, list[sa.Row[*tuple[Any, ...]]]]:
    """{contribution id: [link row, ...]}: one row per decision or change reaching it.

    Each row has effect, rationale, theme (the name of the theme whose link
    counts, or None when linked directly), also_theme (when linked directly
    and through that theme too), decision_id, change_id, title (the change's
    title or the decided proposal's title), change status and progress. The
    direct link wins over a theme's (reach.effective). One query.
    """
    found: dict[int, list[sa.Row[*tuple[Any, ...]]]] = {cid: [] for cid in contribution_ids}
    if not contribution_ids:
        return found
    rows = db.session.execute(_links_statement(), {"contribution_ids": list(contribution_ids)})
    for row in rows:
        found[row.cid].append(row)
    return found


def on_themes_changed(_sender: object, contribution_ids: Iterable[int], **_details: Any) -> None:
    """Contributions gained or lost a theme: their outcomes follow their themes' links."""
    refresh(contribution_ids)


def on_theme_merging(theme: Theme, into: Theme, **_details: Any) -> None:
    """A theme merged into another hands its links over, so no outcome is lost."""
    db.session.execute(
        sa.update(Influence).where(Influence.theme_id == theme.id).values(theme_id=into.id)
    )
