from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from portal import dates, db
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
from portal.demo import involvement as involvement_demo
from portal.extensions import limiter
from portal.health import figures
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
from portal.involvement import equality, money, receipts, reminders
from portal.involvement import services as involvement
from portal.involvement.models import (
    ACTIVITY_KINDS,
    CLAIM_STATUSES,
    PAYMENT_STATUSES,
    PREFERENCES,
    EqualityAnswers,
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
    PaymentPreference,
    PaymentRate,
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


INVOLVEMENT_MODELS = (
    User,
    Membership,
    InvolvementActivity,
    Participation,
    PaymentRate,
    PaymentPreference,
    Payment,
    ExpenseClaim,
    EqualityAnswers,
    OutboxMessage,
)


def test_demo_involvement_is_loaded_once_however_often_the_demo_runs(client):
    load(echo=lambda line: None)
    first = _counts(INVOLVEMENT_MODELS)
    load(echo=lambda line: None)
    assert _counts(INVOLVEMENT_MODELS) == first
    assert first["InvolvementActivity"] >= 36 and first["Payment"] >= 100
    assert {email for email, _name in involvement_demo.DEMO_PEOPLE.values()} <= set(
        db.session.scalars(sa.select(User.email))
    )


@pytest.fixture(scope="class")
def loaded_demo(app, engine):
    """A connection holding the loaded demo in a transaction rolled back at the end."""
    connection = engine.connect()
    outer = connection.begin()
    app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with app.app_context():
        load(echo=lambda line: None)
        db.session.commit()
        db.session.remove()
    yield connection
    outer.rollback()
    connection.close()


class TestTheLoadedDemo:
    """Checks that only read the demo share one load of it (per backend and worker), as
    loading it takes over a second; each test still runs in its own savepoint, rolled back.
    The tests above load it themselves, as they check what loading it again does."""

    @pytest.fixture(autouse=True)
    def _transaction(self, app, loaded_demo):
        """Replace the root per-test transaction with a savepoint inside the loaded demo."""
        savepoint = loaded_demo.begin_nested()
        app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(
            bind=loaded_demo, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        limiter.reset()
        with app.app_context():
            yield loaded_demo
            db.session.remove()
        savepoint.rollback()

    def test_demo_briefings_are_published_translated_and_one_is_above_target(self, client):
        published = list(db.session.scalars(sa.select(Briefing).where(Briefing.version_number > 0)))
        english = [b for b in published if b.language == "en"]
        assert len(english) >= 4
        assert any(b.language == "cy" and b.original_id for b in published)
        versions = list(db.session.scalars(sa.select(BriefingVersion)))
        assert any(v.easy_read for v in versions)
        above = [v for v in versions if v.override_reason]
        assert len(above) == 1 and above[0].reading_age > above[0].target_reading_age
        assert all(v.reading_age <= 11 for v in versions if v.reading_age and not v.override_reason)

    def test_demo_decisions_link_views_with_every_effect_and_leave_some_to_do(self, client):
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

    def test_demo_lay_partner_has_views_that_shaped_a_change_and_views_not_adopted(
        self, client, app
    ):
        lay = db.session.scalar(sa.select(User).where(User.email == "lay@example.org"))
        outcomes = set(
            db.session.scalars(
                sa.select(Contribution.outcome).where(Contribution.author_id == lay.id)
            )
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

    def test_demo_service_changes_have_every_status_a_history_and_an_evaluation(self, client):
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
        assert parents[0].progress == impact.parent_progress(
            [(p.progress, p.weight) for p in parts]
        )
        assert 0 < parents[0].progress < 100
        evaluation = db.session.scalar(sa.select(Evaluation))
        assert evaluation.worked and evaluation.measured and evaluation.learned
        assert db.session.get(ServiceChange, evaluation.change_id).status == "evaluated"
        assert any(
            c.evaluation_due and c.evaluation_due < date.today() and c.status == "implemented"
            for c in changes
        )  # the reminder has something to remind about

    def test_demo_quotes_are_consented_views_that_shaped_public_changes(self, client):
        quoted = db.session.execute(
            sa.select(Quote, Contribution).join(
                Contribution, Contribution.id == Quote.contribution_id
            )
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

    def test_demo_timelines_and_this_years_impact_report(self, client):
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
        fields = (
            "aim",
            "methods",
            "results_positive",
            "results_negative",
            "discussion",
            "reflections",
        )
        assert all(getattr(report, name).strip() for name in fields)

    def test_demo_rates_are_examples_and_the_meeting_rate_changed_during_the_year(self, client):
        rates = list(db.session.scalars(sa.select(PaymentRate)))
        assert {r.kind for r in rates} == set(ACTIVITY_KINDS)
        assert all(r.note.startswith("Example rate") for r in rates)
        meeting = sorted((r for r in rates if r.kind == "meeting"), key=lambda r: r.effective_from)
        assert len(meeting) == 2 and meeting[0].amount < meeting[1].amount
        assert date.today() - timedelta(days=366) < meeting[1].effective_from < date.today()
        paid = db.session.execute(
            sa.select(Payment, InvolvementActivity).join(
                InvolvementActivity, InvolvementActivity.id == Payment.activity_id
            )
        ).all()
        for payment, activity in paid:
            rate = involvement.rate_on(activity.kind, activity.held_on)
            assert payment.rate_id == rate.id
            assert (payment.units, payment.amount) == money.amount_for(
                rate.amount, rate.unit, activity.minutes
            )
        assert {r.id for r in meeting} <= {payment.rate_id for payment, _a in paid}

    def test_demo_has_a_year_of_activities_by_members_across_communities(self, client):
        activities = list(db.session.scalars(sa.select(InvolvementActivity)))
        today = date.today()
        assert all(today - timedelta(days=366) < a.held_on < today for a in activities)
        by_month = Counter((a.held_on.year, a.held_on.month) for a in activities)
        assert len(activities) >= 36 and len(by_month) >= 12 and max(by_month.values()) <= 8
        assert len({a.community_id for a in activities}) >= 4
        assert {
            "meeting",
            "document_review",
            "interview_panel",
            "workshop",
            "training",
            "event",
        } <= {a.kind for a in activities}
        assert all(a.created_at.date() > a.held_on for a in activities)  # recorded afterwards
        came = db.session.execute(
            sa.select(
                InvolvementActivity.kind, Participation.activity_id, Participation.attended
            ).join(InvolvementActivity, InvolvementActivity.id == Participation.activity_id)
        ).all()
        meetings = Counter(activity for kind, activity, attended in came if kind == "meeting")
        assert max(meetings.values()) == 6
        assert {kind for kind, _a, attended in came if not attended} == {"training"}
        lay = db.session.scalar(sa.select(User).where(User.email == "lay@example.org"))
        took_part = db.session.scalar(
            sa.select(sa.func.count()).where(
                Participation.user_id == lay.id, Participation.attended.is_(True)
            )
        )
        assert took_part >= 10
        # Nobody took part before they joined, or after they left.
        rows = db.session.execute(
            sa.select(InvolvementActivity.held_on, Membership)
            .join(Participation, Participation.activity_id == InvolvementActivity.id)
            .join(
                Membership,
                sa.and_(
                    Membership.user_id == Participation.user_id,
                    Membership.community_id == InvolvementActivity.community_id,
                ),
            )
        ).all()
        assert rows and all(m.created_at.date() <= held_on for held_on, m in rows)
        left = [(held_on, m) for held_on, m in rows if m.status == "left"]
        assert left and all(held_on <= m.status_changed_at.date() for held_on, m in left)

    def test_demo_payments_are_in_every_state_and_follow_preferences(self, client, app):
        payments = list(db.session.scalars(sa.select(Payment)))
        assert {p.status for p in payments} == set(PAYMENT_STATUSES)
        assert all(p.paid_on and p.reference for p in payments if p.status == "paid")
        assert all(p.approved_at for p in payments if p.status in ("approved", "paid"))
        preferences = dict(
            db.session.execute(
                sa.select(PaymentPreference.user_id, PaymentPreference.preference)
            ).all()
        )
        assert set(preferences.values()) == set(PREFERENCES)
        for payment in payments:
            chosen = preferences.get(payment.user_id, "paid")
            assert chosen != "cannot_be_paid"
            assert payment.method == ("voucher" if chosen == "voucher" else "paid")
            if chosen == "decline":
                assert payment.status == "declined"
        assert any(
            p.status == "declined" and preferences.get(p.user_id) != "decline" for p in payments
        )
        told = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "payment_status")
        ).all()
        assert told and all(m.status == "sent" and m.created_at.date() < date.today() for m in told)
        with app.test_request_context():
            claims_waiting, payments_waiting = reminders.remind()
        assert claims_waiting >= 1 and payments_waiting >= 1  # the reminders have work to do

    def test_demo_expense_claims_are_decided_every_way_with_receipts(self, client):
        claims = list(db.session.scalars(sa.select(ExpenseClaim)))
        assert {c.status for c in claims} == set(CLAIM_STATUSES)
        assert {c.category for c in claims} >= {"travel", "carer_cover", "childcare"}
        part = [c for c in claims if c.approved_amount is not None and c.approved_amount < c.amount]
        assert part and all(c.reason for c in part)
        assert {c.status for c in part} == {"part_approved", "paid"}
        assert all(c.reason for c in claims if c.status == "rejected")
        assert all(c.paid_on and c.reference for c in claims if c.status == "paid")
        waiting = [c for c in claims if c.status == "submitted"]
        long_ago = reminders.working_days_before(date.today(), reminders.CLAIM_WAITING_DAYS)
        assert any(c.submitted_at.date() < long_ago for c in waiting)
        assert any(c.submitted_at.date() >= long_ago for c in waiting)
        with_receipts = [c for c in claims if c.receipt_file]
        assert len(with_receipts) >= 2
        for claim in with_receipts:
            data = receipts.path_of(claim.receipt_file).read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
            assert claim.receipt_type == "application/pdf" and claim.receipt_name.endswith(".pdf")

    def test_demo_equality_answers_show_real_groups_and_hide_small_ones(self, client):
        answers = list(db.session.scalars(sa.select(EqualityAnswers)))
        assert len(answers) >= 15
        assert any(a.gender == "prefer_not_to_say" for a in answers)
        chemo = db.session.scalar(sa.select(Community).where(Community.slug == "chemo-day-unit"))
        lay_partners = sa.select(Membership.user_id).where(
            Membership.community_id == chemo.id,
            Membership.role == "lay_partner",
            Membership.status == "active",
        )
        answered, groups = equality.make_up(lay_partners)
        assert answered >= 10
        counts = [count for rows in groups.values() for _answer, count in rows]
        assert any(count is not None and count >= 5 for count in counts)
        assert None in counts  # a small group is hidden

    def test_demo_ends_with_summaries_that_match_its_raw_rows(self, client):
        this_year = dates.twelve_whole_months_to(dates.today())
        for community_id in db.session.scalars(sa.select(Community.id)):
            assert figures.summarised(community_id, *this_year) == figures.monthly(
                community_id, *this_year
            )
