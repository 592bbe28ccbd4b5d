"""Two coordinators recording the same people at the same moment: one place and one
payment each, and neither sees an error.

These tests commit real rows from several threads, each with its own database
connection, so they run on PostgreSQL only and clean up after themselves.
"""

import threading
import uuid
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from portal import db
from portal.accounts.models import User
from portal.communities.models import Community
from portal.involvement import services
from portal.involvement.models import InvolvementActivity, Participation, Payment, PaymentRate
from tests import factories

pytestmark = pytest.mark.postgresql_only
PEOPLE = 6
COORDINATORS = 4


@pytest.fixture
def committed(app, engine):
    """A meeting with a rate in force and six lay partners, committed for every connection."""
    previous = app.extensions["chorus_db"]["sessionmaker"]
    app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    tag = uuid.uuid4().hex[:8]
    with app.test_request_context():
        community = factories.make_community(slug=f"panel-{tag}")
        coordinator = factories.make_user(email=f"coordinator-{tag}@example.org")
        factories.make_membership(coordinator, community, "coordinator")
        admin = factories.make_user(email=f"admin-{tag}@example.org", is_site_admin=True)
        people = []
        for number in range(PEOPLE):
            person = factories.make_user(email=f"partner{number}-{tag}@example.org")
            factories.make_membership(person, community)
            people.append(person.id)
        rate = PaymentRate(
            kind="workshop", unit="hour", amount=Decimal("20"), effective_from=date(1990, 1, 1)
        )
        db.session.add(rate)
        activity = services.create_activity(
            coordinator,
            community,
            kind="workshop",
            title="Panel",
            held_on=date(1990, 6, 1),
            minutes=120,
        )
        db.session.commit()
        ids = (community.id, activity.id, people, coordinator.id, admin.id, rate.id)
        db.session.remove()
    yield ids
    with app.app_context():
        db.session.execute(sa.delete(Community).where(Community.id == ids[0]))
        db.session.execute(sa.delete(PaymentRate).where(PaymentRate.id == ids[5]))
        db.session.execute(sa.delete(User).where(User.id.in_([*ids[2], ids[3], ids[4]])))
        db.session.commit()
        db.session.remove()
    app.extensions["chorus_db"]["sessionmaker"] = previous


def _record(app, community_id, activity_id, people, coordinator_id, start, errors):
    try:
        with app.test_request_context():
            community = db.session.get(Community, community_id)
            activity = db.session.get(InvolvementActivity, activity_id)
            coordinator = db.session.get(User, coordinator_id)
            start.wait(timeout=30)
            services.record_attendance(coordinator, activity, community, people)
            db.session.commit()
            db.session.remove()
    except Exception as error:  # reported by the test
        errors.append(error)


def test_the_same_people_recorded_at_once_get_one_place_and_one_payment(app, committed):
    community_id, activity_id, people, coordinator_id, _admin, _rate = committed
    errors, start = [], threading.Barrier(COORDINATORS)
    threads = [
        threading.Thread(
            target=_record,
            args=(app, community_id, activity_id, people, coordinator_id, start, errors),
        )
        for _ in range(COORDINATORS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        places = db.session.scalar(
            sa.select(sa.func.count()).where(Participation.activity_id == activity_id)
        )
        payments = db.session.scalars(
            sa.select(Payment.amount).where(Payment.activity_id == activity_id)
        ).all()
        db.session.remove()
    assert places == PEOPLE
    assert payments == [Decimal("40.00")] * PEOPLE
