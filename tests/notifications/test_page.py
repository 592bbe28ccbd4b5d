"""The notifications page: short items, read and unread, opened through a POST."""

import sqlalchemy as sa

from portal import db
from portal.outbox import OutboxMessage, queue
from tests.conftest import post_form, sign_in_as


def _hidden(user, title="Clinic hours", link="https://chorus.example/proposals/7"):
    return queue(
        user, "contribution_hidden", proposal={"title": title}, reason="Names a nurse", link=link
    )


def test_page_lists_short_items_with_when_and_a_link_not_the_email_text(client, app, make_user):
    me = make_user(display_name="Me")
    with app.test_request_context():
        _hidden(me)
    sign_in_as(client, me)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Your views on “Clinic hours” are hidden" in html
    assert "<time datetime=" in html
    assert "Names a nurse" not in html and "Hello Me," not in html
    assert "Unread" in html  # said in words, not by colour alone
    assert "You have 1 unread notification." in html


def test_opening_an_item_marks_it_read_and_goes_to_its_page(client, app, make_user):
    me = make_user()
    with app.test_request_context():
        message = _hidden(me, link="https://chorus.example/proposals/7?x=1#views")
    sign_in_as(client, me)
    client.get("/notifications")
    response = post_form(client, f"/notifications/{message.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == "/proposals/7?x=1#views"  # always this site
    db.session.refresh(message)
    assert message.read_at is not None
    html = client.get("/notifications").get_data(as_text=True)
    assert "Unread" not in html and "Mark all as read" not in html


def test_marking_one_and_all_as_read(client, app, make_user):
    me = make_user()
    with app.test_request_context():
        first, second, _third = _hidden(me, "One"), _hidden(me, "Two"), _hidden(me, "Three")
    sign_in_as(client, me)
    client.get("/notifications")
    response = post_form(client, f"/notifications/{first.id}/read")
    assert response.status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.read_at is not None and second.read_at is None
    assert "You have 2 unread notifications." in client.get("/notifications").get_data(as_text=True)
    post_form(client, "/notifications/read-all", follow_redirects=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                OutboxMessage.user_id == me.id, OutboxMessage.read_at.is_(None)
            )
        )
        == 0
    )


def test_a_person_can_only_mark_their_own_notifications(client, app, make_user):
    me, other = make_user(), make_user()
    with app.test_request_context():
        theirs = _hidden(other)
        secret = queue(other, "reset_password", in_app=False, link="https://x.example/t")
    sign_in_as(client, me)
    client.get("/notifications")
    assert post_form(client, f"/notifications/{theirs.id}/read").status_code == 404
    assert post_form(client, f"/notifications/{theirs.id}/open").status_code == 404
    assert post_form(client, f"/notifications/{secret.id}/open").status_code == 404
    post_form(client, "/notifications/read-all")
    db.session.refresh(theirs)
    assert theirs.read_at is None


def test_reading_needs_a_post_with_a_token(client, app, make_user):
    me = make_user()
    with app.test_request_context():
        message = _hidden(me)
    sign_in_as(client, me)
    assert client.get(f"/notifications/{message.id}/open").status_code == 405
    client.get("/notifications")
    assert client.post(f"/notifications/{message.id}/open").status_code == 400  # no CSRF token
    db.session.refresh(message)
    assert message.read_at is None


def test_page_writes_nothing_and_its_queries_do_not_grow(client, app, make_user, count_queries):
    me = make_user()
    sign_in_as(client, me)
    with app.test_request_context():
        _hidden(me)
    with count_queries() as few:
        client.get("/notifications")
    with app.test_request_context():
        for number in range(30):
            message = _hidden(me, f"Proposal {number}")
            if number % 2:
                message.read_at = message.created_at
    db.session.flush()
    with count_queries() as many:
        html = client.get("/notifications").get_data(as_text=True)
    assert len(many) == len(few)
    assert not [s for s in many if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert html.count('id="notification-') == 20
    assert "Unread" in html
