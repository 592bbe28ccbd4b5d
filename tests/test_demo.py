from datetime import date, timedelta

import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.briefings.models import Briefing, BriefingVersion
from portal.communities.models import Community, Invitation, Membership
from portal.communities.timeline import ADDED_KINDS, TimelineEvent
from portal.consultations.models import (
    Answer,
    Contribution,
    ContributionDraft,
    ContributionTheme,
    Proposal,
    Question,
    Quote,
    Theme,
)
from portal.demo import DEMO_PASSWORD, load
from portal.impact import influence
from portal.impact import services as impact
from portal.impact.models import (
    CHANGE_STATUSES,
    EFFECTS,
    ChangeStatusEntry,
    Decision,
    Evaluation,
    ImpactReport,
    Influence,
    InfluenceRevision,
    Milestone,
    OutcomeNotice,
    ServiceChange,
)
from portal.outbox import OutboxMessage


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
    assert {p.status() for p in proposals} == {"draft", "upcoming", "open", "closed", "decided"}
    given = list(db.session.scalars(sa.select(Contribution)))
    assert {c.identity for c in given} == {"named", "pseudonym", "anonymous"}
    assert any(c.is_withdrawn for c in given)
    assert first[-1] >= 1  # a saved draft


IMPACT_MODELS = (
    Decision,
    ServiceChange,
    ChangeStatusEntry,
    Milestone,
    Evaluation,
    Influence,
    InfluenceRevision,
    OutcomeNotice,
    Quote,
    TimelineEvent,
    ImpactReport,
    OutboxMessage,
    Proposal,
    Contribution,
    Theme,
    ContributionTheme,
)


def _counts(models):
    return {
        m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models
    }


def test_demo_impact_is_loaded_once_however_often_the_demo_runs(client):
    load(echo=lambda line: None)
    first = _counts(IMPACT_MODELS)
    load(echo=lambda line: None)
    assert _counts(IMPACT_MODELS) == first
    assert first["Decision"] >= 2 and first["ServiceChange"] >= 5


def test_demo_decisions_link_views_with_every_effect_and_leave_some_to_do(client):
    load(echo=lambda line: None)
    decided = [p for p in db.session.scalars(sa.select(Proposal)) if p.status() == "decided"]
    assert len(decided) >= 2
    decisions = list(db.session.scalars(sa.select(Decision)))
    assert all(d.decided_on < date.today() - timedelta(days=30) for d in decisions)
    links = list(db.session.scalars(sa.select(Influence)))
    assert {link.effect for link in links} == set(EFFECTS)
    assert any(link.theme_id for link in links) and any(link.contribution_id for link in links)
    assert all(link.rationale.strip() for link in links if link.effect == "not_adopted")
    left_to_do = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Contribution)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(
            Proposal.decided_at.is_not(None),
            Contribution.outcome == "awaiting",
            Contribution.withdrawn_at.is_(None),
        )
    )
    assert left_to_do >= 1  # "outcome missing" has something to show


def test_demo_lay_partner_has_views_that_shaped_a_change_and_views_not_adopted(client, app):
    load(echo=lambda line: None)
    lay = db.session.scalar(sa.select(User).where(User.email == "lay@example.org"))
    outcomes = set(
        db.session.scalars(sa.select(Contribution.outcome).where(Contribution.author_id == lay.id))
    )
    assert {"shaped", "not_adopted"} <= outcomes
    told = list(
        db.session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.user_id == lay.id, OutboxMessage.kind == "contribution_outcome"
            )
        )
    )
    assert len(told) == 2
    assert all(m.link.startswith(f"{app.config['PUBLIC_URL']}/") for m in told)  # no request


def test_demo_service_changes_have_every_status_a_history_and_an_evaluation(client):
    load(echo=lambda line: None)
    changes = list(db.session.scalars(sa.select(ServiceChange)))
    assert {c.status for c in changes} == set(CHANGE_STATUSES)
    assert [c.visibility for c in changes].count("members") == 1
    entries = list(db.session.scalars(sa.select(ChangeStatusEntry)))
    assert {e.change_id for e in entries} == {c.id for c in changes}
    assert all(e.note for e in entries)
    assert min(e.occurred_on for e in entries) < date.today() - timedelta(days=180)
    assert {m.change_id for m in db.session.scalars(sa.select(Milestone))} == {
        c.id for c in changes
    }
    parents = [c for c in changes if any(child.parent_id == c.id for child in changes)]
    assert len(parents) == 1
    parts = [c for c in changes if c.parent_id == parents[0].id]
    assert 2 <= len(parts) <= 3 and all(part.weight for part in parts)
    assert parents[0].progress == impact.parent_progress([(p.progress, p.weight) for p in parts])
    assert 0 < parents[0].progress < 100
    evaluation = db.session.scalar(sa.select(Evaluation))
    assert evaluation.worked and evaluation.measured and evaluation.learned
    assert db.session.get(ServiceChange, evaluation.change_id).status == "evaluated"
    assert any(
        c.evaluation_due and c.evaluation_due < date.today() and c.status == "implemented"
        for c in changes
    )  # the reminder has something to remind about


def test_demo_quotes_are_consented_views_that_shaped_public_changes(client):
    load(echo=lambda line: None)
    quoted = db.session.execute(
        sa.select(Quote, Contribution).join(Contribution, Contribution.id == Quote.contribution_id)
    ).all()
    assert len(quoted) >= 3
    assert all(c.quote_consent and not c.hidden_at and not c.withdrawn_at for _q, c in quoted)
    public_changes = set(
        db.session.scalars(
            sa.select(ServiceChange.title).where(ServiceChange.visibility == "public")
        )
    )
    reached = influence.links_of([c.id for _q, c in quoted])
    shaped_public = [
        c for _q, c in quoted if any(row.title in public_changes for row in reached[c.id])
    ]
    assert len(shaped_public) >= 2
    texts = {
        c.id: " ".join(
            db.session.scalars(sa.select(Answer.text).where(Answer.contribution_id == c.id))
        )
        for _q, c in quoted
    }
    redacted = [q for q, c in quoted if "Peter" in texts[c.id]]
    assert redacted and "Peter" not in redacted[0].text  # the name is taken out of the quote


def test_demo_timelines_and_this_years_impact_report(client):
    load(echo=lambda line: None)
    added = list(
        db.session.scalars(sa.select(TimelineEvent).where(TimelineEvent.kind.in_(ADDED_KINDS)))
    )
    assert {"meeting", "award", "presentation"} <= {e.kind for e in added}
    assert [e.public for e in added].count(False) == 1
    assert all(e.created_by_id for e in added)
    oldest = min(e.occurred_at for e in added).date()
    assert date.today() - timedelta(days=366) < oldest < date.today() - timedelta(days=180)
    chemo = db.session.scalar(sa.select(Community).where(Community.slug == "chemo-day-unit"))
    year = date.today().year
    report = db.session.scalar(
        sa.select(ImpactReport).where(
            ImpactReport.community_id == chemo.id,
            ImpactReport.period_start == date(year, 1, 1),
            ImpactReport.period_end == date(year, 12, 31),
        )
    )
    fields = ("aim", "methods", "results_positive", "results_negative", "discussion", "reflections")
    assert all(getattr(report, name).strip() for name in fields)
