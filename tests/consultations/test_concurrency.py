"""Many people sending views at the same moment: every contribution is stored, once.

These tests commit real rows from several threads, each with its own database
connection, so they run on PostgreSQL only and clean up after themselves.
"""

import threading
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from portal import db
from portal.accounts.models import User
from portal.communities.models import Community
from portal.consultations import contributions, services
from portal.consultations.models import Contribution
from tests import factories

pytestmark = pytest.mark.postgresql_only
PEOPLE = 8


@pytest.fixture
def committed(app, engine):
    """An open proposal and its lay partners, committed where every connection sees them."""
    previous = app.extensions["chorus_db"]["sessionmaker"]
    app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    tag = uuid.uuid4().hex[:8]
    with app.test_request_context():
        community = factories.make_community(slug=f"busy-{tag}")
        author = factories.make_user(email=f"author-{tag}@example.org")
        factories.make_membership(author, community, "professional")
        people = []
        for number in range(PEOPLE):
            person = factories.make_user(email=f"voice{number}-{tag}@example.org")
            factories.make_membership(person, community)
            people.append(person.id)
        proposal = factories.make_proposal(community, author)
        db.session.commit()
        ids = (community.id, proposal.id, people, author.id)
        db.session.remove()
    yield ids
    with app.app_context():
        db.session.execute(sa.delete(Community).where(Community.id == ids[0]))
        db.session.execute(sa.delete(User).where(User.id.in_([*ids[2], ids[3]])))
        db.session.commit()
        db.session.remove()
    app.extensions["chorus_db"]["sessionmaker"] = previous


def _submit(app, community_id, proposal_id, person_id, key, errors):
    try:
        with app.test_request_context():
            proposal = services.get(proposal_id)
            person = db.session.get(User, person_id)
            questions = services.questions(proposal)
            contributions.submit(
                person,
                proposal,
                questions,
                key=key,
                identity="anonymous",
                quote_consent=False,
                answers={questions[0].id: (f"View of {person_id}", None, [])},
            )
            db.session.commit()
            db.session.remove()
    except Exception as error:  # reported by the test
        errors.append(error)


def _run(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def _stored(app, proposal_id):
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).where(Contribution.proposal_id == proposal_id)
        )
        db.session.remove()
    return count


def test_everyone_sending_at_once_is_stored(app, committed):
    community_id, proposal_id, people, _author = committed
    errors = []
    _run(
        [
            threading.Thread(
                target=_submit,
                args=(app, community_id, proposal_id, person, uuid.uuid4().hex, errors),
            )
            for person in people
        ]
    )
    assert errors == []
    assert _stored(app, proposal_id) == PEOPLE


def test_the_same_form_sent_at_once_from_several_places_is_stored_once(app, committed):
    community_id, proposal_id, people, _author = committed
    errors = []
    _run(
        [
            threading.Thread(
                target=_submit,
                args=(app, community_id, proposal_id, people[0], "one-form", errors),
            )
            for _ in range(5)
        ]
    )
    assert errors == []
    assert _stored(app, proposal_id) == 1
