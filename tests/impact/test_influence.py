"""Influence links, each contribution's outcome, and telling its author."""

import itertools

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities import timeline
from portal.communities.services import NotAllowed, Refused
from portal.consultations import review
from portal.consultations.models import Contribution
from portal.impact import influence
from portal.impact.models import (
    EFFECTS,
    NOT_ADOPTED,
    Influence,
    InfluenceRevision,
    OutcomeNotice,
)
from portal.outbox import OutboxMessage


def outcome_of(contribution):
    return db.session.scalar(
        sa.select(Contribution.outcome).where(Contribution.id == contribution.id)
    )


def outcome_messages(user):
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.kind == "contribution_outcome"
        )
    ).all()


@pytest.mark.parametrize(
    "effects",
    [combo for size in range(len(EFFECTS) + 1) for combo in itertools.combinations(EFFECTS, size)],
)
def test_outcome_follows_from_every_combination_of_effects(effects):
    expected = (
        "awaiting" if not effects else "not_adopted" if set(effects) == {NOT_ADOPTED} else "shaped"
    )
    assert influence.derive(effects) == expected
    assert influence.derive(list(effects) * 2) == expected


def test_linking_a_theme_shapes_every_contribution_under_it(impact):
    influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    assert outcome_of(impact["named"]) == "shaped"
    assert outcome_of(impact["anonymous"]) == "shaped"
    assert outcome_of(impact["pseudonym"]) == "awaiting"


def test_not_adopted_needs_a_reason_and_stores_nothing_without_one(impact):
    with pytest.raises(Refused) as refused:
        influence.link(
            impact["people"]["professional"],
            impact["proposal"],
            target=f"decision:{impact['decision'].id}",
            effect="not_adopted",
            rationale="  ",
            contributions=[impact["pseudonym"]],
        )
    assert "why" in str(refused.value.message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Influence)) == 0
    assert outcome_of(impact["pseudonym"]) == "awaiting"


def test_not_adopted_everywhere_gives_not_adopted_and_any_other_effect_gives_shaped(impact):
    reviewer, proposal, _a = impact["people"]["professional"], impact["proposal"], impact["a"]
    influence.link(
        reviewer,
        proposal,
        target=f"decision:{impact['decision'].id}",
        effect="not_adopted",
        rationale="We cannot staff Sundays.",
        contributions=[impact["pseudonym"]],
    )
    assert outcome_of(impact["pseudonym"]) == "not_adopted"
    influence.link(
        reviewer,
        proposal,
        target=f"change:{impact['change'].id}",
        effect="informed",
        rationale="",
        contributions=[impact["pseudonym"]],
    )
    assert outcome_of(impact["pseudonym"]) == "shaped"


def test_only_reviewers_of_the_community_may_link(impact):
    with pytest.raises(NotAllowed):
        influence.link(
            impact["people"]["lay"],
            impact["proposal"],
            target=f"change:{impact['change'].id}",
            effect="adopted",
            rationale="",
            contributions=[impact["named"]],
        )
    with pytest.raises(Refused):  # a change of another community is not a choice
        influence.link(
            impact["people"]["professional"],
            impact["proposal"],
            target="change:999999",
            effect="adopted",
            rationale="",
            contributions=[impact["named"]],
        )


def test_each_author_is_told_once_per_new_outcome_in_their_language(impact):
    reviewer, proposal, _a = impact["people"]["professional"], impact["proposal"], impact["a"]
    target = f"change:{impact['change'].id}"
    influence.link(
        reviewer,
        proposal,
        target=target,
        effect="adopted",
        rationale="Agreed.",
        theme=impact["weekend_theme"],
    )
    # Linking again, or changing the rationale, is no new outcome: nobody is told twice.
    influence.link(
        reviewer,
        proposal,
        target=target,
        effect="adapted",
        rationale="Changed.",
        theme=impact["weekend_theme"],
    )
    lay_messages = outcome_messages(impact["people"]["lay"])
    assert len(lay_messages) == 1
    assert impact["change"].title in lay_messages[0].body
    welsh = outcome_messages(impact["second"])  # the anonymous author, whose language is Welsh
    assert len(welsh) == 1
    assert welsh[0].to_email == "second@example.org"
    assert "Hello" not in welsh[0].body  # written in Welsh, not English
    assert outcome_messages(impact["third"]) == []


def test_a_reason_for_not_adopting_reaches_the_author(impact):
    influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"decision:{impact['decision'].id}",
        effect="not_adopted",
        rationale="Sunday opening would close the Monday clinic.",
        contributions=[impact["pseudonym"]],
    )
    [message] = outcome_messages(impact["third"])
    assert "Sunday opening would close the Monday clinic." in message.body
    assert db.session.get(OutcomeNotice, (impact["pseudonym"].id, "not_adopted")) is not None


def test_editing_and_removing_a_link_keep_its_history_and_update_the_outcome(impact):
    reviewer, a = impact["people"]["professional"], impact["a"]
    [made] = influence.link(
        reviewer,
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        contributions=[impact["named"]],
    )
    influence.update(reviewer, made, a, effect="not_adopted", rationale="Too costly.")
    assert outcome_of(impact["named"]) == "not_adopted"
    influence.remove(reviewer, made, a)
    assert outcome_of(impact["named"]) == "awaiting"
    actions = db.session.scalars(
        sa.select(InfluenceRevision.action)
        .where(InfluenceRevision.influence_id == made.id)
        .order_by(InfluenceRevision.id)
    ).all()
    assert actions == ["created", "changed", "removed"]
    assert db.session.get(Influence, made.id).removed_at is not None


def test_a_contribution_given_a_linked_theme_later_gets_its_outcome(impact):
    reviewer = impact["people"]["professional"]
    influence.link(
        reviewer,
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    review.add_theme(reviewer, [impact["pseudonym"]], impact["weekend_theme"])
    assert outcome_of(impact["pseudonym"]) == "shaped"
    review.set_themes(reviewer, impact["pseudonym"], [])
    assert outcome_of(impact["pseudonym"]) == "awaiting"


def test_merging_a_linked_theme_keeps_its_links(impact):
    reviewer = impact["people"]["professional"]
    influence.link(
        reviewer,
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    other = review.theme_named(impact["proposal"], "Phones")
    review.merge_themes(reviewer, impact["proposal"], impact["weekend_theme"], other)
    assert outcome_of(impact["named"]) == "shaped"
    assert db.session.scalar(sa.select(Influence.theme_id)) == other.id


def test_recording_a_decision_marks_the_proposal_decided_and_the_timeline(impact):
    assert impact["proposal"].status() == "decided"
    kinds = set(
        db.session.scalars(
            sa.select(timeline.TimelineEvent.kind).where(
                timeline.TimelineEvent.community_id == impact["a"].id
            )
        )
    )
    assert {"founded", "proposal_decided", "briefing_published"} <= kinds
