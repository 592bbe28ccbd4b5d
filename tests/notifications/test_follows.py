"""Following a proposal or a service change, and being told when it moves."""

from datetime import timedelta

import sqlalchemy as sa

from portal import db, signals
from portal.notifications.models import Follow, NotificationSettings
from portal.notifications.services import unread_count
from portal.outbox import DIGEST, PENDING, OutboxMessage
from tests import factories
from tests.conftest import post_form, sign_in_as


def _told(user, kind):
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.user_id == user.id, OutboxMessage.kind == kind
            )
        )
    )


def _setting(app, make_user):
    community = factories.make_community(name="Alpha clinic", slug="alpha")
    author, follower, other = make_user(), make_user(display_name="Fola"), make_user()
    factories.make_membership(author, community, "professional")
    factories.make_membership(follower, community)
    factories.make_membership(other, community)
    with app.test_request_context():
        proposal = factories.make_proposal(community, author)
        change = factories.make_change(community, author)
    return community, author, follower, other, proposal, change


def test_follow_and_stop_following_a_proposal_from_its_page(client, app, make_user):
    _community, _author, follower, _other, proposal, _change = _setting(app, make_user)
    sign_in_as(client, follower)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'action="/proposals/{proposal.id}/follow"' in html and ">Follow<" in html
    response = post_form(client, f"/proposals/{proposal.id}/follow", {"action": "follow"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    post_form(client, f"/proposals/{proposal.id}/follow", {"action": "follow"})  # twice: one
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 1
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Stop following" in html and "You follow this proposal" in html
    post_form(client, f"/proposals/{proposal.id}/follow", {"action": "stop"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 0


def test_follow_a_change_from_its_page(client, app, make_user):
    _community, _author, follower, _other, _proposal, change = _setting(app, make_user)
    sign_in_as(client, follower)
    assert ">Follow<" in client.get(f"/changes/{change.id}").get_data(as_text=True)
    post_form(client, f"/changes/{change.id}/follow", {"action": "follow"})
    html = client.get(f"/changes/{change.id}").get_data(as_text=True)
    assert "Stop following" in html


def test_signed_out_visitors_see_no_follow_button(client, app, make_user):
    _community, _author, _follower, _other, _proposal, change = _setting(app, make_user)
    assert "/follow" not in client.get(f"/changes/{change.id}").get_data(as_text=True)


def test_followers_are_told_once_and_not_the_mover(app, make_user):
    _community, author, follower, other, proposal, _change = _setting(app, make_user)
    db.session.add_all(
        [
            Follow(user_id=follower.id, proposal_id=proposal.id),
            Follow(user_id=author.id, proposal_id=proposal.id),
        ]
    )
    db.session.flush()
    with app.test_request_context():
        signals.proposal_moved.send(proposal, what="decision", by=author)
        signals.proposal_moved.send(proposal, what="decision", by=author)  # the same move
    [message] = _told(follower, "followed_proposal_moved")
    assert message.subject == f"A decision on a proposal you follow: {proposal.title}"
    assert message.link.endswith(f"/proposals/{proposal.id}")
    assert message.status == PENDING and unread_count(follower) == 1
    assert _told(author, "followed_proposal_moved") == []  # they made the move
    assert _told(other, "followed_proposal_moved") == []  # not a follower


def test_a_new_closing_date_is_news_each_time(app, make_user):
    _community, author, follower, _other, proposal, _change = _setting(app, make_user)
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    db.session.flush()
    with app.test_request_context():
        signals.proposal_moved.send(proposal, what="extended", by=author)
        db.session.commit()  # each move is its own request
        proposal.closes_at += timedelta(days=7)
        signals.proposal_moved.send(proposal, what="extended", by=author)
    assert len(_told(follower, "followed_proposal_moved")) == 2


def test_change_followers_are_told_by_their_chosen_delivery(app, make_user):
    _community, author, follower, _other, _proposal, change = _setting(app, make_user)
    db.session.add(Follow(user_id=follower.id, change_id=change.id))
    db.session.add(NotificationSettings(user_id=follower.id, following="weekly"))
    db.session.flush()
    with app.test_request_context():
        change.status = "implemented"
        signals.change_moved.send(change, what="status", by=author)
        db.session.commit()
        signals.change_moved.send(change, what="evaluation", by=None)
    status, evaluation = _told(follower, "followed_change_moved")
    assert "A change you follow has moved on" in status.subject and "Done" in status.body
    assert "has been evaluated" in evaluation.subject
    assert status.status == DIGEST and status.digest == "weekly"


def test_a_follower_told_as_a_contributor_is_not_told_again(app, make_user):
    from portal.consultations import window

    community, author, follower, _other, proposal, _change = _setting(app, make_user)
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    with app.test_request_context():
        factories.make_contribution(proposal, community, follower)
        window.extend(
            author,
            proposal,
            closes_at=proposal.closes_at + timedelta(days=7),
            reason="More time for carers",
        )
    assert len(_told(follower, "proposal_extended")) == 1
    assert _told(follower, "followed_proposal_moved") == []


def test_following_through_the_real_early_close(app, make_user):
    from portal.consultations import window

    community, author, follower, _other, proposal, _change = _setting(app, make_user)
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    with app.test_request_context():
        window.close_early(author, proposal, reason="Enough views")
    [message] = _told(follower, "followed_proposal_moved")
    assert "closed early" in message.subject


def test_followers_hear_from_the_worker_when_a_consultation_closes_by_time(app, make_user):
    from portal.db import utcnow

    _community, _author, follower, _other, proposal, _change = _setting(app, make_user)
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    proposal.closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["consultations", "close-due"])
    assert result.exit_code == 0, result.output
    [message] = _told(follower, "followed_proposal_moved")
    assert message.subject == f"A proposal you follow has closed: {proposal.title}"
    assert message.link == f"http://127.0.0.1:5000/proposals/{proposal.id}"
    assert app.test_cli_runner().invoke(args=["consultations", "close-due"]).exit_code == 0
    assert len(_told(follower, "followed_proposal_moved")) == 1


def test_a_follower_who_left_is_not_told_about_a_members_only_change(app, make_user):
    from portal.communities.models import Membership

    _community, author, follower, _other, _proposal, change = _setting(app, make_user)
    change.visibility = "members"
    db.session.add(Follow(user_id=follower.id, change_id=change.id))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == follower.id))
    membership.status = "left"
    db.session.flush()
    with app.test_request_context():
        signals.change_moved.send(change, what="evaluation", by=author)
    assert _told(follower, "followed_change_moved") == []


def test_telling_many_followers_looks_up_their_choices_in_one_query(app, make_user, count_queries):
    community, author, _follower, _other, proposal, _change = _setting(app, make_user)
    for _ in range(8):
        person = make_user()
        factories.make_membership(person, community)
        db.session.add(Follow(user_id=person.id, proposal_id=proposal.id))
    db.session.flush()
    with app.test_request_context(), count_queries() as queries:
        signals.proposal_moved.send(proposal, what="decision", by=author)
    lookups = [q for q in queries if "FROM notification_settings" in q]
    assert len(lookups) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.kind == "followed_proposal_moved")
        )
        == 8
    )


def test_through_the_real_decision_contributors_hear_once_and_other_followers_too(app, make_user):
    community, author, follower, other, proposal, _change = _setting(app, make_user)
    db.session.add_all(
        [
            Follow(user_id=follower.id, proposal_id=proposal.id),
            Follow(user_id=other.id, proposal_id=proposal.id),
            Follow(user_id=author.id, proposal_id=proposal.id),
        ]
    )
    with app.test_request_context():
        factories.make_contribution(proposal, community, follower)
        factories.make_decision(proposal, community, author)
    assert len(_told(follower, "decision_recorded")) == 1  # as a contributor, once
    assert _told(follower, "followed_proposal_moved") == []
    [news] = _told(other, "followed_proposal_moved")
    assert news.subject == f"A decision on a proposal you follow: {proposal.title}"
    assert _told(author, "followed_proposal_moved") == []  # they recorded it


def test_through_the_real_change_services_followers_hear_of_status_and_evaluation(app, make_user):
    from portal.impact import services as impact

    community, author, follower, _other, _proposal, change = _setting(app, make_user)
    db.session.add(Follow(user_id=follower.id, change_id=change.id))
    with app.test_request_context():
        impact.move_change(author, change, status="implemented", note="Open now")
        db.session.commit()  # the next step is another request
        impact.record_evaluation(author, change, worked="yes", measured="Waits", learned="It helps")
    moved, evaluated = _told(follower, "followed_change_moved")
    assert "has moved on" in moved.subject and "Done" in moved.body
    assert "has been evaluated" in evaluated.subject  # once, though it also moved to evaluated
