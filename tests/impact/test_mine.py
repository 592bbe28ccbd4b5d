"""My impact: what each of the person's own contributions changed."""

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal import db
from portal.consultations.models import Contribution, ContributionTheme
from portal.impact import influence
from portal.impact.models import Influence
from tests import factories
from tests.conftest import outbox_link, sign_in_as


def _link(impact, target, effect, rationale="", **sources):
    return influence.link(
        impact["people"]["professional"],
        sources.pop("proposal", impact["proposal"]),
        target=target,
        effect=effect,
        rationale=rationale,
        **sources,
    )


def _shape_and_refuse(impact):
    """The theme holding the lay partner's view shaped the change; their other view,
    on the world's other proposal (now closed: outcomes are told once it is), was not adopted."""
    factories.close(impact["proposals"]["open"])
    _link(impact, f"change:{impact['change'].id}", "adopted", theme=impact["weekend_theme"])
    # The open proposal has no decision yet: its view is linked to a change of its own.
    sunday = factories.make_change(
        impact["a"], impact["people"]["professional"], title="Sunday phone cover"
    )
    _link(
        impact,
        f"change:{sunday.id}",
        "not_adopted",
        "We cannot staff the phones on Sundays.",
        proposal=impact["proposals"]["open"],
        contributions=[impact["contribution"]],
    )


def _entry(html, contribution):
    """The part of the page about one contribution: from its anchor to the next entry."""
    start = html.index(f'id="contribution-{contribution.id}"')
    end = html.find('<li class="nhsuk-card"', start)
    return html[start : end if end != -1 else None]


def test_totals_say_in_words_what_the_persons_contributions_did(client, impact):
    _shape_and_refuse(impact)
    sign_in_as(client, impact["people"]["lay"])
    page = client.get("/my/impact")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 of your 2 contributions shaped changes." in html
    assert "1 was not adopted." in html
    assert "0 are waiting for an outcome." in html


def test_each_contribution_shows_its_links_with_the_reason_when_not_adopted(client, impact):
    _shape_and_refuse(impact)
    sign_in_as(client, impact["people"]["lay"])
    html = client.get("/my/impact").get_data(as_text=True)
    named = _entry(html, impact["named"])
    assert "Weekend phone line" in named
    assert f'href="/changes/{impact["change"].id}"' in named
    assert "Evening clinic on Tuesdays and Thursdays" in named
    assert "Adopted" in named and "“Weekend calls”" in named
    assert "Where the change is now: Planned, 0% done" in named
    refused = _entry(html, impact["contribution"])
    assert "Not adopted" in refused
    assert "Why not: We cannot staff the phones on Sundays." in refused


def test_the_notification_link_leads_to_the_contribution_and_what_it_changed(client, impact):
    _shape_and_refuse(impact)
    link = urlsplit(outbox_link(impact["people"]["lay"], "contribution_outcome"))
    assert link.path == f"/contributions/{impact['contribution'].id}"
    assert link.fragment == "what-it-changed"
    sign_in_as(client, impact["people"]["lay"])
    html = client.get(link.path).get_data(as_text=True)
    assert 'id="what-it-changed"' in html
    assert "Why not: We cannot staff the phones on Sundays." in html


def test_other_peoples_and_withdrawn_contributions_never_appear(client, impact):
    withdrawn = factories.make_contribution(
        impact["proposals"]["open"], impact["a"], impact["second"]
    )
    _shape_and_refuse(impact)
    withdrawn.withdrawn_at = withdrawn.submitted_at
    impact["second"].locale = "en"  # the page in English, to read its words
    db.session.flush()
    sign_in_as(client, impact["second"])
    html = client.get("/my/impact").get_data(as_text=True)
    anchors = set(re.findall(r'id="contribution-(\d+)"', html))
    assert anchors == {str(impact["anonymous"].id)}
    assert "1 of your 1 contribution shaped changes." in html
    assert "We cannot staff the phones on Sundays." not in html


def test_someone_without_contributions_is_pointed_to_open_proposals(client, impact, make_user):
    newcomer = make_user(email="new@example.org")
    factories.make_membership(newcomer, impact["a"])
    sign_in_as(client, newcomer)
    html = client.get("/my/impact").get_data(as_text=True)
    assert "You have not given your views on a proposal yet." in html
    assert 'href="/communities/alpha/proposals"' in html
    assert "1 proposal open for your views" in html


def test_signing_in_is_needed(client, impact):
    page = client.get("/my/impact")
    assert page.status_code == 302 and "/sign-in" in page.headers["Location"]


def test_my_contributions_shows_each_outcome_with_a_link_to_my_impact(client, impact):
    _shape_and_refuse(impact)
    sign_in_as(client, impact["people"]["lay"])
    html = client.get("/my/contributions").get_data(as_text=True)
    assert f'href="/my/impact#contribution-{impact["named"].id}">Shaped a change</a>' in html
    assert f'href="/my/impact#contribution-{impact["contribution"].id}">Not adopted</a>' in html
    assert 'href="/my/impact"' in html  # in the navigation


def _many_own_contributions(impact, count):
    """`count` contributions of the lay partner, under the linked theme, half also linked
    directly to the decision as not adopted; outcomes stored as `refresh` would."""
    proposal, author = impact["proposal"], impact["people"]["lay"]
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = list(range(first, first + count))
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "author_id": author.id,
                "identity": "named",
                "idempotency_key": f"bulk-{i}",
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(ContributionTheme),
        [{"contribution_id": i, "theme_id": impact["weekend_theme"].id} for i in ids],
    )
    db.session.execute(
        sa.insert(Influence),
        [
            {
                "proposal_id": proposal.id,
                "contribution_id": i,
                "decision_id": impact["decision"].id,
                "effect": "not_adopted",
                "rationale": f"Reason {i}",
            }
            for i in ids[::2]
        ],
    )
    db.session.execute(
        sa.update(Contribution).where(Contribution.id.in_(ids)).values(outcome="shaped")
    )


def test_my_impact_costs_the_same_statements_with_5_or_200_contributions(
    client, impact, count_queries
):
    _link(impact, f"change:{impact['change'].id}", "adopted", theme=impact["weekend_theme"])
    _many_own_contributions(impact, 5)
    sign_in_as(client, impact["people"]["lay"])
    client.get("/my/impact")
    with count_queries() as few:
        assert client.get("/my/impact").status_code == 200
    _many_own_contributions(impact, 195)
    with count_queries() as many:
        page = client.get("/my/impact")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and len(many) == len(few)
    assert html.count('id="contribution-') == 20
    assert "201 of your 202 contributions shaped changes." in html
