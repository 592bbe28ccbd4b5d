"""Impact tests: a closed proposal of community A with views given three ways."""

import pytest

from portal import db
from portal.consultations.review import theme_named
from tests import factories


@pytest.fixture(autouse=True)
def _request_context(app, _transaction):
    """Messages are translated and notifications carry links: both need a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def impact(world, make_user):
    """World A plus: two more lay partners; a proposal with a named, an anonymous and a
    pseudonymous contribution, now closed; a theme holding two of them; a decision; a change."""
    a, people = world["a"], world["people"]
    second = make_user(email="second@example.org", display_name="Sam Second", locale="cy")
    third = make_user(email="third@example.org", display_name="Tess Third", pseudonym="Wren")
    factories.make_membership(second, a)
    factories.make_membership(third, a)
    author = people["professional"]
    proposal = factories.make_proposal(a, author, title="Weekend phone line")
    named = factories.make_contribution(proposal, a, people["lay"], quote_consent=True)
    anonymous = factories.make_contribution(proposal, a, second, identity="anonymous")
    pseudonym = factories.make_contribution(proposal, a, third, identity="pseudonym")
    theme = theme_named(proposal, "Weekend calls")
    from portal.consultations import review

    review.add_theme(author, [named, anonymous], theme)
    decision = factories.make_decision(proposal, a, author)
    change = factories.make_change(a, author, decision_ids=[decision.id])
    db.session.flush()
    return {
        **world,
        "second": second,
        "third": third,
        "proposal": proposal,
        "named": named,
        "anonymous": anonymous,
        "pseudonym": pseudonym,
        "weekend_theme": theme,
        "decision": decision,
        "change": change,
    }
