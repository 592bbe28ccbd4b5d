"""Health dashboard tests: community C, whose history is made by hand in 2025, beside the
world's communities A and B."""

from datetime import UTC, date, datetime

import pytest

from portal import db
from portal.communities.models import MembershipEvent
from portal.involvement.models import EqualityAnswers, InvolvementActivity, Participation
from tests import factories

JANUARY_TO_JUNE = (date(2025, 1, 1), date(2025, 6, 1))


@pytest.fixture(autouse=True)
def _request_context(app, _transaction):
    """Messages are translated and figures are written in the reader's language: both
    need a request."""
    with app.test_request_context():
        yield


def at(year, month, day, hour=12, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def history(membership, *steps):
    """Give a membership its history: (time, status, role) for each change."""
    for when, status, role in steps:
        db.session.add(
            MembershipEvent(membership_id=membership.id, status=status, role=role, created_at=when)
        )
    db.session.flush()


def activity(community, held_on, minutes, people, *, absent=()):
    """An activity of `community` that `people` attended and `absent` were offered only."""
    found = InvolvementActivity(
        community_id=community.id, kind="meeting", title="Panel", held_on=held_on, minutes=minutes
    )
    db.session.add(found)
    db.session.flush()
    for person in people:
        db.session.add(Participation(activity_id=found.id, user_id=person.id))
    for person in absent:
        db.session.add(Participation(activity_id=found.id, user_id=person.id, attended=False))
    db.session.flush()
    return found


def answers(user, **given):
    db.session.add(EqualityAnswers(user_id=user.id, **given))
    db.session.flush()


@pytest.fixture
def place(make_user):
    """Community C, its professional author, and community D beside it."""
    c = factories.make_community(name="Gamma", slug="gamma")
    d = factories.make_community(name="Delta", slug="delta")
    author = make_user(display_name="Author")
    factories.make_membership(author, c, "professional")
    factories.make_membership(author, d, "professional")
    return {"c": c, "d": d, "author": author}
