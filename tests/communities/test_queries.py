"""Lists cost the same number of SQL statements with 10 members or 2,000."""

import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.communities.models import CommunicationNeeds, Community, Membership
from tests.conftest import sign_in_as


def _add_members(community, start, count):
    db.session.execute(
        sa.insert(User),
        [
            {
                "email": f"member{n}@example.org",
                "display_name": f"Member {n}",
                "password_hash": "x",
                "session_token": f"token{n}",
            }
            for n in range(start, start + count)
        ],
    )
    ids = db.session.scalars(
        sa.select(User.id).where(User.email.like("member%@example.org")).order_by(User.id)
    ).all()[start:]
    db.session.execute(
        sa.insert(Membership),
        [
            {"user_id": i, "community_id": community.id, "role": "lay_partner", "status": status}
            for i, status in zip(ids, ["active", "pending"] * count, strict=False)
        ],
    )
    db.session.execute(
        sa.insert(CommunicationNeeds),
        [{"user_id": i, "needs": ["large_print"]} for i in ids],
    )
    db.session.execute(
        sa.insert(Community),
        [
            {"slug": f"c{n}", "name": f"C {n}", "purpose": "p", "service_area": f"Area {n % 7}"}
            for n in range(start, start + count)
        ],
    )
    db.session.flush()


def _statements(client, count_queries, paths):
    counts = []
    for path in paths:
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        counts.append(len(statements))
    return counts


def test_list_pages_do_not_grow_with_the_data(client, world, count_queries):
    sign_in_as(client, world["people"]["coordinator"])
    paths = [
        "/communities",
        "/communities?q=c&can_join=y&service_area=Area%201",
        "/communities/alpha",
        "/communities/alpha/members",
        "/communities/alpha/members?status=pending&page=2",
        "/communities/alpha/requests",
        "/communities/alpha/invitations",
        "/my/communities",
    ]
    _add_members(world["a"], 0, 60)
    few = _statements(client, count_queries, paths)
    _add_members(world["a"], 60, 1940)
    many = _statements(client, count_queries, paths)
    assert few == many
    assert max(many) <= 8
    html = client.get("/communities/alpha/members").get_data(as_text=True)
    assert html.count('class="nhsuk-table__row"') == 20  # one page of members
    assert html.count("Large print") == 17  # with their needs (3 world members have none)
