"""Community rules: creating communities, joining, leaving, and running membership.

Services check permission, validate, write, queue notifications and flush;
the request commits. A rule that refuses raises `Refused` with a message for
the person, and changes nothing.
"""

import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin

from .. import caching, db, outbox, permissions
from ..accounts.models import User
from ..accounts.services import find_by_email
from ..db import utcnow
from ..health import summaries
from .member_counts import COUNT_COLUMNS
from .models import (
    ACTIVE,
    CONSENT_VERSION,
    COORDINATOR,
    DECLINED,
    INVITE,
    LAY_PARTNER,
    LEFT,
    OPEN,
    PENDING,
    REMOVED,
    CommunicationNeeds,
    Community,
    ConsentRecord,
    Membership,
    MembershipEvent,
)


class Refused(Exception):
    """A rule says no. `message` tells the person why, in plain words."""

    def __init__(self, message: str | LazyString) -> None:
        super().__init__(str(message))
        self.message = message


class NotAllowed(Exception):
    """The user may see this, but may not do it (403)."""


def require(allowed: bool) -> None:
    """Refuse with NotAllowed (403) unless `allowed`. Shared by every domain's services."""
    if not allowed:
        raise NotAllowed


# Communities -----------------------------------------------------------------


def get_by_slug(slug: str) -> Community | None:
    return db.session.scalar(sa.select(Community).where(Community.slug == slug))


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "community"


def _unique_slug(base: str, community: Community | None = None) -> str:
    slug, number = base, 1
    while True:
        query = sa.select(Community.id).where(Community.slug == slug)
        if community is not None and community.id is not None:
            query = query.where(Community.id != community.id)
        if db.session.scalar(query) is None:
            return slug
        number += 1
        slug = f"{base[:75]}-{number}"


# The stamp of the directory's kept pages: renewed by any change to what it lists.
DIRECTORY = "directory"


def create_community(actor: User, **fields: Any) -> Community:
    require(permissions.can_admin_communities(actor))
    community = Community(**fields)
    community.slug = _unique_slug(slugify(fields.get("slug") or fields["name"]))
    db.session.add(community)
    caching.renew_after_commit(DIRECTORY)
    db.session.flush()
    return community


def update_community(actor: User, community: Community, **fields: Any) -> Community:
    require(permissions.can_admin_communities(actor))
    slug = fields.pop("slug", None)
    for name, value in fields.items():
        setattr(community, name, value)
    if slug and slugify(slug) != community.slug:
        community.slug = _unique_slug(slugify(slug), community)
    caching.renew_after_commit(DIRECTORY)
    db.session.flush()
    return community


WAYS_TO_RESPOND = ("respond_by_post", "respond_by_phone", "respond_in_person")


def set_ways_to_respond(actor: User, community: Community, **ways: str | None) -> None:
    """Keep the community's offline ways to respond; an empty one is not offered."""
    require(permissions.can_set_ways_to_respond(actor, community))
    for name in WAYS_TO_RESPOND:
        setattr(community, name, (ways.get(name) or "").strip())
    db.session.flush()


def archive_community(actor: User, community: Community) -> None:
    require(permissions.can_admin_communities(actor))
    if community.archived_at is None:
        community.archived_at = utcnow()
    caching.renew_after_commit(DIRECTORY)
    db.session.flush()


def restore_community(actor: User, community: Community) -> None:
    require(permissions.can_admin_communities(actor))
    community.archived_at = None
    caching.renew_after_commit(DIRECTORY)
    db.session.flush()


def member_counts(community: Community) -> dict[str, int]:
    """Active members by role, as stored on the community row (not counted on each request)."""
    return {role: getattr(community, column) for role, column in COUNT_COLUMNS.items()}


def coordinators(community: Community) -> Sequence[sa.Row[User, bool]]:
    return db.session.execute(
        sa.select(User, Membership.use_pseudonym)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community.id,
            Membership.status == ACTIVE,
            Membership.role == COORDINATOR,
        )
        .order_by(User.display_name)
    ).all()


def service_areas() -> Sequence[str]:
    return db.session.scalars(
        sa.select(Community.service_area).distinct().order_by(Community.service_area)
    ).all()


def directory_query(
    user: User | AnonymousUserMixin,
    *,
    search: str = "",
    service_area: str = "",
    can_join: bool = False,
    archived: bool = False,
) -> sa.Select[Community]:
    """Communities for the directory, filtered; paginated by the caller."""
    query = sa.select(Community).order_by(Community.name, Community.id)
    query = query.where(
        Community.archived_at.is_not(None) if archived else Community.archived_at.is_(None)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Community.name).like(pattern),
                sa.func.lower(Community.purpose).like(pattern),
            )
        )
    if service_area:
        query = query.where(Community.service_area == service_area)
    if can_join:
        query = query.where(Community.visibility != INVITE, Community.archived_at.is_(None))
        if getattr(user, "is_authenticated", False):
            already = sa.select(Membership.community_id).where(
                Membership.user_id == user.id,
                Membership.status.in_((ACTIVE, PENDING, REMOVED)),
            )
            query = query.where(Community.id.not_in(already))
    return query


# Joining and leaving ------------------------------------------------------------


def set_status(
    membership: Membership,
    status: str,
    actor: User | None,
    note: str | None = None,
    role: str | None = None,
) -> None:
    """Change a membership and add the change, with who made it, to its history."""
    before = summaries.membership_part(membership)
    membership.status = status
    if role is not None:
        membership.role = role
    membership.status_changed_at = utcnow()
    membership.changed_by_id = actor.id if actor is not None else None
    db.session.add(
        MembershipEvent(
            membership=membership,
            status=membership.status,
            role=membership.role,
            note=note,
            actor_id=membership.changed_by_id,
        )
    )
    summaries.membership_moved(membership, before)


def record_consent(user: User, community: Community) -> None:
    db.session.add(
        ConsentRecord(user_id=user.id, community_id=community.id, version=CONSENT_VERSION)
    )


def join_refusal(user: User, community: Community) -> LazyString | None:
    """Why this person cannot join (or ask to join) this community now, or None."""
    if community.is_archived:
        return _l("This community is archived and is not taking new members.")
    if community.visibility == INVITE:
        return _l("You can only join this community if a coordinator invites you.")
    existing = permissions.membership(user, community)
    status = existing.status if existing is not None else None
    if status == ACTIVE:
        return _l("You are already a member of this community.")
    if status == PENDING:
        return _l("You have already asked to join. A coordinator will reply.")
    if status == REMOVED:
        return _l("A coordinator removed you from this community. Only they can invite you back.")
    return None


def join(
    user: User,
    community: Community,
    *,
    consent: bool,
    use_pseudonym: bool = False,
    requests_url: str | None = None,
) -> Membership:
    """A lay partner joins an open community, or asks to join a `request` one.

    Returns the membership: active for open communities, pending otherwise,
    in which case every coordinator is told.
    """
    refusal = join_refusal(user, community)
    if refusal is not None:
        raise Refused(refusal)
    existing = permissions.membership(user, community)
    if not consent:
        raise Refused(_l("You need to agree to how we use your information to join."))
    membership = existing or Membership(user_id=user.id, community_id=community.id)
    membership.use_pseudonym = bool(use_pseudonym and user.pseudonym)
    status = ACTIVE if community.visibility == OPEN else PENDING
    membership.message = None
    set_status(membership, status, user, role=LAY_PARTNER)
    db.session.add(membership)
    record_consent(user, community)
    db.session.flush()
    permissions.forget_memberships()
    if status == PENDING:
        for coordinator, _pseudonym in coordinators(community):
            outbox.queue(
                coordinator,
                "join_request",
                link=requests_url,
                community=community,
                requester=user.public_name(membership.use_pseudonym),
            )
    return membership


def leave(user: User, community: Community) -> None:
    membership = permissions.membership(user, community)
    if membership is None or membership.status not in (ACTIVE, PENDING):
        raise Refused(_l("You are not a member of this community."))
    _protect_last_coordinator(membership)
    set_status(membership, LEFT, user)
    db.session.flush()
    permissions.forget_memberships()


def consent_record(user: User, community: Community) -> ConsentRecord | None:
    return db.session.scalars(
        sa.select(ConsentRecord)
        .where(ConsentRecord.user_id == user.id, ConsentRecord.community_id == community.id)
        .order_by(ConsentRecord.accepted_at.desc(), ConsentRecord.id.desc())
    ).first()


def withdraw_consent(user: User, community: Community) -> None:
    """Withdrawing consent ends the membership; the record of it stays."""
    record = consent_record(user, community)
    if record is None or record.withdrawn_at is not None:
        raise Refused(_l("You have not given consent in this community."))
    record.withdrawn_at = utcnow()
    membership = permissions.membership(user, community)
    if membership is not None and membership.status in (ACTIVE, PENDING):
        _protect_last_coordinator(membership)
        set_status(membership, LEFT, user, note="consent withdrawn")
    db.session.flush()
    permissions.forget_memberships()


def _active_coordinator_count(community_id: int) -> int:
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .where(
            Membership.community_id == community_id,
            Membership.role == COORDINATOR,
            Membership.status == ACTIVE,
        )
    )
    return cast(int, count)  # COUNT always gives one row


def _protect_last_coordinator(membership: Membership) -> None:
    if (
        membership.role == COORDINATOR
        and membership.status == ACTIVE
        and _active_coordinator_count(membership.community_id) <= 1
    ):
        raise Refused(
            _l("A community needs at least one coordinator. Appoint another coordinator first.")
        )


# Running membership ---------------------------------------------------------------


def get_membership(community: Community, membership_id: int) -> Membership | None:
    """A membership of this community, or None (so other communities' rows are not found)."""
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.id == membership_id, Membership.community_id == community.id
        )
    )


def members_query(
    community: Community, *, role: str = "", status: str = ACTIVE
) -> sa.Select[Membership, User]:
    query = (
        sa.select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community.id)
        .order_by(Membership.sort_name, Membership.id)
    )
    if role:
        query = query.where(Membership.role == role)
    if status:
        query = query.where(Membership.status == status)
    return query


def needs_for(user_ids: Collection[int]) -> dict[int, CommunicationNeeds]:
    """Communication needs for these people, in one query: {user_id: CommunicationNeeds}."""
    if not user_ids:
        return {}
    rows = db.session.scalars(
        sa.select(CommunicationNeeds).where(CommunicationNeeds.user_id.in_(user_ids))
    )
    return {row.user_id: row for row in rows}


def decide_requests(
    actor: User,
    community: Community,
    membership_ids: Collection[int],
    *,
    approve: bool,
    message: str = "",
) -> int:
    """Approve or decline several join requests at once. All must still be pending."""
    require(permissions.can_manage_members(actor, community))
    if not membership_ids:
        raise Refused(_l("Select at least one request."))
    memberships = db.session.scalars(
        sa.select(Membership).where(
            Membership.community_id == community.id, Membership.id.in_(membership_ids)
        )
    ).all()
    if len(memberships) != len(set(membership_ids)) or any(
        m.status != PENDING for m in memberships
    ):
        raise Refused(
            _l("Someone has already decided one or more of these requests. Nothing was changed.")
        )
    if approve and community.is_archived:
        raise Refused(_l("This community is archived and is not taking new members."))
    users = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_([m.user_id for m in memberships]))
        )
    }
    for membership in memberships:
        membership.message = message or None
        set_status(membership, ACTIVE if approve else DECLINED, actor, note=message or None)
        outbox.queue(
            users[membership.user_id],
            "join_decision",
            community=community,
            approved=approve,
            message=message,
        )
    db.session.flush()
    return len(memberships)


def change_role(actor: User, community: Community, membership: Membership, role: str) -> None:
    require(permissions.can_manage_members(actor, community))
    if membership.status != ACTIVE:
        raise Refused(_l("You can only change the role of an active member."))
    if role == membership.role:
        return
    if membership.role == COORDINATOR:
        _protect_last_coordinator(membership)
    set_status(membership, ACTIVE, actor, role=role, note="role changed")
    db.session.flush()
    permissions.forget_memberships()


def remove_member(actor: User, community: Community, membership: Membership, reason: str) -> None:
    require(permissions.can_manage_members(actor, community))
    if membership.status not in (ACTIVE, PENDING):
        raise Refused(_l("This person is not a member of the community."))
    if not reason.strip():
        raise Refused(_l("Enter the reason for removing this member."))
    _protect_last_coordinator(membership)
    membership.message = reason
    set_status(membership, REMOVED, actor, note=reason)
    member = db.session.get(User, membership.user_id)
    outbox.queue(member, "membership_removed", community=community, reason=reason)
    db.session.flush()
    permissions.forget_memberships()


def appoint_coordinator(actor: User, community: Community, email: str) -> Membership:
    """Make an existing account an active coordinator of the community."""
    require(permissions.can_admin_communities(actor))
    user = find_by_email(email)
    if user is None:
        raise Refused(_l("No account uses that email address. Ask them to register first."))
    membership = permissions.membership(user, community)
    if membership is not None and membership.status == ACTIVE and membership.role == COORDINATOR:
        raise Refused(_l("This person is already a coordinator of this community."))
    membership = membership or Membership(user_id=user.id, community_id=community.id)
    membership.message = None
    set_status(membership, ACTIVE, actor, role=COORDINATOR, note="appointed coordinator")
    db.session.add(membership)
    db.session.flush()
    outbox.queue(user, "coordinator_appointed", community=community)
    permissions.forget_memberships()
    return membership


def my_memberships_query(user: User) -> sa.Select[Membership, Community]:
    return (
        sa.select(Membership, Community)
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.user_id == user.id)
        .order_by(Community.name, Community.id)
    )


def membership_history(membership: Membership) -> Sequence[MembershipEvent]:
    return db.session.scalars(
        sa.select(MembershipEvent)
        .where(MembershipEvent.membership_id == membership.id)
        .order_by(MembershipEvent.created_at.desc(), MembershipEvent.id.desc())
        .limit(50)
    ).all()


def get_needs(user: User) -> CommunicationNeeds | None:
    return db.session.get(CommunicationNeeds, user.id)


def save_needs(user: User, **fields: str | list[str]) -> CommunicationNeeds:

    needs = get_needs(user) or CommunicationNeeds(user_id=user.id)
    for name, value in fields.items():
        setattr(needs, name, value)
    db.session.add(needs)
    db.session.flush()
    return needs
