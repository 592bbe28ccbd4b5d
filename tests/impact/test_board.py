"""The public "you said, we did" board."""

import re
from datetime import date

import sqlalchemy as sa

from portal import db
from portal.consultations import moderation
from portal.consultations.models import Contribution, ContributionTheme, Quote
from portal.db import utcnow
from portal.impact import influence
from portal.impact.models import Influence, ServiceChange
from tests import factories
from tests.impact.test_trace import NAMES


def _link(impact, change, effect="adopted", **sources):
    return influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"change:{change.id}",
        effect=effect,
        rationale="" if effect != "not_adopted" else "It costs too much.",
        **sources,
    )


def _board(client, query=""):
    page = client.get(f"/you-said-we-did{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html[html.index("<main") :]


def _titles(html):
    return re.findall(r'<h2 class="nhsuk-card__heading nhsuk-heading-m"><a [^>]+>([^<]+)</a>', html)


def test_visitors_see_public_changes_with_what_was_said_and_done(client, impact):
    change, author = impact["change"], impact["people"]["coordinator"]
    _link(impact, change, theme=impact["weekend_theme"])
    _link(impact, change, "informed", contributions=[impact["pseudonym"]])
    moderation.approve_quote(author, impact["named"], "Evenings would help me.")
    from portal.impact import services

    services.move_change(author, change, status="in_progress", note="Staff are being trained.")
    html = _board(client)
    assert _titles(html) == [change.title]
    assert "Alpha clinic" in html and "In progress" in html
    assert "Weekend calls (2 contributions)" in html
    assert "Adopted: 2 contributions" in html
    assert "Informed the decision: 1 contribution" in html
    assert "“Evenings would help me.”" in html
    assert change.description in html
    assert "Latest news: Staff are being trained." in html


def test_the_board_shows_nothing_members_only_and_no_quote_without_consent(client, impact):
    a, author = impact["a"], impact["people"]["professional"]
    secret = factories.make_change(a, author, title="Staff rota swap", visibility="members")
    _link(impact, impact["change"], theme=impact["weekend_theme"])
    _link(impact, secret, contributions=[impact["named"]])
    _link(impact, impact["change"], contributions=[impact["pseudonym"]])
    now = utcnow()
    db.session.add_all(
        [  # rows a coordinator could never approve, written straight in
            Quote(contribution_id=impact["anonymous"].id, text="No consent given"),
            Quote(contribution_id=impact["pseudonym"].id, text="Hidden words"),
        ]
    )
    impact["anonymous"].quote_consent = False
    impact["pseudonym"].quote_consent = True
    impact["pseudonym"].hidden_at = now
    archived = factories.make_community(name="Old ward", archived=True)
    factories.make_membership(author, archived, "professional")
    factories.make_change(archived, author, title="Archived change")
    db.session.flush()
    html = _board(client)
    assert _titles(html) == [impact["change"].title]
    for words in ("Staff rota swap", "No consent given", "Hidden words", "Archived change"):
        assert words not in html
    for name in NAMES:
        assert name not in html
    assert "I would come in the evening." not in html  # the contributions' own words


def test_withdrawn_contributions_are_neither_counted_nor_quoted(client, impact):
    _link(impact, impact["change"], theme=impact["weekend_theme"])
    moderation.approve_quote(
        impact["people"]["coordinator"], impact["named"], "Please do evenings."
    )
    impact["named"].withdrawn_at = utcnow()
    db.session.flush()
    html = _board(client)
    assert "Weekend calls (1 contribution)" in html
    assert "Adopted: 1 contribution" in html
    assert "Please do evenings." not in html


def test_each_change_shows_at_most_two_quotes(client, impact):
    _link(impact, impact["change"], theme=impact["weekend_theme"])
    coordinator = impact["people"]["coordinator"]
    for text in ("First quote", "Second quote", "Third quote"):
        moderation.approve_quote(coordinator, impact["named"], text)
    html = _board(client)
    assert len(re.findall(r"“(First|Second|Third) quote”", html)) == 2


def test_the_board_filters_by_community_status_and_year(client, impact):
    b, other = impact["b"], impact["people"]["other_coordinator"]
    beta = factories.make_change(b, other, title="Beta visiting hours")
    beta.status, beta.status_on = "implemented", date(2024, 5, 1)
    db.session.flush()
    alpha = impact["change"].title
    assert set(_titles(_board(client))) == {alpha, "Beta visiting hours"}
    assert _titles(_board(client, "?community=beta")) == ["Beta visiting hours"]
    assert _titles(_board(client, "?community=alpha")) == [alpha]
    assert _titles(_board(client, "?status=implemented")) == ["Beta visiting hours"]
    assert _titles(_board(client, "?year=2024")) == ["Beta visiting hours"]
    assert _titles(_board(client, f"?year={date.today().year}")) == [alpha]
    html = _board(client, "?community=beta&status=planned")
    assert "No changes match these filters." in html
    assert '<option value="beta" selected>Beta ward</option>' in html
    assert set(_titles(_board(client, "?status=nonsense&year=abc"))) == {
        alpha,
        "Beta visiting hours",
    }


def _many(impact, changes, contributions):
    """More public changes, and contributions under the theme, each also linked to every
    one of the first page's changes, with an approved quote."""
    a, proposal = impact["a"], impact["proposal"]
    first_change = (db.session.scalar(sa.select(sa.func.max(ServiceChange.id))) or 0) + 1
    change_ids = list(range(first_change, first_change + changes))
    db.session.execute(
        sa.insert(ServiceChange),
        [
            {
                "id": i,
                "community_id": a.id,
                "title": f"Change {i}",
                "description": "A change.",
                "service_area": "Cancer care",
                "updated_at": utcnow(),
            }
            for i in change_ids
        ],
    )
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = list(range(first, first + contributions))
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "identity": "anonymous",
                "quote_consent": True,
                "idempotency_key": f"bulk-{i}",
                "outcome": "shaped",
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(ContributionTheme),
        [{"contribution_id": i, "theme_id": impact["weekend_theme"].id} for i in ids],
    )
    db.session.execute(
        sa.insert(Quote), [{"contribution_id": i, "text": f"Quote {i}"} for i in ids]
    )
    db.session.execute(
        sa.insert(Influence),
        [
            {"proposal_id": proposal.id, "contribution_id": i, "change_id": c, "effect": "adopted"}
            for i in ids
            for c in change_ids[-10:]
        ]
        + [
            {
                "proposal_id": proposal.id,
                "theme_id": impact["weekend_theme"].id,
                "change_id": c,
                "effect": "informed",
            }
            for c in change_ids
        ],
    )


def test_the_board_costs_the_same_statements_with_few_or_many_changes_and_views(
    client, impact, count_queries
):
    _many(impact, 3, 5)
    client.get("/you-said-we-did")
    with count_queries() as few:
        assert client.get("/you-said-we-did").status_code == 200
    _many(impact, 30, 200)
    with count_queries() as many:
        html = _board(client)
    assert len(many) == len(few)
    assert len(_titles(html)) == 10
    assert html.count("“Quote ") == 20
