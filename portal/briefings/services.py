"""Briefing rules: drafting, the reading-age gate, publishing, translations and feedback.

Services check permission, validate, write and flush; the request commits.
A rule that refuses raises `Refused` (a message for the person) or
`NotAllowed` (403), and changes nothing.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import joinedload, load_only

from .. import db, permissions
from ..accounts.models import User
from ..communities import timeline
from ..communities.models import Community, Membership
from ..communities.services import NotAllowed, Refused, require
from ..db import utcnow
from . import glossary, readability, readership
from .models import (
    LATEST_VERSION,
    PUBLIC,
    Briefing,
    BriefingFeedback,
    BriefingLink,
    BriefingVersion,
)
from .rendering import render_markdown

__all__ = ["NeedsReason", "NotAllowed", "Refused"]

# Any query of briefings: `readable_by` filters it and hands back the same kind.
_Query = TypeVar("_Query", bound=sa.Select[*tuple[Any, ...]])


class NeedsReason(Refused):
    """A coordinator publishing above the target reading age must say why."""


DRAFT_FIELDS = ("title", "summary", "body", "easy_read", "visibility", "review_by")
TEXT_FIELDS = ("title", "summary", "body", "easy_read")


def get(briefing_id: int) -> Briefing | None:
    """A briefing with its community, or None. Its latest version comes along."""
    row = db.session.execute(
        sa.select(Briefing, BriefingVersion)
        .options(joinedload(Briefing.community, innerjoin=True))
        .outerjoin(BriefingVersion, LATEST_VERSION)
        .where(Briefing.id == briefing_id)
    ).first()
    if row is None:
        return None
    _latest_cache()[row[0].id] = row[1]
    return row[0]


def _latest_cache() -> dict[int, BriefingVersion | None]:
    cache: dict[int, BriefingVersion | None] = (
        g.setdefault("latest_versions", {}) if has_request_context() else {}
    )
    return cache


def latest_version(briefing: Briefing) -> BriefingVersion | None:
    if not briefing.is_published:
        return None
    cache = _latest_cache()
    version = cache.get(briefing.id)
    if version is None or version.number != briefing.version_number:
        version = cache[briefing.id] = get_version(briefing, briefing.version_number)
    return version


def get_version(briefing: Briefing, number: int) -> BriefingVersion | None:
    return db.session.scalar(
        sa.select(BriefingVersion).where(
            BriefingVersion.briefing_id == briefing.id, BriefingVersion.number == number
        )
    )


def versions_query(briefing: Briefing) -> sa.Select[BriefingVersion, str]:
    """Every published version, newest first, with the name of its author."""
    return (
        sa.select(BriefingVersion, User.display_name)
        .outerjoin(User, User.id == BriefingVersion.author_id)
        .where(BriefingVersion.briefing_id == briefing.id)
        .order_by(BriefingVersion.number.desc())
    )


# Writing ---------------------------------------------------------------------------


def create(
    actor: User, community: Community, *, linked_ids: Iterable[int] = (), **fields: Any
) -> Briefing:
    """A new draft briefing in `community`, in English."""
    require(permissions.can_author(actor, community))
    if community.is_archived:
        raise Refused(_l("This community is archived. It is not taking new briefings."))
    briefing = Briefing(community=community, created_by_id=actor.id, language="en")
    _apply(briefing, fields)
    db.session.add(briefing)
    db.session.flush()
    set_links(briefing, linked_ids)
    return briefing


def update_draft(
    actor: User, briefing: Briefing, *, linked_ids: Iterable[int] | None = None, **fields: Any
) -> None:
    """Save the working copy. Readers keep seeing the last published version."""
    community = briefing.community
    require(permissions.can_author(actor, community))
    if _apply(briefing, fields):
        briefing.updated_at = utcnow()
    if linked_ids is not None:
        set_links(briefing, linked_ids)
    db.session.flush()


def _apply(briefing: Briefing, fields: dict[str, Any]) -> bool:
    """Set the given fields; True if any of them changed."""
    changed = False
    for name in DRAFT_FIELDS:
        if name in fields:
            value = fields[name]
            if name in TEXT_FIELDS:
                value = (value or "").strip()
            changed = changed or getattr(briefing, name) != value
            setattr(briefing, name, value)
    return changed


def set_links(briefing: Briefing, linked_ids: Iterable[int]) -> None:
    """Point readers to other briefings of the same community (not to itself)."""
    allowed = set(
        db.session.scalars(
            sa.select(Briefing.id).where(
                Briefing.community_id == briefing.community_id,
                Briefing.id.in_(set(linked_ids)),
                Briefing.id != briefing.id,
            )
        )
    )
    db.session.execute(sa.delete(BriefingLink).where(BriefingLink.briefing_id == briefing.id))
    db.session.add_all(BriefingLink(briefing_id=briefing.id, linked_id=i) for i in sorted(allowed))


def linked_ids(briefing: Briefing) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(BriefingLink.linked_id).where(BriefingLink.briefing_id == briefing.id)
        )
    )


def link_choices(
    community: Community, briefing: Briefing | None = None, limit: int = 100
) -> Sequence[sa.Row[int, str]]:
    """Briefings an author may link to: the community's others, newest first."""
    query = (
        sa.select(Briefing.id, Briefing.title)
        .where(Briefing.community_id == community.id, Briefing.original_id.is_(None))
        .order_by(Briefing.updated_at.desc())
        .limit(limit)
    )
    if briefing is not None:
        query = query.where(Briefing.id != briefing.id)
    return db.session.execute(query).all()


def check(briefing: Briefing) -> readability.Report:
    """The readability report for the working copy."""
    community = briefing.community
    terms = glossary.terms_for(community.id, briefing.language)
    report: readability.Report = readability.analyse(
        briefing.summary, briefing.body, briefing.language, terms
    )
    return report


def publish(
    actor: User, briefing: Briefing, *, change_note: str | None, override_reason: str | None = ""
) -> BriefingVersion:
    """Publish the working copy as the next numbered version.

    Above the community's target reading age only a coordinator may publish,
    and only with a reason, which the version keeps and shows.
    """
    community = briefing.community
    require(permissions.can_author(actor, community))
    change_note = (change_note or "").strip()
    override_reason = (override_reason or "").strip()
    if not change_note:
        raise Refused(_l("Say what changed in this version"))
    if not briefing.has_unpublished_changes:
        raise Refused(_l("There are no changes to publish."))
    report = check(briefing)
    target = community.target_reading_age
    if report.above(target):
        if not permissions.can_publish_above_target(actor, community):
            raise Refused(
                _l(
                    "This briefing reads at about age %(age)d. The target for this "
                    "community is %(target)d. Make it simpler, or ask a coordinator "
                    "to publish it.",
                    age=report.reading_age,
                    target=target,
                )
            )
        if not override_reason:
            raise NeedsReason(_l("Give the reason for publishing above the target reading age"))
    else:
        override_reason = ""
    now = utcnow()
    number = briefing.version_number + 1
    version = BriefingVersion(
        briefing_id=briefing.id,
        number=number,
        title=briefing.title,
        summary=briefing.summary,
        body=briefing.body,
        easy_read=briefing.easy_read,
        body_html=render_markdown(briefing.body),
        easy_read_html=render_markdown(briefing.easy_read),
        change_note=change_note,
        reading_age=report.reading_age,
        target_reading_age=target if report.available else None,
        override_reason=override_reason or None,
        author_id=actor.id,
        created_at=now,
    )
    db.session.add(version)
    briefing.version_number = number
    briefing.published_at = now
    briefing.updated_at = now
    db.session.flush()
    if number == 1 and briefing.original_id is None:
        timeline.record(
            community.id,
            timeline.BRIEFING_PUBLISHED,
            briefing.title,
            subject_id=briefing.id,
            public=briefing.visibility == PUBLIC,
            occurred_at=now,
            actor=actor,
        )
    return version


# Translations ----------------------------------------------------------------------


def translations(briefing: Briefing) -> Sequence[sa.Row[int, str, int]]:
    """The original and its translations, as (id, language, published) rows."""
    original_id = briefing.original_id or briefing.id
    return db.session.execute(
        sa.select(Briefing.id, Briefing.language, Briefing.version_number)
        .where(sa.or_(Briefing.id == original_id, Briefing.original_id == original_id))
        .order_by(Briefing.id)
    ).all()


def add_translation(actor: User, original: Briefing, language: str) -> Briefing:
    """A draft translation, started from the original's words for the translator to replace."""
    community = original.community
    require(permissions.can_author(actor, community))
    if original.original_id is not None:
        raise Refused(_l("Translate the original briefing, not a translation."))
    taken = {row.language for row in translations(original)}
    if language in taken:
        raise Refused(_l("This briefing already has a version in that language."))
    translation = Briefing(
        community=community,
        original_id=original.id,
        language=language,
        visibility=original.visibility,
        review_by=original.review_by,
        title=original.title,
        summary=original.summary,
        body=original.body,
        easy_read=original.easy_read,
        created_by_id=actor.id,
    )
    db.session.add(translation)
    db.session.flush()
    return translation


def in_language(briefing: Briefing, language: str) -> Briefing | None:
    """The published translation of `briefing` in `language`, if there is one."""
    if briefing.language == language:
        return briefing
    original_id = briefing.original_id or briefing.id
    return db.session.scalar(
        sa.select(Briefing)
        .options(joinedload(Briefing.community, innerjoin=True))
        .where(
            sa.or_(Briefing.id == original_id, Briefing.original_id == original_id),
            Briefing.language == language,
            Briefing.version_number > 0,
        )
    )


# Reading ---------------------------------------------------------------------------


def record_view(briefing: Briefing, user: User | AnonymousUserMixin) -> None:
    readership.record(
        briefing.id,
        user.id if getattr(user, "is_authenticated", False) else None,
        utcnow().date(),
    )


def related(briefing: Briefing, user: User | AnonymousUserMixin) -> Sequence[sa.Row[int, str, str]]:
    """Published briefings that `user` may read, linked from this one or its original."""
    query = (
        sa.select(Briefing.id, Briefing.language, BriefingVersion.title)
        .join(BriefingLink, BriefingLink.linked_id == Briefing.id)
        .join(BriefingVersion, LATEST_VERSION)
        .where(BriefingLink.briefing_id == (briefing.original_id or briefing.id))
        .order_by(BriefingVersion.title)
    )
    return db.session.execute(readable_by(query, user)).all()


def readable_by(query: _Query, user: User | AnonymousUserMixin) -> _Query:
    """Only public briefings, and members-only ones of the user's communities."""
    if not getattr(user, "is_authenticated", False):
        return query.where(Briefing.visibility == PUBLIC)
    mine = sa.select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.status == "active"
    )
    return query.where(sa.or_(Briefing.visibility == PUBLIC, Briefing.community_id.in_(mine)))


def listing_query(
    user: User | AnonymousUserMixin,
    *,
    search: str = "",
    community_id: int | None = None,
    language: str = "",
) -> sa.Select[Briefing, str, str, str]:
    """Published briefings `user` may read, newest first; paginated by the caller."""
    query = (
        sa.select(Briefing, BriefingVersion.title, BriefingVersion.summary, Community.name)
        .options(
            load_only(
                Briefing.id,
                Briefing.language,
                Briefing.visibility,
                Briefing.published_at,
                raiseload=True,
            )
        )
        .join(BriefingVersion, LATEST_VERSION)
        .join(Community, Community.id == Briefing.community_id)
        .where(Briefing.version_number > 0)
        .order_by(Briefing.published_at.desc(), Briefing.id.desc())
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(BriefingVersion.title).like(pattern),
                sa.func.lower(BriefingVersion.summary).like(pattern),
            )
        )
    if community_id:
        query = query.where(Briefing.community_id == community_id)
    if language:
        query = query.where(Briefing.language == language)
    return readable_by(query, user)


def drafts_query(community: Community) -> sa.Select[Briefing]:
    """Every briefing of the community, drafts first then newest, for its authors."""
    return (
        sa.select(Briefing)
        .where(Briefing.community_id == community.id)
        .order_by(
            (Briefing.version_number > 0).asc(), Briefing.updated_at.desc(), Briefing.id.desc()
        )
    )


# Feedback and insights -------------------------------------------------------------


def feedback_of(user: User | AnonymousUserMixin, briefing: Briefing) -> BriefingFeedback | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(BriefingFeedback).where(
            BriefingFeedback.briefing_id == briefing.id, BriefingFeedback.user_id == user.id
        )
    )


def save_feedback(
    user: User, briefing: Briefing, *, useful: bool, comment: str | None = ""
) -> BriefingFeedback:
    """Record or change the reader's answer to "Was this useful?"."""
    require(permissions.can_read_briefing(user, briefing) and briefing.is_published)
    answer = feedback_of(user, briefing)
    if answer is None:
        answer = BriefingFeedback(briefing_id=briefing.id, user_id=user.id)
        db.session.add(answer)
    answer.useful = useful
    answer.comment = (comment or "").strip()
    answer.updated_at = utcnow()
    db.session.flush()
    return answer


def insights(briefing: Briefing) -> dict[str, int]:
    """Views, readers and usefulness totals, in two statements."""
    views, recent, readers = readership.totals(briefing.id, utcnow().date() - timedelta(days=29))
    useful, not_useful = db.session.execute(
        sa.select(
            sa.func.count().filter(BriefingFeedback.useful.is_(True)),
            sa.func.count().filter(BriefingFeedback.useful.is_(False)),
        ).where(BriefingFeedback.briefing_id == briefing.id)
    ).one()
    return {
        "views": views,
        "recent_views": recent,
        "readers": readers,
        "useful": useful,
        "not_useful": not_useful,
    }


def comments_query(briefing: Briefing) -> sa.Select[bool, str, datetime]:
    """Readers' comments, newest first, without who wrote them."""
    return (
        sa.select(BriefingFeedback.useful, BriefingFeedback.comment, BriefingFeedback.updated_at)
        .where(BriefingFeedback.briefing_id == briefing.id, BriefingFeedback.comment != "")
        .order_by(BriefingFeedback.updated_at.desc(), BriefingFeedback.id.desc())
    )
