import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.briefings.models import Briefing, BriefingVersion
from portal.communities.models import Community, Invitation, Membership
from portal.consultations.models import (
    Answer,
    Contribution,
    ContributionDraft,
    Proposal,
    Question,
)
from portal.demo import DEMO_PASSWORD, load


def test_demo_loader_is_idempotent_and_accounts_sign_in(client):
    lines = []
    load(echo=lines.append)
    load(echo=lines.append)
    emails = set(db.session.scalars(sa.select(User.email)))
    assert {
        "admin@example.org",
        "coordinator@example.org",
        "lay@example.org",
        "professional@example.org",
    } <= emails
    counts = {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Community, Membership, Invitation)
    }
    load(echo=lines.append)
    assert counts == {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Community, Membership, Invitation)
    }
    assert counts["Community"] >= 5
    visibilities = set(db.session.scalars(sa.select(Community.visibility)))
    assert visibilities == {"open", "request", "invite"}
    statuses = set(db.session.scalars(sa.select(Membership.status)))
    assert {"active", "pending", "declined", "left", "removed"} <= statuses
    roles = set(db.session.scalars(sa.select(Membership.role)))
    assert roles == {"lay_partner", "professional", "coordinator"}
    assert any("created  admin@example.org" in line for line in lines)
    assert any("present  admin@example.org" in line for line in lines)
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
    assert admin.is_site_admin and admin.is_verified
    assert verify_password(admin.password_hash, DEMO_PASSWORD)


def test_demo_briefings_are_published_translated_and_one_is_above_target(client):
    load(echo=lambda line: None)
    published = list(db.session.scalars(sa.select(Briefing).where(Briefing.version_number > 0)))
    english = [b for b in published if b.language == "en"]
    assert len(english) >= 4
    assert any(b.language == "cy" and b.original_id for b in published)
    versions = list(db.session.scalars(sa.select(BriefingVersion)))
    assert any(v.easy_read for v in versions)
    above = [v for v in versions if v.override_reason]
    assert len(above) == 1 and above[0].reading_age > above[0].target_reading_age
    assert all(v.reading_age <= 11 for v in versions if v.reading_age and not v.override_reason)


def test_demo_consultations_cover_every_status_and_identity(client):
    models = (Proposal, Question, Contribution, Answer, ContributionDraft)

    def counts():
        return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models]

    load(echo=lambda line: None)
    first = counts()
    load(echo=lambda line: None)
    assert counts() == first
    proposals = list(db.session.scalars(sa.select(Proposal)))
    assert {p.status() for p in proposals} == {"draft", "upcoming", "open", "closed"}
    given = list(db.session.scalars(sa.select(Contribution)))
    assert {c.identity for c in given} == {"named", "pseudonym", "anonymous"}
    assert any(c.is_withdrawn for c in given)
    assert first[-1] >= 1  # a saved draft
