"""One count per person: what each contribution did to each decision or change.

A contribution can reach the same decision or change twice: linked directly,
and through one of its themes. It still counts once, with one effect: the
direct link's effect wins over the theme's. Every page and file that counts
contributions per decision, change or effect reads `effective()`, so the rule
lives here only.
"""

import sqlalchemy as sa

from ..consultations.models import Contribution, ContributionTheme
from .models import Influence


def effective(*conditions, contribution_ids=None, counted=True):
    """SQL subquery: one row per (contribution, decision or change) that live links reach.

    Columns: cid, influence_id (the winning link), theme_id (None when the
    direct link won), also_theme_id (a theme that reaches it too, when the
    direct link won), decision_id, change_id, effect, proposal_id.
    `conditions` filter the links (on `Influence`); `contribution_ids` the
    contributions; `counted` leaves out withdrawn contributions.
    """
    live = (Influence.removed_at.is_(None), *conditions)

    def branch(cid, theme_id, priority, *joins):
        query = sa.select(
            cid.label("cid"),
            Influence.id.label("influence_id"),
            theme_id.label("theme_id"),
            Influence.decision_id.label("decision_id"),
            Influence.change_id.label("change_id"),
            Influence.effect.label("effect"),
            Influence.proposal_id.label("proposal_id"),
            sa.literal(priority).label("priority"),
        )
        for join in joins:
            query = query.join(*join)
        query = query.where(*live, cid.is_not(None))
        if contribution_ids is not None:
            query = query.where(cid.in_(contribution_ids))
        if counted:
            query = query.join(Contribution, Contribution.id == cid).where(
                Contribution.withdrawn_at.is_(None)
            )
        return query

    direct = branch(Influence.contribution_id, sa.null(), 0)
    themed = branch(
        ContributionTheme.contribution_id,
        Influence.theme_id,
        1,
        (ContributionTheme, ContributionTheme.theme_id == Influence.theme_id),
    )
    routes = sa.union_all(direct, themed).subquery("routes")
    target = (routes.c.cid, routes.c.decision_id, routes.c.change_id)
    ranked = sa.select(
        routes.c.cid,
        routes.c.influence_id,
        routes.c.theme_id,
        sa.func.max(routes.c.theme_id).over(partition_by=target).label("also_theme_id"),
        routes.c.decision_id,
        routes.c.change_id,
        routes.c.effect,
        routes.c.proposal_id,
        sa.func.row_number()
        .over(partition_by=target, order_by=(routes.c.priority, routes.c.influence_id))
        .label("rank"),
    ).subquery("ranked")
    return (
        sa.select(
            ranked.c.cid,
            ranked.c.influence_id,
            ranked.c.theme_id,
            sa.case((ranked.c.theme_id.is_(None), ranked.c.also_theme_id)).label("also_theme_id"),
            ranked.c.decision_id,
            ranked.c.change_id,
            ranked.c.effect,
            ranked.c.proposal_id,
        )
        .where(ranked.c.rank == 1)
        .subquery("effective")
    )
