"""Decisions and service changes: rules, history, parent progress, evaluation and reminders."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities import timeline
from portal.communities.services import NotAllowed, Refused
from portal.impact import services
from portal.impact.models import ChangeStatusEntry, ServiceChange
from portal.outbox import OutboxMessage
from tests import factories


def events(community, kind):
    return db.session.scalars(
        sa.select(timeline.TimelineEvent).where(
            timeline.TimelineEvent.community_id == community.id,
            timeline.TimelineEvent.kind == kind,
        )
    ).all()


def test_a_decision_waits_for_the_proposal_to_close(world):
    proposal = world["proposals"]["open"]
    with pytest.raises(Refused, match="closed"):
        services.record_decision(
            world["people"]["professional"],
            proposal,
            summary="Yes",
            reasons="Because",
            decided_by="Board",
            decided_on=date.today(),
        )
    assert proposal.decided_at is None


def test_a_decision_needs_what_why_who_and_a_past_date(world):
    proposal = factories.close(world["proposals"]["open"])
    fields = {
        "summary": "Yes",
        "reasons": "Because",
        "decided_by": "Board",
        "decided_on": date.today(),
    }
    for name, value, message in [
        ("summary", " ", "what was decided"),
        ("reasons", "", "why"),
        ("decided_by", "", "who decided"),
        ("decided_on", None, "date"),
        ("decided_on", date.today() + timedelta(days=1), "past"),
    ]:
        with pytest.raises(Refused, match=message):
            services.record_decision(
                world["people"]["professional"], proposal, **{**fields, name: value}
            )
    assert proposal.decided_at is None
    with pytest.raises(NotAllowed):
        services.record_decision(world["people"]["lay"], proposal, **fields)


def test_changing_a_decision_keeps_one_decision_per_proposal(world):
    proposal = world["proposals"]["open"]
    professional = world["people"]["professional"]
    first = factories.make_decision(proposal, world["a"], professional)
    again = factories.make_decision(proposal, world["a"], professional, summary="Mondays only.")
    assert first.id == again.id and again.summary == "Mondays only."
    assert len(events(world["a"], timeline.PROPOSAL_DECIDED)) == 1


def test_a_parent_shows_the_mean_of_its_parts_or_their_weighted_share(world):
    a, professional = world["a"], world["people"]["professional"]
    parent = factories.make_change(a, professional, title="Evening services")
    one = factories.make_change(a, professional, title="Clinic", parent_id=parent.id)
    two = factories.make_change(a, professional, title="Pharmacy", parent_id=parent.id)
    services.move_change(professional, one, status="in_progress", note="Started", progress=80)
    services.move_change(professional, two, status="in_progress", note="Started", progress=20)
    assert parent.progress == 50
    services.update_change(
        professional,
        one,
        title="Clinic",
        description="d",
        service_area="s",
        parent_id=parent.id,
        weight=3,
    )
    assert parent.progress == round((80 * 3 + 20 * 1) / 4)
    # A parent's own progress cannot be set by hand: it follows its parts.
    services.move_change(professional, parent, status="in_progress", note="Going", progress=5)
    assert parent.progress == 65


def test_parent_progress_rule():
    assert services.parent_progress([]) == 0
    assert services.parent_progress([(100, None), (0, None), (50, None)]) == 50
    assert services.parent_progress([(100, 1), (0, 3)]) == 25
    assert services.parent_progress([(100, 2), (40, None)]) == 80


def test_a_change_cannot_be_its_own_part(world):
    a, professional = world["a"], world["people"]["professional"]
    parent = factories.make_change(a, professional, title="Parent")
    child = factories.make_change(a, professional, title="Child", parent_id=parent.id)
    with pytest.raises(Refused, match="part of itself"):
        services.update_change(
            professional,
            parent,
            title="Parent",
            description="d",
            service_area="s",
            parent_id=child.id,
        )


def test_moving_a_change_on_keeps_a_dated_history_and_marks_the_timeline(world):
    a, professional = world["a"], world["people"]["professional"]
    change = factories.make_change(a, professional, visibility="members")
    services.move_change(
        professional,
        change,
        status="in_progress",
        note="Staff hired",
        progress=40,
        occurred_on=date.today() - timedelta(days=3),
    )
    services.move_change(
        professional, change, status="in_progress", note="Rota agreed", progress=60
    )
    services.move_change(professional, change, status="implemented", note="Open now")
    entries = db.session.scalars(
        sa.select(ChangeStatusEntry)
        .where(ChangeStatusEntry.change_id == change.id)
        .order_by(ChangeStatusEntry.id)
    ).all()
    assert [(e.status, e.progress, e.note) for e in entries] == [
        ("planned", 0, ""),
        ("in_progress", 40, "Staff hired"),
        ("in_progress", 60, "Rota agreed"),
        ("implemented", 100, "Open now"),
    ]
    moves = events(a, timeline.CHANGE_STATUS)
    assert sorted(e.detail for e in moves) == ["implemented", "in_progress"]
    assert not any(e.public for e in moves)  # a members-only change stays members-only
    with pytest.raises(Refused, match="note"):
        services.move_change(professional, change, status="stopped", note="")
    with pytest.raises(Refused, match="0 to 100"):
        services.move_change(professional, change, status="in_progress", note="x", progress=120)


def test_recording_an_evaluation_moves_an_implemented_change_to_evaluated(world):
    a, professional = world["a"], world["people"]["professional"]
    change = factories.make_change(a, professional)
    services.move_change(professional, change, status="implemented", note="Done")
    services.record_evaluation(
        professional,
        change,
        worked="partly",
        measured="Evening visits per week",
        learned="Thursdays are busy",
    )
    assert change.status == "evaluated"
    assert services.evaluation_of(change).worked == "partly"
    assert len(events(a, timeline.EVALUATION_RECORDED)) == 1


def test_coordinators_are_reminded_once_when_an_evaluation_falls_due(app, world):
    a, professional = world["a"], world["people"]["professional"]
    change = factories.make_change(a, professional, evaluation_due=date.today() - timedelta(days=1))
    later = factories.make_change(
        a, professional, title="Later", evaluation_due=date.today() + timedelta(days=30)
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    reminders = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "evaluation_due")
    ).all()
    assert [m.to_email for m in reminders] == ["coord@example.org"]
    assert reminders[0].link.endswith(f"/changes/{change.id}/evaluation")
    assert change.title in reminders[0].body
    assert db.session.get(ServiceChange, later.id).evaluation_reminded_at is None


def test_timeline_marks_briefings_proposals_and_membership_milestones(world, make_user):
    a = world["a"]
    published = events(a, timeline.BRIEFING_PUBLISHED)
    assert {e.title for e in published} == {"Evening clinic", "Staff rota"}
    assert {e.title: e.public for e in published} == {"Evening clinic": True, "Staff rota": False}
    assert [e.title for e in events(a, timeline.PROPOSAL_OPENED)] == []  # made by factory
    draft = factories.make_proposal(
        a, world["people"]["professional"], status="draft", title="Bus times"
    )
    draft.closes_at = factories.utcnow() + timedelta(days=5)
    from portal.consultations import services as consultations

    consultations.publish(world["people"]["professional"], draft)
    assert [e.title for e in events(a, timeline.PROPOSAL_OPENED)] == ["Bus times"]
    active = db.session.scalar(
        sa.select(a.__class__.lay_partner_count).where(a.__class__.id == a.id)
    )
    assert active is not None
    while len(events(a, timeline.MEMBERS_MILESTONE)) == 0:
        factories.make_membership(make_user(), a)
    [milestone] = events(a, timeline.MEMBERS_MILESTONE)
    assert milestone.title == "10"
