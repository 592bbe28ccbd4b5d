"""Lists cost the same number of SQL statements with 10 members or 2,000."""

import re

import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.communities import member_counts
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
    member_counts.refresh(db.session.connection())  # the inserts above bypass the ORM
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
    assert max(many) <= 10  # the community page: impact figures, health summary, the session
    html = client.get("/communities/alpha/members").get_data(as_text=True)
    assert html.count('class="nhsuk-table__row"') == 20  # one page of members
    # Sorted by the name members see: Coord A and Dr Pro (no needs), then Member 0, 1, 10…
    assert html.count("Large print") == 18


def test_members_are_sorted_by_the_name_members_see(client, world):
    """A pseudonymous member sorts under the pseudonym, so the order reveals no real name."""
    from portal.accounts import services as accounts

    sign_in_as(client, world["people"]["lay"])
    html = client.get("/communities/alpha/members").get_data(as_text=True)
    names = [n.strip() for n in sa_names(html)]
    assert names == ["Coord A", "Dr Pro", "Robin"]
    accounts.update_profile(
        world["people"]["professional"], display_name="Zara Pro", pseudonym=None, locale="en"
    )
    db.session.commit()  # as the profile page's request would
    html = client.get("/communities/alpha/members").get_data(as_text=True)
    assert [n.strip() for n in sa_names(html)] == ["Coord A", "Robin", "Zara Pro"]


def test_member_counts_follow_joining_and_leaving(world):
    from portal.communities import services

    db.session.refresh(world["a"])  # each page loads the community row afresh
    assert services.member_counts(world["a"]) == {
        "lay_partner": 1,
        "professional": 1,
        "coordinator": 1,
    }
    services.set_status(world["memberships"]["requester"], "active", world["people"]["coordinator"])
    db.session.flush()
    db.session.refresh(world["a"])
    assert services.member_counts(world["a"])["lay_partner"] == 2
    services.leave(world["people"]["lay"], world["a"])
    db.session.flush()
    db.session.refresh(world["a"])
    assert services.member_counts(world["a"])["lay_partner"] == 1


def sa_names(html):
    return re.findall(r'aria-hidden="true">Name </span>\s*([^<]+?)\s*</td>', html)
