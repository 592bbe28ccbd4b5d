"""Involvement tests: community A's coordinator records activities; lay partners take part."""

from datetime import date
from decimal import Decimal

import pytest

from portal.involvement import services
from tests import factories


@pytest.fixture(autouse=True)
def _request_context(app, _transaction):
    """Messages are translated and notifications carry links: both need a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def rates(world):
    """Example rates: meetings £25 an hour from 2025, £30 from 1 April 2026; training per day."""
    admin = world["people"]["admin"]
    return {
        "old": services.add_rate(
            admin,
            kind="meeting",
            unit="hour",
            amount=Decimal("25"),
            effective_from=date(2025, 1, 1),
        ),
        "new": services.add_rate(
            admin,
            kind="meeting",
            unit="hour",
            amount=Decimal("30"),
            effective_from=date(2026, 4, 1),
        ),
        "training": services.add_rate(
            admin,
            kind="training",
            unit="day",
            amount=Decimal("150"),
            effective_from=date(2025, 1, 1),
        ),
    }


@pytest.fixture
def meeting(world, rates, make_user):
    """A 90-minute meeting of A on 1 May 2026 with the world's lay partner and five others."""
    a = world["a"]
    others = [make_user(display_name=f"Partner {n}") for n in range(5)]
    for person in others:
        factories.make_membership(person, a)
    activity = services.create_activity(
        world["people"]["coordinator"],
        a,
        kind="meeting",
        title="Patient panel",
        held_on=date(2026, 5, 1),
        minutes=90,
    )
    return {"activity": activity, "others": others}
