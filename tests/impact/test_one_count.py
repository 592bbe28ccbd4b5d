"""One count per person: a view linked directly and through its theme to the same change
counts once, with the direct link's effect, on every page and file that counts views."""

from datetime import date

import sqlalchemy as sa

from portal import db
from portal.health import figures
from portal.impact import board, influence, measures, open_data, reach
from tests.conftest import sign_in_as
from tests.impact.test_mine import _entry


def _linked_twice(impact):
    """The theme (named and anonymous views) adopted into the change, and the named view
    linked to the same change directly as not adopted."""
    reviewer, proposal, _a = impact["people"]["professional"], impact["proposal"], impact["a"]
    target = f"change:{impact['change'].id}"
    influence.link(
        reviewer,
        proposal,
        target=target,
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    influence.link(
        reviewer,
        proposal,
        target=target,
        effect="not_adopted",
        rationale="Sunday calls cost too much.",
        contributions=[impact["named"]],
    )


def test_the_direct_link_wins_and_says_the_theme_reaches_it_too(impact):
    _linked_twice(impact)
    found = reach.effective(contribution_ids=[impact["named"].id])

    rows = db.session.execute(sa.select(found.c.effect, found.c.also_theme_id)).all()
    assert rows == [("not_adopted", impact["weekend_theme"].id)]
    assert impact["named"].outcome == "not_adopted"  # not "shaped" by the theme's link
    assert impact["anonymous"].outcome == "shaped"


def test_my_impact_shows_the_change_once_with_the_direct_effect(client, impact):
    _linked_twice(impact)
    sign_in_as(client, impact["people"]["lay"])
    html = client.get("/my/impact").get_data(as_text=True)
    named = _entry(html, impact["named"])
    assert named.count("Evening clinic on Tuesdays and Thursdays") == 1
    assert "Not adopted" in named and "<strong>Adopted</strong>" not in named
    assert "linked directly, and through the theme “Weekend calls”" in named
    assert "Why not: Sunday calls cost too much." in named


def test_the_board_counts_each_person_once_per_change(impact):
    _linked_twice(impact)
    said = board.board_details([impact["change"].id])[impact["change"].id]
    assert said.effects == {"adopted": 1, "not_adopted": 1}  # not adopted 2 and not adopted 1


def test_the_board_page_shows_one_count_per_person(client, impact):
    _linked_twice(impact)
    html = client.get("/you-said-we-did").get_data(as_text=True)
    card = html[html.index("Evening clinic on Tuesdays and Thursdays") :]
    assert "<li>Adopted: 1 contribution</li>" in card
    assert "<li>Not adopted: 1 contribution</li>" in card
    assert "2 contributions</li>" not in card


def test_the_open_data_counts_each_person_once_per_change(impact):
    _linked_twice(impact)
    rows = [
        row
        for row in open_data.open_influence()
        if row["target_type"] == "change" and row["target_id"] == impact["change"].id
    ]
    assert {row["effect"]: row["contributions"] for row in rows} == {
        "adopted": 1,
        "not_adopted": 1,
    }
    assert sum(row["contributions"] for row in rows) == 2  # two people, each once
    assert {row["effect"]: row["links"] for row in rows} == {"adopted": 1, "not_adopted": 1}


def test_the_impact_report_figures_take_the_direct_effect(impact):
    _linked_twice(impact)
    today = date.today()
    found = measures.measures(impact["a"].id, date(today.year - 1, 1, 1), today)
    contributions = found.contributions
    assert found.shaped == 1  # the anonymous view; the named one was not adopted directly
    assert found.values()[measures.SHAPED_SHARE] == measures.percent_of(1, contributions)


def test_the_health_dashboard_takes_the_direct_effect(impact):
    _linked_twice(impact)
    month = date.today().replace(day=1)
    [found] = figures.monthly(impact["a"].id, month, month)
    shaped = found.figures[figures.SHAPED_SHARE]
    assert shaped == measures.percent_of(1, found.figures[figures.CONTRIBUTIONS])
