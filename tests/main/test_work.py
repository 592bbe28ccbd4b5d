"""My work, the role-aware home pages and the header: counts match their lists,
each role sees what it needs, and the SQL count does not grow with the data."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities.models import Membership
from portal.consultations.models import Contribution, Proposal, Report
from portal.db import utcnow
from portal.involvement.models import ExpenseClaim, InvolvementActivity, Payment
from portal.outbox import OutboxMessage
from tests import factories
from tests.conftest import sign_in_as


def _data_count(html, name):
    return int(re.search(rf'data-work="{name}" data-total="(\d+)"', html).group(1))


def _build(app, communities=1, views=1):
    """Communities where `pro` is a professional and `coord` a coordinator, each with an
    open proposal closing in three days and views on it, a closed one awaiting a
    decision, a pending join request and an open moderation report; a decided proposal
    whose view has no outcome; a change whose evaluation is due; a payment and an
    expense claim waiting."""
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
            decided = factories.make_proposal(community, pro, title=f"Done {n}")
            factories.make_contribution(decided, community, lay, quote_consent=True)
            factories.make_decision(decided, community, pro)
            factories.make_change(
                community,
                pro,
                title=f"Evaluate {n}",
                evaluation_due=date.today() - timedelta(days=1),
            )
            factories.make_change(
                community,
                pro,
                title=f"Not yet {n}",
                evaluation_due=date.today() + timedelta(days=30),
            )
            activity = InvolvementActivity(
                community_id=community.id,
                kind="meeting",
                title=f"Meeting {n}",
                held_on=date.today(),
            )
            db.session.add(activity)
            db.session.flush()
            db.session.add(
                Payment(activity_id=activity.id, user_id=lay.id, units=1, amount=Decimal("25"))
            )
            db.session.add(
                ExpenseClaim(
                    community_id=community.id,
                    user_id=lay.id,
                    category="travel",
                    amount=Decimal("4.50"),
                    spent_on=date.today(),
                    description="Bus fare",
                )
            )
            made.append((community, soon, later, closed))
        db.session.flush()
    return pro, coord, lay, made


def test_my_work_counts_match_their_lists(app, client):
    pro, _coord, _lay, made = _build(app, communities=2, views=2)
    html = sign_in_as(client, pro).get("/my-work").get_data(as_text=True)
    assert "6 new views" in html  # two on each proposal closing soon, one on each decided one
    assert "2 views overdue for a reply" in html
    assert _data_count(html, "closing_soon") == 2
    assert "Soon 0" in html and "Soon 1" in html and "Later 0" not in html
    assert _data_count(html, "awaiting_decision") == 2
    assert "Shut 0" in html and "Shut 1" in html
    inbox = client.get("/review?status=new").get_data(as_text=True)
    assert inbox.count('href="/review/contributions/') >= 4
    overdue = client.get("/review?overdue=y&sort=oldest").get_data(as_text=True)
    assert len(set(re.findall(r'href="/review/contributions/(\d+)"', overdue))) == 2


def _ids(html, pattern):
    return set(re.findall(pattern, html))


def test_views_with_no_outcome_and_evaluations_due_match_their_lists(app, client):
    pro, _coord, _lay, made = _build(app, communities=2)
    html = sign_in_as(client, pro).get("/my-work").get_data(as_text=True)
    assert "2 views on decided proposals have no outcome yet" in html
    waiting = client.get("/review/outcome-missing").get_data(as_text=True)
    assert len(_ids(waiting, r'href="/review/contributions/(\d+)"')) == 2
    assert _data_count(html, "evaluations_due") == 2
    assert "Evaluate 0" in html and "Evaluate 1" in html and "Not yet 0" not in html
    due_links = _ids(html, r'href="/changes/(\d+)/evaluation"')
    assert len(due_links) == 2
    listed = set()
    for community, *_rest in made:
        page = client.get(f"/communities/{community.slug}/changes?evaluation=due")
        listed |= _ids(page.get_data(as_text=True), r'data-due="(\d+)"')
    assert listed == due_links  # the community lists hold the same changes


def test_an_evaluated_change_is_no_longer_due(app, client):
    pro, _coord, _lay, made = _build(app)
    from portal.impact import services
    from portal.impact.models import ServiceChange

    change = db.session.scalar(sa.select(ServiceChange).where(ServiceChange.title == "Evaluate 0"))
    with app.test_request_context():
        services.record_evaluation(pro, change, worked="yes", measured="Waits", learned="Shorter")
    html = sign_in_as(client, pro).get("/my-work").get_data(as_text=True)
    assert _data_count(html, "evaluations_due") == 0


def test_coordinator_money_and_quote_counts_match_their_lists(app, client):
    _pro, coord, _lay, made = _build(app)
    community = made[0][0]
    html = sign_in_as(client, coord).get("/my-work").get_data(as_text=True)
    assert "1 quote waiting for approval" in html
    assert "1 payment waiting" in html and "1 expense claim waiting" in html
    assert "1 evaluation due" in html
    quotes = client.get(f"/review?community={community.id}&quote=y").get_data(as_text=True)
    assert len(_ids(quotes, r'href="/review/contributions/(\d+)"')) == 1
    queue = client.get(f"/communities/{community.slug}/approvals").get_data(as_text=True)
    payments, claims = queue.split('id="claims"')
    assert payments.count('class="nhsuk-table__row"') == 1 and "Meeting 0" in payments
    assert claims.count('class="nhsuk-table__row"') == 1 and "£4.50" in claims
    assert f'href="/communities/{community.slug}/changes?evaluation=due"' in html


def test_an_approved_quote_is_no_longer_waiting(app, client):
    _pro, coord, _lay, made = _build(app)
    from portal.consultations import moderation
    from portal.consultations.models import Contribution

    quotable = db.session.scalar(sa.select(Contribution).where(Contribution.quote_consent))
    with app.test_request_context():
        moderation.approve_quote(coord, quotable, "Evenings help.")
    html = sign_in_as(client, coord).get("/my-work").get_data(as_text=True)
    assert "0 quotes waiting for approval" in html


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


def test_the_lay_home_shows_outcomes_only_once_the_proposal_has_closed(app, client):
    pro, _coord, lay, made = _build(app)
    community, soon = made[0][0], made[0][1]
    from portal.consultations.models import Contribution

    own = db.session.scalar(
        sa.select(Contribution).where(
            Contribution.author_id == lay.id, Contribution.proposal_id != soon.id
        )
    )
    own.outcome = "shaped"
    with app.test_request_context():
        early = factories.make_contribution(soon, community, lay)
    early.outcome = "shaped"  # a reviewer's draft link while it is open
    db.session.flush()
    html = sign_in_as(client, lay).get("/").get_data(as_text=True)
    outcomes = html.split('data-home="outcomes"')[1].split("</ul>")[0]
    assert "Done 0" in outcomes and "Soon 0" not in outcomes
    assert 'href="/my/impact"' in outcomes


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
        # Two new views (closing soon, decided) and one closed proposal awaiting a decision.
        assert 'data-count="main.my_work">3<' in header


def test_header_counts_stop_at_99(app, client):
    """Past 99 the header says "99+": it counts no further, however many wait."""
    pro, _coord, _lay, _made = _build(app, views=101)
    db.session.add_all(
        OutboxMessage(user_id=pro.id, kind="digest", to_email=pro.email, subject="S", body="B")
        for _number in range(100)
    )
    db.session.flush()
    header = sign_in_as(client, pro).get("/communities").get_data(as_text=True)
    header = header.split("</header>")[0]
    assert 'data-count="main.my_work">99+<' in header
    assert 'data-count="notifications.index">99+<' in header

    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.user_id == pro.id))
    db.session.execute(
        sa.update(Contribution)
        .where(Contribution.id.in_(sa.select(Contribution.id).limit(5)))
        .values(review_status="acknowledged")
    )
    db.session.flush()
    header = client.get("/communities").get_data(as_text=True).split("</header>")[0]
    # 97 of the 102 new views are still new, and one closed proposal awaits a decision.
    assert 'data-count="main.my_work">98<' in header
    assert 'data-count="notifications.index"' not in header


def test_header_for_visitors_links_glossary_and_board(client):
    header = client.get("/").get_data(as_text=True).split("</header>")[0]
    assert 'href="/glossary"' in header and 'href="/my-work"' not in header


def _past_the_limit(app, views=101):
    """`_build` with more than 99 of each view figure and of join requests and quotes."""
    pro, coord, lay, made = _build(app, views=views)
    community = made[0][0]
    decided = db.session.scalar(sa.select(Proposal).where(Proposal.title == "Done 0"))
    db.session.execute(
        sa.update(Contribution).values(  # on the decided proposal, they await an outcome
            proposal_id=decided.id, submitted_at=utcnow() - timedelta(days=30), quote_consent=True
        )
    )
    db.session.execute(
        sa.update(Membership)
        .where(
            Membership.community_id == community.id,
            Membership.role == "lay_partner",
            Membership.user_id != lay.id,
        )
        .values(status="pending")
    )
    db.session.flush()
    return pro, coord, lay, made


def test_my_work_figures_stop_at_99(app, client):
    """Past 99 a sentence says "More than 99 ..." and a number "99+": no figure counts on."""
    _pro, coord, _lay, made = _past_the_limit(app)
    community = made[0][0]
    html = sign_in_as(client, coord).get("/my-work").get_data(as_text=True)
    assert "More than 99 new views" in html
    assert "More than 99 views overdue for a reply" in html
    assert "More than 99 views on decided proposals have no outcome yet" in html
    assert "More than 99 join requests" in html
    assert "More than 99 quotes waiting for approval" in html
    assert "1 moderation report" in html and "1 payment waiting" in html
    row = html.split(f'data-community="{community.slug}"')[1].split("</tr>")[0]
    assert 'status=new">99+</a>' in row and 'sort=oldest">99+</a>' in row

    coord.locale = "cy"
    db.session.flush()
    welsh = client.get("/my-work").get_data(as_text=True)
    assert "Mwy na 99 safbwynt newydd" in welsh and "Mwy na 99 cais i ymuno" in welsh


def test_my_work_totals_past_99_show_99_plus(app, client):
    """A total over several communities stops at the limit too, and data-total says 99+."""
    pro, _coord, _lay, made = _build(app, communities=2)
    community = made[0][0]
    with app.test_request_context():
        for number in range(100):
            factories.make_proposal(community, pro, status="closed", title=f"Waiting {number}")
    html = sign_in_as(client, pro).get("/my-work").get_data(as_text=True)
    assert 'data-work="awaiting_decision" data-total="99+"' in html
    assert html.count('href="/proposals/') >= 5  # the first few are still listed


@pytest.mark.parametrize("who", ["pro", "coord", "lay"])
def test_home_and_my_work_cost_the_same_at_any_size(app, who, count_queries):
    """The same statements for one view, three communities of three, and past the limit."""
    counts = []
    for communities, views in ((1, 1), (3, 3), (1, 101)):
        if counts:
            db.session.rollback()
        if views > 99:
            pro, coord, lay, _made = _past_the_limit(app, views)
        else:
            pro, coord, lay, _made = _build(app, communities=communities, views=views)
        person = {"pro": pro, "coord": coord, "lay": lay}[who]
        client = sign_in_as(app.test_client(), person)
        paths = ["/"] if who == "lay" else ["/", "/my-work"]
        sizes = []
        for path in paths:
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            sizes.append(len(statements))
        counts.append(sizes)
    assert counts[0] == counts[1] == counts[2]


def test_the_lay_home_lists_the_first_five_open_proposals_to_close_across_communities(app, client):
    """Each community gives its first few and the page keeps the first five of all: a
    busy community's later proposals do not push out another's that closes sooner,
    and what is not open, or not in the person's communities, is never listed."""
    author, lay = factories.make_user(), factories.make_user()
    busy, quiet, other = (factories.make_community() for _ in range(3))
    for community in (busy, quiet):
        factories.make_membership(lay, community)
    for community in (busy, quiet, other):
        factories.make_membership(author, community, role="professional")
    now = utcnow()

    def proposal(community, title, days, **fields):
        made = factories.make_proposal(community, author, title=title, **fields)
        if made.published_at is not None:
            made.closes_at = now + timedelta(days=days)
        return made

    for day in range(3, 10):
        proposal(busy, f"Busy closing in {day} days", day)
    proposal(quiet, "Quiet closing tomorrow", 1)
    proposal(quiet, "Quiet closing in 10 days", 10)
    proposal(quiet, "Quiet draft", 1, status="draft")
    proposal(quiet, "Quiet already closed", -1, status="closed")
    proposal(quiet, "Quiet not open yet", 2, status="upcoming")
    proposal(quiet, "Quiet paused", 2).paused_at = now
    proposal(other, "Another community's", 0.5)
    db.session.flush()

    html = sign_in_as(client, lay).get("/").get_data(as_text=True)
    listed = html.split('data-home="open">')[1].split("</ul>")[0]

    titles = re.findall(r">((?:Busy|Quiet|Another)[^<]*)<", listed)
    assert titles == [
        "Quiet closing tomorrow",
        "Busy closing in 3 days",
        "Busy closing in 4 days",
        "Busy closing in 5 days",
        "Busy closing in 6 days",
    ]
