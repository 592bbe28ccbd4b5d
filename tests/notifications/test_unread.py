"""The unread count the header shows, and the read marker behind it."""

from portal import db
from portal.notifications.services import mark_all_read, mark_read, unread_count
from portal.outbox import queue
from tests.conftest import sign_in_as


def test_unread_count_counts_only_own_unread_in_app_messages(app, make_user, count_queries):
    reader, other = make_user(), make_user()
    with app.test_request_context():
        first = queue(reader, "password_changed")
        queue(reader, "password_changed")
        queue(reader, "reset_password", in_app=False, link="https://example.org/t")
        queue(other, "password_changed")
    assert unread_count(reader) == 2

    mark_read(reader, first.id)
    with count_queries() as queries:
        assert unread_count(reader) == 1
    assert len(queries) == 1

    assert mark_read(other, first.id) is None  # not theirs
    assert mark_all_read(reader) == 1
    db.session.expire_all()
    assert unread_count(reader) == 0
    assert unread_count(other) == 1


def test_templates_can_show_the_unread_count(client, app, make_user):
    reader = make_user()
    with app.test_request_context():
        queue(reader, "password_changed")
    sign_in_as(client, reader)
    html = client.get("/notifications").get_data(as_text=True)
    assert "You have 1 unread notification." in html
    assert 'data-count="notifications.index">1<' in html
