"""What we heard: the summary of a closed consultation, and publishing it.

Counts cover every contribution not withdrawn (hidden ones too: they were
heard, only not shown). Quotes are only those a coordinator approved
(`moderation.approve_quote`), from contributions still shown. Nothing here
names a person.
"""

from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import db, permissions
from ..communities.services import Refused, require
from ..db import utcnow
from .models import Contribution, ContributionTheme, Quote, Theme

THEMES_SHOWN = 30
QUOTES_SHOWN = 12


def summary(proposal):
    """Counts of views and people, by route, the themes with counts, and approved quotes.

    A fixed number of queries, whatever the number of contributions.
    """
    live = (Contribution.proposal_id == proposal.id, Contribution.withdrawn_at.is_(None))
    by_source = db.session.execute(
        sa.select(
            Contribution.source,
            sa.func.count(Contribution.id),
            sa.func.coalesce(sa.func.sum(Contribution.people_count), 0),
        )
        .where(*live)
        .group_by(Contribution.source)
        .order_by(Contribution.source)
    ).all()
    themes = db.session.execute(
        sa.select(Theme.name, sa.func.count(Contribution.id).label("views"))
        .join(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .join(Contribution, Contribution.id == ContributionTheme.contribution_id)
        .where(Theme.proposal_id == proposal.id, *live)
        .group_by(Theme.id, Theme.name)
        .order_by(sa.desc("views"), Theme.name)
        .limit(THEMES_SHOWN)
    ).all()
    quotes = db.session.scalars(
        sa.select(Quote.text)
        .join(Contribution, Contribution.id == Quote.contribution_id)
        .where(*live, Contribution.hidden_at.is_(None), Contribution.quote_consent.is_(True))
        .order_by(Quote.id)
        .limit(QUOTES_SHOWN)
    ).all()
    return SimpleNamespace(
        views=sum(row[1] for row in by_source),
        people=sum(row[2] for row in by_source),
        by_source=[SimpleNamespace(source=s, views=v, people=p) for s, v, p in by_source],
        themes=themes,
        quotes=quotes,
    )


def publish(actor, proposal, now=None):
    """Publish the summary for members (and, where the proposal is public, everyone)."""
    require(permissions.can_steer_proposal(actor, proposal))
    if not proposal.is_closed(now):
        raise Refused(_l("What we heard can be published once the consultation has closed."))
    if proposal.heard_published_at is None:
        proposal.heard_published_at = now or utcnow()
        db.session.flush()
