"""Each member's sort name and each community's member counts, kept in step.

The members list is sorted by the name other members see, and the community
page shows how many active members it has in each role. Both are stored, so
that no page sorts or counts every member of a community on each request.
Mapper events keep them right whichever service changes a membership or a
name; `refresh` rebuilds them after bulk inserts that bypass the ORM.
"""

import sqlalchemy as sa

from .. import db
from ..accounts.models import User
from .models import ACTIVE, COORDINATOR, LAY_PARTNER, PROFESSIONAL, Community, Membership

COUNT_COLUMNS = {
    LAY_PARTNER: "lay_partner_count",
    PROFESSIONAL: "professional_count",
    COORDINATOR: "coordinator_count",
}


def sort_name(display_name, pseudonym, use_pseudonym):
    """The shown name, lower-cased: the pseudonym when the member chose it."""
    shown = pseudonym if use_pseudonym and pseudonym else display_name
    return (shown or "").lower()[:120]


def recount(connection, community_id=None):
    """Store the active members of each role, for one community or all."""
    values = {
        column: sa.select(sa.func.count())
        .where(
            Membership.community_id == Community.id,
            Membership.status == ACTIVE,
            Membership.role == role,
        )
        .scalar_subquery()
        for role, column in COUNT_COLUMNS.items()
    }
    statement = sa.update(Community).values(**values)
    if community_id is not None:
        statement = statement.where(Community.id == community_id)
    connection.execute(statement)


def refresh(connection):
    """Rebuild every sort name and count (after rows were inserted without the ORM)."""
    shown = sa.case(
        (
            sa.and_(Membership.use_pseudonym, sa.func.coalesce(User.pseudonym, "") != ""),
            User.pseudonym,
        ),
        else_=User.display_name,
    )
    name = sa.select(sa.func.lower(shown)).where(User.id == Membership.user_id).scalar_subquery()
    connection.execute(sa.update(Membership).values(sort_name=sa.func.coalesce(name, "")))
    recount(connection)


def _changed(target, *names):
    state = sa.inspect(target)
    return any(state.attrs[name].history.has_changes() for name in names)


def _set_sort_name(_mapper, connection, membership):
    if membership.sort_name and not _changed(membership, "use_pseudonym", "user_id"):
        return
    names = connection.execute(
        sa.select(User.display_name, User.pseudonym).where(User.id == membership.user_id)
    ).one()
    membership.sort_name = sort_name(names.display_name, names.pseudonym, membership.use_pseudonym)


def _count_after_insert_or_delete(_mapper, connection, membership):
    recount(connection, membership.community_id)


def _count_after_update(_mapper, connection, membership):
    if _changed(membership, "status", "role", "community_id"):
        recount(connection, membership.community_id)


def _rename_memberships(_mapper, connection, user):
    if not _changed(user, "display_name", "pseudonym"):
        return
    for use_pseudonym in (False, True):
        connection.execute(
            sa.update(Membership)
            .where(Membership.user_id == user.id, Membership.use_pseudonym.is_(use_pseudonym))
            .values(sort_name=sort_name(user.display_name, user.pseudonym, use_pseudonym))
        )


def listen():
    """Keep sort names and member counts right with every flush that changes a membership
    or a name. Connected once, from `signals.connect_receivers`."""
    db.listen_once(
        (Membership, "before_insert", _set_sort_name),
        (Membership, "before_update", _set_sort_name),
        (Membership, "after_insert", _count_after_insert_or_delete),
        (Membership, "after_delete", _count_after_insert_or_delete),
        (Membership, "after_update", _count_after_update),
        (User, "after_update", _rename_memberships),
    )
