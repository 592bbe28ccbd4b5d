"""Moderation and offline input: reports, hiding, approved quotes, and views from elsewhere.

Hidden contributions are kept and still counted; they are only not shown.
Quotes are redacted copies approved by a coordinator; the original text is
never published.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import caching, db, outbox, permissions
from ..accounts.models import User
from ..communities.models import ACTIVE, LAY_PARTNER, Membership
from ..communities.services import NotAllowed, Refused, require
from ..db import utcnow
from ..health import summaries
from ..links import public_url
from . import contributions, review
from .models import IDENTITIES, OFFLINE_SOURCES, Contribution, Proposal, Quote, Report, ReviewEvent

__all__ = ["NotAllowed", "Refused"]


def report(user, contribution, reason):
    """Any member who can see a contribution can ask a coordinator to look at it."""
    community = contribution.community
    require(permissions.is_member(user, community))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_l("Say what is wrong with it"))
    db.session.add(Report(contribution_id=contribution.id, reporter_id=user.id, reason=reason))
    db.session.flush()


def open_reports_query(community):
    """Reports waiting for a coordinator, oldest first, with their proposal's title."""
    return (
        sa.select(Report, Contribution, Proposal.title)
        .join(Contribution, Contribution.id == Report.contribution_id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Proposal.community_id == community.id, Report.resolved_at.is_(None))
        .order_by(Report.created_at, Report.id)
    )


def open_reports_of(contribution):
    """Reasons given in reports not yet acted on, oldest first."""
    return db.session.scalars(
        sa.select(Report.reason)
        .where(Report.contribution_id == contribution.id, Report.resolved_at.is_(None))
        .order_by(Report.created_at, Report.id)
        .limit(20)
    ).all()


def get_report(community, report_id):
    return db.session.execute(
        sa.select(Report, Contribution)
        .join(Contribution, Contribution.id == Report.contribution_id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(Report.id == report_id, Proposal.community_id == community.id)
    ).first()


def _resolve(contribution, actor, resolution):
    db.session.execute(
        sa.update(Report)
        .where(Report.contribution_id == contribution.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution, resolved_by_id=actor.id)
    )


def hide(actor, contribution, reason):
    """Hide a contribution with a reason. Its author is told; it still counts."""
    community = contribution.community
    require(permissions.can_moderate(actor, community))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_l("Give the reason for hiding it"))
    contribution.hidden_at = utcnow()
    contribution.hidden_reason = reason
    db.session.add(
        ReviewEvent(
            contribution_id=contribution.id, actor_id=actor.id, kind="hidden", detail=reason
        )
    )
    _resolve(contribution, actor, "hidden")
    author = review.author_of(contribution)
    if author is not None:
        proposal = db.session.get(Proposal, contribution.proposal_id)
        link = public_url("consultations.contribution", contribution_id=contribution.id)
        outbox.queue(author, "contribution_hidden", link=link, proposal=proposal, reason=reason)
    db.session.flush()


def dismiss(actor, contribution):
    """Keep the contribution as it is and close its open reports."""
    community = contribution.community
    require(permissions.can_moderate(actor, community))
    _resolve(contribution, actor, "dismissed")
    db.session.flush()


def approve_quote(actor, contribution, text):
    """Approve a redacted extract for public use. Only with the author's consent."""
    community = contribution.community
    require(permissions.can_moderate(actor, community))
    if not contribution.quote_consent:
        raise Refused(_l("The author did not agree to be quoted."))
    if contribution.hidden_at or contribution.withdrawn_at:
        raise Refused(_l("Hidden or withdrawn contributions cannot be quoted."))
    text = (text or "").strip()
    if not text:
        raise Refused(
            _l("Write the quote, with names, dates and details that identify anyone removed")
        )
    quote = Quote(contribution_id=contribution.id, text=text, approved_by_id=actor.id)
    db.session.add(quote)
    db.session.flush()
    return quote


def quotes_of(contribution):
    return db.session.scalars(
        sa.select(Quote).where(Quote.contribution_id == contribution.id).order_by(Quote.id)
    ).all()


def member_by_email(community, email):
    """An active lay partner of the community with this email address, or None."""
    return db.session.scalar(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            sa.func.lower(User.email) == (email or "").strip().lower(),
            Membership.community_id == community.id,
            Membership.status == ACTIVE,
            Membership.role == LAY_PARTNER,
        )
    )


def record_offline(
    actor,
    proposal,
    questions,
    *,
    source,
    source_date,
    member=None,
    people_count=1,
    identity="named",
    quote_consent=False,
    answers,
    key,
):
    """Record views given at a meeting, by phone, letter, email or a paper survey.

    They come from one member, or from unnamed lay partners (how many). They
    count like views given online. Allowed while the proposal is open or closed,
    so views gathered in the window can be typed up afterwards.
    """
    community = proposal.community
    require(permissions.can_moderate(actor, community))
    if proposal.is_draft:
        raise Refused(_l("This proposal is not published."))
    if source not in OFFLINE_SOURCES:
        raise Refused(_l("Choose where the views came from"))
    if identity not in IDENTITIES:
        raise Refused(_l("Choose who can see that these are their views"))
    existing = db.session.scalar(
        sa.select(Contribution).where(
            Contribution.proposal_id == proposal.id, Contribution.idempotency_key == key
        )
    )
    if existing is not None:
        return existing
    contributions.check_answers(questions, answers)
    contribution = Contribution(
        proposal=proposal,
        community=proposal.community,
        author_id=member.id if member else None,
        identity=identity if member else "anonymous",
        quote_consent=quote_consent,
        source=source,
        source_date=source_date,
        people_count=1 if member else max(1, people_count),
        recorded_by_id=actor.id,
        idempotency_key=key,
    )
    db.session.add(contribution)
    db.session.flush()
    summaries.contribution_added(contribution, proposal)
    caching.renew_after_commit(caching.proposal_figures(proposal.id))
    contributions.write_answers(contribution, questions, answers)
    db.session.flush()
    return contribution
