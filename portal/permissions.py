"""Who may do what, in one vocabulary for services, views and templates.

Every function takes the user (possibly anonymous) first. Views return 404
for what the user may not know exists and 403 for what they may see but not
do; hiding a button is never the protection.
"""

import sqlalchemy as sa
from flask import g, has_request_context

from . import db
from .briefings.models import PUBLIC
from .communities.models import (
    ACTIVE,
    COORDINATOR,
    INVITE,
    LAY_PARTNER,
    PROFESSIONAL,
    Membership,
)


def _signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False)


def membership(user, community):
    """The user's membership row in this community (any status), or None.

    Looked up once per request and community.
    """
    if not _signed_in(user):
        return None
    cache = g.setdefault("memberships", {}) if has_request_context() else {}
    key = (user.id, community.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            sa.select(Membership).where(
                Membership.user_id == user.id, Membership.community_id == community.id
            )
        )
    return cache[key]


def forget_memberships():
    """Drop the per-request cache after a service changed a membership."""
    if has_request_context():
        g.pop("memberships", None)


def is_member(user, community):
    found = membership(user, community)
    return found is not None and found.status == ACTIVE


def is_coordinator(user, community):
    found = membership(user, community)
    return found is not None and found.status == ACTIVE and found.role == COORDINATOR


def is_site_admin(user):
    return _signed_in(user) and user.is_site_admin


def can_admin_communities(user):
    """Create, edit and archive communities, and appoint coordinators."""
    return is_site_admin(user)


def can_manage_members(user, community):
    """Invite, approve, change roles and remove members; see contact details and needs."""
    return is_coordinator(user, community) or is_site_admin(user)


def can_set_ways_to_respond(user, community):
    """Say how people can give views other than online: by post, by phone, in person."""
    return is_coordinator(user, community) or is_site_admin(user)


def can_see_members(user, community):
    """See who belongs, by display name or pseudonym."""
    return is_member(user, community) or is_site_admin(user)


def must_consent(role):
    """Lay partners agree to the consent text when they join; professionals do not."""
    return role == LAY_PARTNER


# Briefings and the glossary -----------------------------------------------------


def can_author(user, community):
    """Write and publish briefings and see how they are read: professionals and coordinators."""
    found = membership(user, community)
    return (
        found is not None and found.status == ACTIVE and found.role in (PROFESSIONAL, COORDINATOR)
    )


def can_publish_above_target(user, community):
    """Publish a briefing that reads above the community's target, giving a reason."""
    return is_coordinator(user, community)


def can_read_briefing(user, briefing):
    """Published public briefings are for everyone; members-only ones for members only.

    Authors also see drafts. Site admins who are not members do not see
    members-only briefings.
    """
    community = briefing.community
    if can_author(user, community):
        return True
    if not briefing.is_published:
        return False
    return briefing.visibility == PUBLIC or is_member(user, community)


def can_read_proposal(user, proposal):
    """Published proposals are for the community's members; drafts for its authors."""
    community = proposal.community
    if can_author(user, community):
        return True
    return not proposal.is_draft and is_member(user, community)


def can_read_published_consultations(user, community):
    """The published proposals of a community: for everyone, signed out too, when anyone may
    ask to join it; for members only in invite-only (members-only) or archived communities."""
    return is_member(user, community) or consultations_are_public(community)


def consultations_are_public(community):
    """Whether everyone, signed out too, reads the community's published proposals."""
    return community.visibility != INVITE and community.archived_at is None


def can_read_consultation(user, proposal):
    """A consultation's public page and its trace: published proposals as
    `can_read_published_consultations`, drafts for the community's authors only."""
    community = proposal.community
    if can_read_proposal(user, proposal):
        return True
    return not proposal.is_draft and can_read_published_consultations(user, community)


def can_read_trace_links(user, proposal):
    """What a trace links views to. While the consultation is open (or paused) its links
    are drafts, for reviewers only; once it has closed, for whoever reads the consultation."""
    community = proposal.community
    if proposal.is_closed():
        return can_read_consultation(user, proposal)
    return can_review(user, community)


def can_read_decision(user, decision):
    """A decision marked "Everyone" is for whoever may read its proposal; others for members."""
    community = decision.community
    return decision.visibility == PUBLIC or is_member(user, community)


def can_review(user, community):
    """Read every contribution (never the author of an anonymous one), reply and theme them."""
    return can_author(user, community)


def can_steer_proposal(user, proposal):
    """Close a consultation early, extend, pause or resume it, publish what was heard.

    The proposal's own author (while still one of the community's authors)
    and the community's coordinators.
    """
    community = proposal.community
    if is_coordinator(user, community):
        return True
    return _signed_in(user) and proposal.created_by_id == user.id and can_author(user, community)


def can_read_heard(user, proposal):
    """The "what we heard" summary of a closed proposal: reviewers always; once published,
    whoever may read the consultation (signed out too, outside members-only communities)."""
    community = proposal.community
    if proposal.status() not in ("closed", "decided"):
        return False
    if can_review(user, community):
        return True
    return proposal.heard_published_at is not None and can_read_consultation(user, proposal)


def reviews_any_community(user):
    """Has the review inbox: a professional or coordinator of at least one community."""
    if not _signed_in(user):
        return False
    if has_request_context() and "reviews_any" in g:
        return g.reviews_any
    found = db.session.scalar(
        sa.select(Membership.id)
        .where(
            Membership.user_id == user.id,
            Membership.role.in_((PROFESSIONAL, COORDINATOR)),
            Membership.status == ACTIVE,
        )
        .limit(1)
    )
    if has_request_context():
        g.reviews_any = found is not None
    return found is not None


def can_moderate(user, community):
    """Hide or keep reported contributions, approve quotes, record offline input."""
    return is_coordinator(user, community)


def can_contribute(user, community):
    """Give views on the community's proposals: its active lay partners."""
    found = membership(user, community)
    return found is not None and found.status == ACTIVE and found.role == LAY_PARTNER


def coordinates_any_community(user):
    if not _signed_in(user):
        return False
    if has_request_context() and "coordinates_any" in g:
        return g.coordinates_any
    found = db.session.scalar(
        sa.select(Membership.id)
        .where(
            Membership.user_id == user.id,
            Membership.role == COORDINATOR,
            Membership.status == ACTIVE,
        )
        .limit(1)
    )
    if has_request_context():
        g.coordinates_any = found is not None
    return found is not None


def can_manage_glossary(user, community=None):
    """Community terms: its coordinators. Site-wide terms: any coordinator, and site admins."""
    if community is not None:
        return is_coordinator(user, community)
    return is_site_admin(user) or coordinates_any_community(user)


# Impact: decisions, service changes, the timeline and reports --------------------------


def can_read_change(user, change):
    """Public changes (and decisions) are for everyone; members-only ones for members."""
    community = change.community
    return change.visibility == PUBLIC or is_member(user, community)


def can_follow_proposal(user, proposal):
    """Anyone signed in who may read a published proposal may follow it."""
    return _signed_in(user) and not proposal.is_draft and can_read_proposal(user, proposal)


def can_follow_change(user, change):
    """Anyone signed in who may read a change may follow it."""
    return _signed_in(user) and can_read_change(user, change)


def can_manage_timeline(user, community):
    """Add meetings, awards and presentations to the community's timeline."""
    return is_coordinator(user, community)


def can_see_impact_report(user, community):
    """The impact dashboard and report, and writing the report's narrative: coordinators."""
    return is_coordinator(user, community)


# Involvement, payments and expenses ------------------------------------------------------


def can_manage_involvement(user, community):
    """Record activities, run payments and decide expense claims: the community's coordinators."""
    return is_coordinator(user, community)


def can_manage_rates(user):
    """Keep the payment rates: site admins."""
    return is_site_admin(user)


def can_claim_expenses(user, community):
    """Claim back what taking part cost: the community's active lay partners."""
    return can_contribute(user, community)


def can_see_receipt(user, claim, community):
    """A claim's receipt: only the claim's owner and the community's coordinators."""
    return _signed_in(user) and (
        claim.user_id == user.id or can_manage_involvement(user, community)
    )


def init_app(app):
    app.jinja_env.globals.update(
        can_author=can_author,
        can_manage_glossary=can_manage_glossary,
        is_coordinator=is_coordinator,
        is_member=is_member,
        can_admin_communities=can_admin_communities,
        can_manage_members=can_manage_members,
        can_set_ways_to_respond=can_set_ways_to_respond,
        can_review=can_review,
        can_steer_proposal=can_steer_proposal,
        can_read_heard=can_read_heard,
        can_read_trace_links=can_read_trace_links,
        can_read_decision=can_read_decision,
        can_read_change=can_read_change,
        can_follow_proposal=can_follow_proposal,
        can_follow_change=can_follow_change,
        can_manage_timeline=can_manage_timeline,
        can_see_impact_report=can_see_impact_report,
        can_manage_involvement=can_manage_involvement,
        can_manage_rates=can_manage_rates,
    )
