"""Loaders refuse with 404 before 403, and bring the object's community along."""

import pytest
import sqlalchemy as sa
from flask import g
from sqlalchemy.exc import InvalidRequestError
from werkzeug.exceptions import Forbidden, NotFound

from portal import db, loaders
from portal.consultations.models import Proposal


def _as(app, user):
    """A request made by `user` (None: signed out)."""
    context = app.test_request_context()
    context.push()
    if user is not None:
        g._login_user = user  # what Flask-Login's current_user reads
    return context


@pytest.mark.parametrize(
    ("role", "proposal", "refusal"),
    [
        (None, "draft", NotFound),  # a draft is not known outside its authors
        ("lay", "draft", NotFound),
        ("other_coordinator", "open", NotFound),  # another community's members-only proposal
        ("lay", "open", Forbidden),  # seen, but not written, by a lay partner
    ],
)
def test_authored_proposal_refuses_404_before_403(app, world, role, proposal, refusal):
    context = _as(app, world["people"][role] if role else None)
    try:
        with pytest.raises(refusal):
            loaders.authored_proposal(world["proposals"][proposal].id)
    finally:
        context.pop()


def test_a_missing_proposal_is_not_found(app, world):
    context = _as(app, world["people"]["coordinator"])
    try:
        with pytest.raises(NotFound):
            loaders.readable_proposal(999_999)
    finally:
        context.pop()


def test_a_loaded_proposal_brings_its_community_in_the_same_statement(app, world, count_queries):
    author = world["people"]["professional"]
    draft_id = world["proposals"]["draft"].id
    db.session.expunge_all()  # as in a new request: nothing is known yet
    context = _as(app, db.session.get(type(author), author.id))
    try:
        loaders.authored_proposal(draft_id)  # memberships are cached now
        db.session.expunge_all()  # the community too: only the loader may bring it back
        with count_queries() as statements:
            proposal = loaders.authored_proposal(draft_id)
            assert proposal.community.slug == "alpha"
        assert len(statements) == 1
    finally:
        context.pop()


def test_a_relationship_the_query_did_not_load_fails_rather_than_query_again(app, world):
    proposal_id = world["proposals"]["open"].id
    db.session.expunge_all()
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.id == proposal_id))
    with pytest.raises(InvalidRequestError, match="raise_on_sql"):
        proposal.community  # noqa: B018 - reading it is the test
