"""My work, the role-aware home pages and the header: counts match their lists,
each role sees what it needs, and the SQL count does not grow with the data."""

import re
from datetime import timedelta

import pytest

from portal import db
from portal.consultations.models import Report
from portal.db import utcnow
from tests import factories
from tests.conftest import sign_in_as


def _data_count(html, name):
    return int(re.search(rf'data-work="{name}" data-total="(\d+)"', html).group(1))


def _build(app, communities=1, views=1):
    """Communities where `pro` is a professional and `coord` a coordinator, each with an
    open proposal closing in three days and views on it, a closed one awaiting a
    decision, a pending join request and an open moderation report."""
    pro = factories.make_user(email="pro@example.org", display_name="Pat Pro")
    coord = factories.make_user(email="coord@example.org", display_name="Cora Coord")
    lay = factories.make_user(email="lay@example.org", display_name="Lee Lay")
    made = []
    with app.test_request_context():
        for n in range(communities):
            community = factories.make_community(name=f"Community {n}")
            factories.make_membership(pro, community, role="professional")
            factories.make_membership(coord, community, role="coordinator")
            factories.make_membership(lay, community)
            asker = factories.make_user(email=f"asker{n}@example.org")
            factories.make_membership(asker, community, status="pending")
            soon = factories.make_proposal(community, pro, title=f"Soon {n}")
            soon.closes_at = utcnow() + timedelta(days=3)
            later = factories.make_proposal(community, pro, title=f"Later {n}")
            later.closes_at = utcnow() + timedelta(days=30)
            closed = factories.make_proposal(community, pro, status="closed", title=f"Shut {n}")
            contributions = []
            for v in range(views):
                person = factories.make_user(email=f"v{n}-{v}@example.org")
                factories.make_membership(person, community)
                contributions.append(factories.make_contribution(soon, community, person))
            contributions[0].submitted_at = utcnow() - timedelta(days=30)
            db.session.add(Report(contribution_id=contributions[0].id, reason="Rude"))
            made.append((community, soon, later, closed))
        db.session.flush()
    return pro, coord, lay, made


def test_my_work_counts_match_their_lists(app, client):
    pro, _coord, _lay, made = _build(app, communities=2, views=2)
    html = sign_in_as(client, pro).get("/my-work").get_data(as_text=True)
    assert "4 new views" in html
    assert "2 views overdue for a reply" in html
    assert _data_count(html, "closing_soon") == 2
    assert "Soon 0" in html and "Soon 1" in html and "Later 0" not in html
    assert _data_count(html, "awaiting_decision") == 2
    assert "Shut 0" in html and "Shut 1" in html
    inbox = client.get("/review?status=new").get_data(as_text=True)
    assert inbox.count('href="/review/contributions/') >= 4
    overdue = client.get("/review?overdue=y&sort=oldest").get_data(as_text=True)
    assert len(set(re.findall(r'href="/review/contributions/(\d+)"', overdue))) == 2


def test_a_decided_proposal_no_longer_awaits_a_decision(app, client):
    pro, _coord, _lay, made = _build(app)
    with app.test_request_context():
        factories.make_decision(made[0][3], made[0][0], pro)
    html = sign_in_as(client, pro).get("/my-work").get_data(as_text=True)
    assert _data_count(html, "awaiting_decision") == 0


def test_coordinators_see_their_tasks_and_dashboards(app, client):
    _pro, coord, _lay, made = _build(app)
    slug = made[0][0].slug
    html = sign_in_as(client, coord).get("/my-work").get_data(as_text=True)
    assert "1 join request" in html and "1 moderation report" in html
    for href in (
        f"/communities/{slug}/requests",
        f"/communities/{slug}/reports",
        f"/communities/{slug}/health",
        f"/communities/{slug}/impact",
        f"/communities/{slug}/approvals",
    ):
        assert f'href="{href}"' in html
    requests = client.get(f"/communities/{slug}/requests").get_data(as_text=True)
    assert "asker0@example.org" in requests or "Community 0" in requests


def test_professionals_do_not_get_coordinator_tasks(app, client):
    pro, _coord, _lay, made = _build(app)
    html = sign_in_as(client, pro).get("/my-work").get_data(as_text=True)
    assert "join request" not in html and "/health" not in html


def test_staff_get_my_work_as_home_and_lay_partners_their_own(app, client):
    pro, _coord, lay, _made = _build(app)
    staff_home = sign_in_as(client, pro).get("/").get_data(as_text=True)
    assert "new view" in staff_home
    lay_client = app.test_client()
    lay_home = sign_in_as(lay_client, lay).get("/").get_data(as_text=True)
    assert "Open for your views" in lay_home and "Soon 0" in lay_home and "Shut 0" not in lay_home
    assert "New briefings" in lay_home
    assert lay_client.get("/my-work").status_code == 403


def test_the_public_home_links_the_ways_in(client):
    html = client.get("/").get_data(as_text=True)
    for href in ("/you-said-we-did", "/glossary", "/open-data", "/communities"):
        assert f'href="{href}"' in html


def test_signed_out_my_work_asks_to_sign_in(client):
    response = client.get("/my-work")
    assert response.status_code == 302 and "/sign-in" in response.location


@pytest.mark.parametrize("who", ["pro", "coord", "lay"])
def test_header_shows_what_each_role_needs(app, client, who):
    pro, coord, lay, _made = _build(app)
    person = {"pro": pro, "coord": coord, "lay": lay}[who]
    html = sign_in_as(client, person).get("/communities").get_data(as_text=True)
    header = html.split("</header>")[0]
    assert ('href="/my-work"' in header) is (who != "lay")
    assert ('href="/review"' in header) is (who != "lay")
    assert ('href="/my/impact"' in header) is (who == "lay")
    assert 'href="/notifications"' in header
    assert 'href="/glossary"' in header and 'href="/you-said-we-did"' in header
    if who == "pro":
        assert 'data-count="main.my_work">2<' in header  # one new view, one closed proposal


def test_header_for_visitors_links_glossary_and_board(client):
    header = client.get("/").get_data(as_text=True).split("</header>")[0]
    assert 'href="/glossary"' in header and 'href="/my-work"' not in header


@pytest.mark.parametrize("who", ["pro", "coord", "lay"])
def test_home_and_my_work_cost_the_same_at_any_size(app, who, count_queries):
    counts = []
    for size in (1, 3):
        if size == 3:
            db.session.rollback()
        pro, coord, lay, _made = _build(app, communities=size, views=size)
        person = {"pro": pro, "coord": coord, "lay": lay}[who]
        client = sign_in_as(app.test_client(), person)
        paths = ["/"] if who == "lay" else ["/", "/my-work"]
        sizes = []
        for path in paths:
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            sizes.append(len(statements))
        counts.append(sizes)
    assert counts[0] == counts[1]
