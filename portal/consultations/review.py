"""Reviewing contributions: the inbox, acknowledging, replying, themes and history.

Anonymity is kept here. No query in this module hands a reviewer the author
of an anonymous contribution: the name shown is worked out in SQL, and is
empty for anonymous contributions; the author's id never leaves the database
for them.
"""

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import load_only
from sqlalchemy.orm.interfaces import LoaderOption

from .. import db, outbox, permissions, signals
from ..accounts.models import User
from ..communities.models import ACTIVE, COORDINATOR, PROFESSIONAL, Community, Membership
from ..communities.services import NotAllowed, Refused, require
from ..db import utcnow
from ..downloads import safe_cell
from ..health import summaries
from ..links import public_url
from .models import (
    ACKNOWLEDGED,
    NAMED,
    NEW,
    PSEUDONYM,
    RESPONDED,
    Answer,
    Contribution,
    ContributionTheme,
    Proposal,
    Question,
    Quote,
    Response,
    ReviewEvent,
    Theme,
)
from .search import contributions_matching

__all__ = ["NotAllowed", "Refused"]


def _themes_changed(contribution_ids: Sequence[int]) -> None:
    """Announce that these contributions gained or lost a theme (see `signals`)."""
    if contribution_ids:
        signals.themes_changed.send(contribution_ids=contribution_ids)


def reviewed_community_ids(reviewer: User) -> sa.Select[int]:
    """Communities whose contributions `reviewer` reviews (as a professional or coordinator)."""
    return sa.select(Membership.community_id).where(
        Membership.user_id == reviewer.id,
        Membership.status == ACTIVE,
        Membership.role.in_((PROFESSIONAL, COORDINATOR)),
    )


# The inbox's filters: the communities a reviewer reviews, by name, and the newest
# proposals of some of them. Built once; only the values change.
_REVIEWED_COMMUNITIES = (
    sa.select(Community.id, Community.name)
    .join(Membership, Membership.community_id == Community.id)
    .where(
        Membership.user_id == sa.bindparam("reviewer_id"),
        Membership.status == ACTIVE,
        Membership.role.in_((PROFESSIONAL, COORDINATOR)),
    )
    .order_by(Community.name)
)
PROPOSAL_CHOICES = 100
_NEWEST_PROPOSALS = (
    sa.select(Proposal.id, Proposal.title)
    .where(
        Proposal.community_id.in_(sa.bindparam("community_ids", expanding=True)),
        Proposal.published_at.is_not(None),
    )
    .order_by(Proposal.published_at.desc())
    .limit(PROPOSAL_CHOICES)
)


def reviewed_communities(reviewer: User) -> Sequence[sa.Row[int, str]]:
    """(id, name) of the communities `reviewer` reviews, by name."""
    return db.session.execute(_REVIEWED_COMMUNITIES, {"reviewer_id": reviewer.id}).all()


def newest_proposals(community_ids: Sequence[int]) -> Sequence[sa.Row[int, str]]:
    """(id, title) of the newest published proposals of these communities."""
    if not community_ids:
        return []
    return db.session.execute(_NEWEST_PROPOSALS, {"community_ids": community_ids}).all()


def shown_name() -> sa.Label[str | None]:
    """The author's name as reviewers may see it: nothing for anonymous contributions."""
    return sa.case(
        (Contribution.identity == NAMED, User.display_name),
        (
            sa.and_(Contribution.identity == PSEUDONYM, sa.func.coalesce(User.pseudonym, "") != ""),
            User.pseudonym,
        ),
        (Contribution.identity == PSEUDONYM, User.display_name),
        else_=sa.null(),
    ).label("shown_name")


def without_author() -> LoaderOption:
    """Load a contribution for reviewers without its author: touching it raises an error."""
    columns = [
        getattr(Contribution, attribute.key)
        for attribute in Contribution.__mapper__.column_attrs
        if attribute.key != "author_id"
    ]
    return load_only(*columns, raiseload=True)


def unnamed() -> sa.Label[bool]:
    """True for views recorded from people who were not named (a meeting, say)."""
    return Contribution.author_id.is_(None).label("unnamed")


def overdue_before(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=current_app.config["REVIEW_OVERDUE_DAYS"])


def is_overdue(contribution: Contribution, now: datetime | None = None) -> bool:
    return (
        contribution.first_response_at is None
        and contribution.withdrawn_at is None
        and contribution.submitted_at < overdue_before(now)
    )


def quote_waiting() -> sa.ColumnElement[bool]:
    """On Contribution: its author agreed to be quoted, it is shown, and no quote is approved."""
    return sa.and_(
        Contribution.quote_consent.is_(True),
        Contribution.hidden_at.is_(None),
        Contribution.withdrawn_at.is_(None),
        ~sa.select(Quote.id).where(Quote.contribution_id == Contribution.id).exists(),
    )


def inbox_query(
    reviewer: User,
    *,
    community_id: int | None = None,
    proposal_id: int | None = None,
    question_id: int | None = None,
    status: str = "",
    theme_id: int | None = None,
    source: str = "",
    overdue: bool = False,
    quote_waiting_only: bool = False,
    search: str = "",
    oldest_first: bool = False,
    reviewed_ids: list[int] | None = None,
) -> sa.Select[int, datetime]:
    """The ids (and send times) of the contributions to the reviewer's communities,
    filtered; paginated by the caller, which reads the rows it shows with `inbox_rows`.

    Only the ids are read here, so that a page reached by number (`?page=200`) skips the
    views before it in the index alone, without reading their rows or joining them.

    `reviewed_ids` are the ids `reviewed_community_ids(reviewer)` gives, when the caller
    has read them already. Given as a list, the database knows how many views each of
    those communities holds, and reads a page straight from the newest-first index.
    """
    if reviewed_ids is None:
        reviewed_ids = list(db.session.scalars(reviewed_community_ids(reviewer)))
    query = sa.select(Contribution.id, Contribution.submitted_at).where(
        Contribution.withdrawn_at.is_(None)
    )
    if proposal_id:
        # Checked on the proposal's row, so that the views are read from the proposal's own
        # index, newest first, rather than picked out of all the community's.
        query = query.join(Proposal, Proposal.id == Contribution.proposal_id).where(
            Contribution.proposal_id == proposal_id, Proposal.community_id.in_(reviewed_ids)
        )
    else:
        query = query.where(Contribution.community_id.in_(reviewed_ids))
    if community_id:
        query = query.where(Contribution.community_id == community_id)
    if question_id:
        answered = sa.select(Answer.id).where(  # empty answers are not stored
            Answer.contribution_id == Contribution.id, Answer.question_id == question_id
        )
        query = query.where(answered.exists())
    if status:
        query = query.where(Contribution.review_status == status)
    if theme_id:
        themed = sa.select(ContributionTheme.theme_id).where(
            ContributionTheme.contribution_id == Contribution.id,
            ContributionTheme.theme_id == theme_id,
        )
        query = query.where(themed.exists())
    if source:
        query = query.where(Contribution.source == source)
    if overdue:
        query = query.where(
            Contribution.first_response_at.is_(None),
            Contribution.submitted_at < overdue_before(),
        )
    if quote_waiting_only:
        query = query.where(quote_waiting())
    matching = contributions_matching(search)
    if matching is not None:
        query = query.where(matching)
    order = Contribution.submitted_at.asc() if oldest_first else Contribution.submitted_at.desc()
    return query.order_by(order, Contribution.id.desc() if not oldest_first else Contribution.id)


# What a row of the inbox shows, with the name worked out in SQL (none for anonymous views)
# and the first written answer as its excerpt. Built once: only the ids change.
_INBOX_ROWS = (
    sa.select(
        Contribution.id,
        Contribution.submitted_at,
        Contribution.source,
        Contribution.review_status,
        Contribution.people_count,
        Contribution.first_response_at,
        Contribution.hidden_at.is_not(None).label("hidden"),
        Proposal.title.label("proposal_title"),
        shown_name(),
        unnamed(),
        sa.select(Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.contribution_id == Contribution.id, Answer.text != "")
        .order_by(Question.position, Question.id)
        .limit(1)
        .scalar_subquery()
        .label("excerpt"),
    )
    .join(Proposal, Proposal.id == Contribution.proposal_id)
    .outerjoin(User, User.id == Contribution.author_id)
    .where(Contribution.id.in_(sa.bindparam("ids", expanding=True)))
)


def inbox_rows(contribution_ids: Sequence[int]) -> list[sa.Row[*tuple[Any, ...]]]:
    """The inbox's rows for these ids, in their order, in one statement (a view withdrawn
    since the ids were read is left out)."""
    if not contribution_ids:
        return []
    found = {row.id: row for row in db.session.execute(_INBOX_ROWS, {"ids": contribution_ids})}
    return [found[i] for i in contribution_ids if i in found]


def excerpts(contribution_ids: Collection[int]) -> dict[int, str]:
    """The first written answer of each contribution, in one statement."""
    rows = db.session.execute(
        sa.select(Answer.contribution_id, Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.contribution_id.in_(contribution_ids), Answer.text != "")
        .order_by(Answer.contribution_id, Question.position, Question.id)
    )
    found: dict[int, str] = {}
    for contribution_id, text in rows:
        found.setdefault(contribution_id, text)
    return found


def themes_of(contribution_ids: Collection[int]) -> dict[int, list[str]]:
    """{contribution id: [theme names]} in one statement."""
    rows = db.session.execute(
        sa.select(ContributionTheme.contribution_id, Theme.name)
        .join(Theme, Theme.id == ContributionTheme.theme_id)
        .where(ContributionTheme.contribution_id.in_(contribution_ids))
        .order_by(Theme.name)
    )
    found: dict[int, list[str]] = {}
    for contribution_id, name in rows:
        found.setdefault(contribution_id, []).append(name)
    return found


def get_for_review(
    reviewer: User, contribution_id: int
) -> tuple[Contribution, Proposal, Community, str | LazyString] | tuple[None, None, None, None]:
    """(contribution, proposal, community, name to show), or Nones if not the reviewer's."""
    row = db.session.execute(
        sa.select(Contribution, Proposal, Community, shown_name(), unnamed())
        .options(without_author())
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .join(Community, Community.id == Proposal.community_id)
        .outerjoin(User, User.id == Contribution.author_id)
        .where(
            Contribution.id == contribution_id,
            Proposal.community_id.in_(reviewed_community_ids(reviewer)),
        )
    ).first()
    if row is None:
        return None, None, None, None
    contribution, proposal, community, name, is_unnamed = row
    return contribution, proposal, community, name or anonymous_label(contribution, is_unnamed)


def reviewable(reviewer: User, contribution_ids: Collection[int]) -> Sequence[Contribution]:
    """The contributions among `contribution_ids` that `reviewer` may review."""
    return db.session.scalars(
        sa.select(Contribution)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(
            Contribution.id.in_(contribution_ids),
            Proposal.community_id.in_(reviewed_community_ids(reviewer)),
            Contribution.withdrawn_at.is_(None),
        )
    ).all()


def author_of(contribution: Contribution) -> User | None:
    """The author, to send them a notification; never for showing to a reviewer."""
    return db.session.scalar(
        sa.select(User)
        .join(Contribution, Contribution.author_id == User.id)
        .where(Contribution.id == contribution.id)
    )


def _event(contribution: Contribution, actor: User, kind: str, detail: str = "") -> None:
    db.session.add(
        ReviewEvent(contribution_id=contribution.id, actor_id=actor.id, kind=kind, detail=detail)
    )


# Actions -------------------------------------------------------------------------------


def acknowledge(reviewer: User, contributions: Iterable[Contribution]) -> int:
    """Mark new contributions as seen. Returns how many changed."""
    changed = 0
    for contribution in contributions:
        if contribution.review_status == NEW:
            contribution.review_status = ACKNOWLEDGED
            _event(contribution, reviewer, "acknowledged")
            changed += 1
    db.session.flush()
    return changed


def respond(reviewer: User, contributions: Sequence[Contribution], body: str | None) -> int:
    """Reply to each contribution; its author sees the reply and is told (if there is one)."""
    body = (body or "").strip()
    if not body:
        raise Refused(_l("Write your reply"))
    now = utcnow()
    for contribution in contributions:
        db.session.add(Response(contribution_id=contribution.id, author_id=reviewer.id, body=body))
        contribution.review_status = RESPONDED
        if contribution.first_response_at is None:
            contribution.first_response_at = now
            summaries.first_reply_given(contribution)
        _event(contribution, reviewer, "responded")
        author = author_of(contribution)
        if author is not None:
            proposal = db.session.get(Proposal, contribution.proposal_id)
            link = public_url("consultations.contribution", contribution_id=contribution.id)
            outbox.queue(author, "contribution_response", link=link, proposal=proposal, body=body)
    db.session.flush()
    return len(contributions)


def proposal_themes(proposal_id: int) -> Sequence[Theme]:
    return db.session.scalars(
        sa.select(Theme).where(Theme.proposal_id == proposal_id).order_by(Theme.name)
    ).all()


_THEME_CHOICES = (
    sa.select(Theme.id, Theme.name)
    .where(Theme.proposal_id == sa.bindparam("proposal_id"))
    .order_by(Theme.name)
)


def theme_choices(proposal_id: int) -> Sequence[sa.Row[int, str]]:
    """(id, name) of the proposal's themes, by name."""
    return db.session.execute(_THEME_CHOICES, {"proposal_id": proposal_id}).all()


def theme_named(proposal: Proposal, name: str | None) -> Theme:
    """The proposal's theme with this name (any case), made if it does not exist."""
    name = " ".join((name or "").split())
    if not name:
        raise Refused(_l("Enter a name for the theme"))
    theme = db.session.scalar(
        sa.select(Theme).where(
            Theme.proposal_id == proposal.id, sa.func.lower(Theme.name) == name.lower()
        )
    )
    if theme is None:
        theme = Theme(proposal_id=proposal.id, name=name[:80])
        db.session.add(theme)
        db.session.flush()
    return theme


def get_theme(proposal: Proposal, theme_id: int | None) -> Theme | None:
    return db.session.scalar(
        sa.select(Theme).where(Theme.id == theme_id, Theme.proposal_id == proposal.id)
    )


def add_theme(reviewer: User, contributions: Sequence[Contribution], theme: Theme) -> int:
    """Put contributions of the theme's proposal under the theme (others are skipped)."""
    added = 0
    for contribution in contributions:
        if contribution.proposal_id != theme.proposal_id:
            continue
        if db.session.get(ContributionTheme, (contribution.id, theme.id)) is None:
            db.session.add(ContributionTheme(contribution_id=contribution.id, theme_id=theme.id))
            _event(contribution, reviewer, "themed", theme.name)
            added += 1
    db.session.flush()
    _themes_changed([c.id for c in contributions if c.proposal_id == theme.proposal_id])
    return added


def set_themes(reviewer: User, contribution: Contribution, theme_ids: Collection[int]) -> None:
    """The contribution's themes become exactly these (themes of its own proposal)."""
    wanted = {t.id: t for t in proposal_themes(contribution.proposal_id) if t.id in set(theme_ids)}
    current = set(
        db.session.scalars(
            sa.select(ContributionTheme.theme_id).where(
                ContributionTheme.contribution_id == contribution.id
            )
        )
    )
    for theme_id in current - set(wanted):
        db.session.delete(db.session.get(ContributionTheme, (contribution.id, theme_id)))
        _event(contribution, reviewer, "unthemed", str(theme_id))
    for theme_id in set(wanted) - current:
        db.session.add(ContributionTheme(contribution_id=contribution.id, theme_id=theme_id))
        _event(contribution, reviewer, "themed", wanted[theme_id].name)
    db.session.flush()
    if current != set(wanted):
        _themes_changed([contribution.id])


def rename_theme(reviewer: User, proposal: Proposal, theme: Theme, name: str | None) -> None:
    community = proposal.community
    require(permissions.can_review(reviewer, community))
    name = " ".join((name or "").split())
    if not name:
        raise Refused(_l("Enter a name for the theme"))
    clash = db.session.scalar(
        sa.select(Theme.id).where(
            Theme.proposal_id == proposal.id,
            sa.func.lower(Theme.name) == name.lower(),
            Theme.id != theme.id,
        )
    )
    if clash is not None:
        raise Refused(_l("Another theme has that name. Merge them instead."))
    theme.name = name[:80]
    db.session.flush()


def merge_themes(reviewer: User, proposal: Proposal, theme: Theme, into: Theme) -> None:
    """Move every contribution of `theme` under `into`, then remove `theme`."""
    community = proposal.community
    require(permissions.can_review(reviewer, community))
    if theme.id == into.id:
        raise Refused(_l("Choose a different theme to merge into"))
    signals.theme_merging.send(theme, into=into)
    moved = list(
        db.session.scalars(
            sa.select(ContributionTheme.contribution_id).where(
                ContributionTheme.theme_id == theme.id
            )
        )
    )
    already = sa.select(ContributionTheme.contribution_id).where(
        ContributionTheme.theme_id == into.id
    )
    db.session.execute(
        sa.update(ContributionTheme)
        .where(
            ContributionTheme.theme_id == theme.id,
            ContributionTheme.contribution_id.not_in(already),
        )
        .values(theme_id=into.id)
    )
    db.session.execute(sa.delete(ContributionTheme).where(ContributionTheme.theme_id == theme.id))
    db.session.delete(theme)
    db.session.flush()
    _themes_changed(moved)


def history(contribution: Contribution) -> Sequence[sa.Row[ReviewEvent, str]]:
    """Review events and replies, oldest first, with reviewers' names."""
    events = db.session.execute(
        sa.select(ReviewEvent, User.display_name)
        .outerjoin(User, User.id == ReviewEvent.actor_id)
        .where(ReviewEvent.contribution_id == contribution.id)
        .order_by(ReviewEvent.created_at, ReviewEvent.id)
    ).all()
    return events


def responses(contribution: Contribution) -> Sequence[sa.Row[Response, str]]:
    return db.session.execute(
        sa.select(Response, User.display_name)
        .outerjoin(User, User.id == Response.author_id)
        .where(Response.contribution_id == contribution.id)
        .order_by(Response.created_at, Response.id)
    ).all()


def anonymous_label(contribution: Contribution, is_unnamed: bool) -> LazyString:
    """How reviewers see who wrote a contribution without a name to show."""
    if is_unnamed:
        return _l("Unnamed lay partners (%(count)d)", count=contribution.people_count)
    return _l("Anonymous")


def theme_counts(proposal_id: int) -> dict[int, int]:
    """{theme id: contributions under it} in one statement."""
    rows = db.session.execute(
        sa.select(ContributionTheme.theme_id, sa.func.count())
        .join(Theme, Theme.id == ContributionTheme.theme_id)
        .where(Theme.proposal_id == proposal_id)
        .group_by(ContributionTheme.theme_id)
    )
    return dict(rows.all())


# Summary and export ------------------------------------------------------------------------


def summary(proposal: Proposal, questions: Iterable[Question]) -> dict[str, Any]:
    """Counts by status, theme and source, and each scale question's spread, in four statements.

    Withdrawn contributions are left out; hidden ones still count.
    """
    live = sa.and_(Contribution.proposal_id == proposal.id, Contribution.withdrawn_at.is_(None))
    by_status = dict(
        db.session.execute(
            sa.select(Contribution.review_status, sa.func.count())
            .where(live)
            .group_by(Contribution.review_status)
        ).all()
    )
    by_source = dict(
        db.session.execute(
            sa.select(Contribution.source, sa.func.sum(Contribution.people_count))
            .where(live)
            .group_by(Contribution.source)
        ).all()
    )
    by_theme = db.session.execute(
        sa.select(Theme.name, sa.func.count(ContributionTheme.contribution_id))
        .outerjoin(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .outerjoin(Contribution, Contribution.id == ContributionTheme.contribution_id)
        .where(Theme.proposal_id == proposal.id)
        .group_by(Theme.id, Theme.name)
        .order_by(sa.func.count(ContributionTheme.contribution_id).desc(), Theme.name)
    ).all()
    spread: dict[int, dict[int | None, int]] = {}
    for question_id, value, count in db.session.execute(
        sa.select(Answer.question_id, Answer.scale, sa.func.count())
        .join(Contribution, Contribution.id == Answer.contribution_id)
        .where(live, Answer.scale.is_not(None))
        .group_by(Answer.question_id, Answer.scale)
    ):
        spread.setdefault(question_id, {})[value] = count
    scales: list[dict[str, Any]] = []
    for question in questions:
        if question.kind != "scale":
            continue
        counts = [spread.get(question.id, {}).get(value, 0) for value in range(1, 6)]
        total = sum(counts)
        average = (
            sum(v * c for v, c in zip(range(1, 6), counts, strict=True)) / total if total else None
        )
        scales.append({"question": question, "counts": counts, "total": total, "average": average})
    return {"by_status": by_status, "by_source": by_source, "by_theme": by_theme, "scales": scales}


def export_rows(
    proposal: Proposal, questions: Sequence[Question], labels: Mapping[str, str | LazyString]
) -> Iterator[list[str]]:
    """The header and one row per contribution, for CSV.

    Anonymous rows carry no name, and hidden contributions no words. `labels`
    maps sources and review statuses to the words shown in Chorus.
    """
    header = [
        _l("Contribution"),
        _l("Sent"),
        _l("Source"),
        _l("Date of meeting, call or letter"),
        _l("Who"),
        _l("Status"),
        _l("Themes"),
        _l("May be quoted"),
        _l("Hidden"),
        *[q.prompt for q in questions],
    ]
    yield [safe_cell(cell) for cell in header]
    all_ids = db.session.scalars(
        sa.select(Contribution.id)
        .where(Contribution.proposal_id == proposal.id, Contribution.withdrawn_at.is_(None))
        .order_by(Contribution.submitted_at, Contribution.id)
    ).all()
    for start in range(0, len(all_ids), 500):
        ids = all_ids[start : start + 500]
        chunk = db.session.execute(
            sa.select(Contribution, shown_name(), unnamed())
            .options(without_author())
            .outerjoin(User, User.id == Contribution.author_id)
            .where(Contribution.id.in_(ids))
            .order_by(Contribution.submitted_at, Contribution.id)
        ).all()
        answers: dict[int, dict[int, Answer]] = {}
        for answer in db.session.scalars(sa.select(Answer).where(Answer.contribution_id.in_(ids))):
            answers.setdefault(answer.contribution_id, {})[answer.question_id] = answer
        themes = themes_of(ids)
        for contribution, name, is_unnamed in chunk:
            given = answers.get(contribution.id, {})
            yield [
                safe_cell(cell)
                for cell in [
                    contribution.id,
                    contribution.submitted_at.strftime("%Y-%m-%d %H:%M"),
                    labels[contribution.source],
                    contribution.source_date.isoformat() if contribution.source_date else "",
                    name or anonymous_label(contribution, is_unnamed),
                    labels[contribution.review_status],
                    "; ".join(themes.get(contribution.id, [])),
                    _l("yes") if contribution.quote_consent else _l("no"),
                    _l("yes") if contribution.hidden_at else "",
                    *[
                        "" if contribution.hidden_at else _answer_text(given.get(q.id))
                        for q in questions
                    ],
                ]
            ]


def _answer_text(answer: Answer | None) -> str:
    if answer is None:
        return ""
    parts: list[str] = []
    if answer.scale:
        parts.append(str(answer.scale))
    if answer.choices:
        parts.append("; ".join(answer.choices))
    if answer.text:
        parts.append(answer.text)
    return " – ".join(parts)
