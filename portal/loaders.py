"""What a page is about, loaded once with the parents it reads: 404 before 403.

A view calls one loader with the id or slug from its address. The loader returns the
object with its community loaded (`proposal.community`, `briefing.community`,
`change.community`), so services take the object alone. It aborts with 404 when there is
no such thing or the signed-in person may not know it exists, and only then with 403
when they may see it but not do what the page does. Who may do what is decided in
`permissions.py`; this module only applies it in that order.
"""

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import abort
from flask_login import current_user

from . import permissions
from .briefings import services as briefings
from .briefings.models import Briefing
from .communities import services as communities
from .communities.models import Community
from .consultations import services as consultations
from .consultations.models import Proposal
from .impact import services as impact
from .impact.models import ServiceChange

T = TypeVar("T")


def not_found() -> NoReturn:
    abort(404)


def forbid_unless(allowed: bool) -> None:
    """403 unless `allowed`: for what the person may see but not do."""
    if not allowed:
        abort(403)


def _visible(thing: T | None, may_know: Callable[[Any, T], bool]) -> T:
    if thing is None or not may_know(current_user, thing):
        not_found()
    return thing


# Communities -------------------------------------------------------------------------


def community(slug: str) -> Community:
    found: Community | None = communities.get_by_slug(slug)
    if found is None:
        not_found()
    return found


def live_community(slug: str) -> Community:
    """A community that is not archived: archived ones take no new work."""
    found = community(slug)
    if found.is_archived:
        not_found()
    return found


# Proposals ---------------------------------------------------------------------------


def readable_proposal(proposal_id: int) -> Proposal:
    return _visible(consultations.get(proposal_id), permissions.can_read_proposal)


def consultation(proposal_id: int) -> Proposal:
    """A proposal whose public page the person may read (published, or theirs to edit)."""
    return _visible(consultations.get(proposal_id), permissions.can_read_consultation)


def authored_proposal(proposal_id: int) -> Proposal:
    proposal = readable_proposal(proposal_id)
    forbid_unless(permissions.can_author(current_user, proposal.community))
    return proposal


def steered_proposal(proposal_id: int) -> Proposal:
    """A proposal whose consultation window the person may move."""
    proposal = readable_proposal(proposal_id)
    forbid_unless(permissions.can_steer_proposal(current_user, proposal))
    return proposal


def reviewed_proposal(proposal_id: int) -> Proposal:
    proposal = readable_proposal(proposal_id)
    forbid_unless(permissions.can_review(current_user, proposal.community))
    return proposal


# Briefings ---------------------------------------------------------------------------


def readable_briefing(briefing_id: int) -> Briefing:
    return _visible(briefings.get(briefing_id), permissions.can_read_briefing)


def authored_briefing(briefing_id: int) -> Briefing:
    """For authors' pages: 404 if the person may not read it, 403 if they may not write it."""
    briefing = readable_briefing(briefing_id)
    forbid_unless(permissions.can_author(current_user, briefing.community))
    return briefing


# Service changes ---------------------------------------------------------------------


def readable_change(change_id: int) -> ServiceChange:
    return _visible(impact.get_change(change_id), permissions.can_read_change)


def authored_change(change_id: int) -> ServiceChange:
    change = readable_change(change_id)
    forbid_unless(permissions.can_author(current_user, change.community))
    return change
