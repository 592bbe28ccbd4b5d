"""The public "you said, we did" board: public changes, what lay partners said about
them (themes, counts, approved quotes of consenting people) and what was done. A fixed
number of queries per page; nothing from members-only changes; never who wrote anything."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from .. import db
from ..briefings.models import PUBLIC
from ..communities.models import Community
from ..consultations.models import Contribution, ContributionTheme, Quote, Theme
from . import reach
from .models import ChangeStatusEntry, Influence, ServiceChange

# The "you said, we did" board -------------------------------------------------------------


def public_changes(*, community_slug=None, status=None, year=None):
    """Public changes of communities that are not archived, latest update first."""
    query = (
        sa.select(ServiceChange, Community.name, Community.slug)
        .join(Community, Community.id == ServiceChange.community_id)
        .where(ServiceChange.visibility == PUBLIC, Community.archived_at.is_(None))
    )
    if community_slug:
        query = query.where(Community.slug == community_slug)
    if status:
        query = query.where(ServiceChange.status == status)
    if year:
        query = query.where(
            ServiceChange.status_on >= date(year, 1, 1),
            ServiceChange.status_on <= date(year, 12, 31),
        )
    return query.order_by(ServiceChange.updated_at.desc(), ServiceChange.id.desc())


def board_communities():
    """(slug, name) of the communities that are not archived, to filter the board by."""
    return db.session.execute(
        sa.select(Community.slug, Community.name)
        .where(Community.archived_at.is_(None))
        .order_by(Community.name)
    ).all()


def board_years():
    """The years of the latest status dates on the board, newest first."""
    first, last = db.session.execute(
        sa.select(sa.func.min(ServiceChange.status_on), sa.func.max(ServiceChange.status_on))
        .join(Community, Community.id == ServiceChange.community_id)
        .where(ServiceChange.visibility == PUBLIC, Community.archived_at.is_(None))
    ).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def _reach(change_ids):
    """(change_id, cid, effect) for each contribution a live link reaches, directly or
    through its theme."""
    direct = sa.select(
        Influence.change_id.label("change_id"),
        Influence.contribution_id.label("cid"),
        Influence.effect.label("effect"),
    ).where(
        Influence.change_id.in_(change_ids),
        Influence.contribution_id.is_not(None),
        Influence.removed_at.is_(None),
    )
    themed = (
        sa.select(
            Influence.change_id.label("change_id"),
            ContributionTheme.contribution_id.label("cid"),
            Influence.effect.label("effect"),
        )
        .join(ContributionTheme, ContributionTheme.theme_id == Influence.theme_id)
        .where(Influence.change_id.in_(change_ids), Influence.removed_at.is_(None))
    )
    return sa.union_all(direct, themed).subquery()


@dataclass
class Said:
    """What lay partners said about one change, and what was done."""

    themes: list = field(default_factory=list)  # (theme name, contributions)
    effects: dict = field(default_factory=dict)  # effect: contributions
    quotes: list = field(default_factory=list)  # approved quote texts, at most 2
    note: str = ""  # the note of the latest status


def board_details(change_ids):
    """{change id: Said} for a page of public changes, in four queries.

    Each contribution counts once per change, with one effect (reach.effective).
    """
    found = {change_id: Said() for change_id in change_ids}
    if not change_ids:
        return found
    counted = sa.and_(
        Contribution.id == ContributionTheme.contribution_id, Contribution.withdrawn_at.is_(None)
    )
    for change_id, name, number in db.session.execute(
        sa.select(Influence.change_id, Theme.name, sa.func.count(Contribution.id))
        .join(Theme, Theme.id == Influence.theme_id)
        .outerjoin(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .outerjoin(Contribution, counted)
        .where(Influence.change_id.in_(change_ids), Influence.removed_at.is_(None))
        .group_by(Influence.change_id, Theme.id, Theme.name)
        .order_by(Influence.change_id, sa.func.count(Contribution.id).desc(), Theme.name)
    ):
        found[change_id].themes.append((name, number))

    counted = reach.effective(Influence.change_id.in_(change_ids))
    for change_id, effect, number in db.session.execute(
        sa.select(counted.c.change_id, counted.c.effect, sa.func.count(counted.c.cid)).group_by(
            counted.c.change_id, counted.c.effect
        )
    ):
        found[change_id].effects[effect] = number

    reached = _reach(change_ids)
    quoted = (
        sa.select(reached.c.change_id, Quote.id, Quote.text, Quote.approved_at)
        .distinct()
        .join(Contribution, Contribution.id == reached.c.cid)
        .join(Quote, Quote.contribution_id == Contribution.id)
        .where(
            Contribution.quote_consent.is_(True),
            Contribution.hidden_at.is_(None),
            Contribution.withdrawn_at.is_(None),
        )
        .subquery()
    )
    ranked = sa.select(
        quoted.c.change_id,
        quoted.c.text,
        sa.func.row_number()
        .over(
            partition_by=quoted.c.change_id,
            order_by=(quoted.c.approved_at.desc(), quoted.c.id.desc()),
        )
        .label("rank"),
    ).subquery()
    for change_id, text in db.session.execute(
        sa.select(ranked.c.change_id, ranked.c.text)
        .where(ranked.c.rank <= 2)
        .order_by(ranked.c.change_id, ranked.c.rank)
    ):
        found[change_id].quotes.append(text)

    latest = (
        sa.select(
            ChangeStatusEntry.change_id,
            ChangeStatusEntry.note,
            sa.func.row_number()
            .over(
                partition_by=ChangeStatusEntry.change_id,
                order_by=(ChangeStatusEntry.occurred_on.desc(), ChangeStatusEntry.id.desc()),
            )
            .label("rank"),
        )
        .where(ChangeStatusEntry.change_id.in_(change_ids))
        .subquery()
    )
    for change_id, note in db.session.execute(
        sa.select(latest.c.change_id, latest.c.note).where(latest.c.rank == 1)
    ):
        found[change_id].note = note
    return found
