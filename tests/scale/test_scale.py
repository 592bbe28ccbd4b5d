"""`flask demo scale`: a national-scale demo data set, shrunk here to a few hundred rows."""

import hashlib
import json
from collections import Counter

import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.communities.models import STATUSES as MEMBERSHIP_STATUSES
from portal.communities.models import Community, Membership
from portal.consultations.models import STATUSES, Contribution, Proposal
from portal.impact.models import DECISION_KINDS, EFFECTS, Decision, Influence
from portal.scale.generate import COORDINATOR_EMAIL, HEAVY_EMAIL, scaled
from tests.conftest import sign_in_as

FACTOR = "0.0005"


def scale(app, *extra):
    return app.test_cli_runner().invoke(args=["demo", "scale", "--factor", FACTOR, *extra])


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_scale_writes_the_numbers_asked_in_the_national_shape(app, tmp_path):
    manifest = tmp_path / "manifest.json"
    result = scale(app, "--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    expected = scaled(float(FACTOR))
    assert count(User) == expected["users"]
    assert count(Community) == expected["communities"]
    assert count(Proposal) == expected["proposals"]
    assert count(Contribution) == expected["contributions"]

    statuses = {p.status() for p in db.session.scalars(sa.select(Proposal))}
    assert statuses == set(STATUSES)
    assert {m.status for m in db.session.scalars(sa.select(Membership))} == set(MEMBERSHIP_STATUSES)
    assert set(db.session.scalars(sa.select(Decision.kind))) == set(DECISION_KINDS)
    links = db.session.execute(sa.select(Influence.effect, Influence.theme_id)).all()
    assert {effect for effect, _theme in links} == set(EFFECTS)
    assert any(theme for _effect, theme in links) and any(not theme for _e, theme in links)

    # Most views are in a few communities: the busiest holds more than a third of them.
    per_community = Counter(
        db.session.scalars(
            sa.select(Proposal.community_id).join(
                Contribution, Contribution.proposal_id == Proposal.id
            )
        )
    )
    assert per_community.most_common(1)[0][1] > expected["contributions"] / 3

    # The stored member counts match the memberships, as the services would keep them.
    busiest = db.session.scalar(sa.select(Community).order_by(Community.id).limit(1))
    assert busiest.lay_partner_count == db.session.scalar(
        sa.select(sa.func.count()).where(
            Membership.community_id == busiest.id,
            Membership.status == "active",
            Membership.role == "lay_partner",
        )
    )

    ids = json.loads(manifest.read_text())
    assert ids["busiest_community_slug"] == busiest.slug
    assert ids["heavy_lay_partner_email"] == HEAVY_EMAIL
    assert ids["heavy_lay_partner_contributions"] == db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Contribution)
        .join(User, User.id == Contribution.author_id)
        .where(User.email == HEAVY_EMAIL)
    )


def test_the_busiest_community_and_proposal_open_for_their_members(app, client, tmp_path):
    manifest = tmp_path / "manifest.json"
    assert scale(app, "--manifest", str(manifest)).exit_code == 0
    ids = json.loads(manifest.read_text())
    coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR_EMAIL))
    sign_in_as(client, coordinator)
    assert client.get(f"/communities/{ids['busiest_community_slug']}").status_code == 200
    page = client.get(f"/proposals/{ids['busiest_proposal_id']}")
    assert page.status_code == 200
    heavy = db.session.scalar(sa.select(User).where(User.email == HEAVY_EMAIL))
    sign_in_as(client, heavy)
    assert client.get("/my/impact").status_code == 200
    assert client.get(f"/proposals/{ids['busiest_proposal_id']}").status_code == 200


def test_a_second_run_writes_nothing(app):
    assert scale(app).exit_code == 0
    before = (count(User), count(Contribution), count(Influence))
    again = scale(app)
    assert again.exit_code == 0
    assert "already here" in again.output
    assert (count(User), count(Contribution), count(Influence)) == before


def test_refuses_a_database_with_real_accounts(app, make_user):
    make_user(email="someone@nhs.net")
    result = scale(app)
    assert result.exit_code != 0
    assert "not demo accounts" in result.output
    assert count(Community) == 0


def digest():
    """What the run wrote, without its times (which follow the clock)."""
    rows = [
        *db.session.execute(sa.select(User.id, User.email, User.pseudonym).order_by(User.id)),
        *db.session.execute(
            sa.select(Membership.user_id, Membership.community_id, Membership.status).order_by(
                Membership.id
            )
        ),
        *db.session.execute(
            sa.select(
                Contribution.id,
                Contribution.proposal_id,
                Contribution.author_id,
                Contribution.identity,
                Contribution.outcome,
            ).order_by(Contribution.id)
        ),
        *db.session.execute(
            sa.select(Influence.effect, Influence.contribution_id, Influence.theme_id).order_by(
                Influence.id
            )
        ),
    ]
    return hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()


def test_the_same_seed_writes_the_same_rows(app, _transaction):
    connection = _transaction
    first = connection.begin_nested()
    assert scale(app, "--seed", "7").exit_code == 0
    once = digest()
    db.session.remove()
    first.rollback()
    assert count(User) == 0
    assert scale(app, "--seed", "7").exit_code == 0
    assert digest() == once


def test_the_inbox_search_finds_the_scale_data_sets_words(app):
    """The bulk writer's answers reach the search index (FTS5 by triggers, GIN by COPY)."""
    from portal.consultations import review
    from portal.consultations.models import Answer
    from portal.scale.generate import PROFESSIONAL_EMAIL, SAID

    assert scale(app).exit_code == 0
    professional = db.session.scalar(sa.select(User).where(User.email == PROFESSIONAL_EMAIL))
    reviewed = review.reviewed_community_ids(professional)
    for word, text in (("bus", SAID[1]), ("gyrraedd", SAID[3]), ("الوصول", SAID[4])):
        expected = set(
            db.session.scalars(
                sa.select(Answer.contribution_id)
                .join(Contribution, Contribution.id == Answer.contribution_id)
                .where(Contribution.community_id.in_(reviewed), Answer.text == text)
            )
        )
        query = review.inbox_query(professional, search=word)
        assert expected and {row.id for row in db.session.execute(query)} == expected
