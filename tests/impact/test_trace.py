"""A proposal's trace: from the views given to the changes made, in counts, as a diagram
and a table."""

import re

import sqlalchemy as sa

from portal import db
from portal.consultations import review
from portal.consultations.models import Contribution, ContributionTheme
from portal.impact import influence
from portal.impact.models import Influence
from tests import factories
from tests.conftest import sign_in_as

NAMES = (
    "Lay Person",
    "lay@example.org",
    "Robin",
    "Sam Second",
    "second@example.org",
    "Tess Third",
    "third@example.org",
    "Wren",
)


def _linked(impact):
    """The theme (named and anonymous views) adopted into the change; the pseudonymous
    view not adopted in the decision."""
    reviewer, proposal, _a = impact["people"]["professional"], impact["proposal"], impact["a"]
    influence.link(
        reviewer,
        proposal,
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    influence.link(
        reviewer,
        proposal,
        target=f"decision:{impact['decision'].id}",
        effect="not_adopted",
        rationale="Sunday calls cost too much.",
        contributions=[impact["pseudonym"]],
    )


def _trace(client, impact, user=None):
    sign_in_as(client, user or impact["people"]["lay"])
    return client.get(f"/proposals/{impact['proposal'].id}/trace")


def test_members_see_counts_themes_the_decision_and_the_changes(client, impact):
    _linked(impact)
    page = _trace(client, impact)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    counts = dict(
        re.findall(
            r'summary-list__key">([^<]+)</dt>\s*<dd class="nhsuk-summary-list__value">(\d+)', html
        )
    )
    assert counts["Shaped a change"] == "2"
    assert counts["Not adopted"] == "1"
    assert counts["Waiting for an outcome"] == "0"
    assert counts["All contributions that count"] == "3"
    assert "Clinical governance committee" in html  # who decided
    assert "Most people asked for evenings" in html  # why
    assert f'href="/changes/{impact["change"].id}"' in html
    assert "Planned, 0% done" in html


def test_the_diagram_is_an_accessible_inline_svg_with_a_matching_table(client, impact):
    _linked(impact)
    html = _trace(client, impact).get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'width="100%"' in svg and 'viewBox="0 0 340 ' in svg
    assert '<title id="trace-title">' in svg and '<desc id="trace-desc">' in svg
    assert 'aria-labelledby="trace-title"' in svg
    for heading in ("Contributions", "Themes", "Decision", "Changes"):
        assert f">{heading}</text>" in svg
    assert "3 contributions count." in svg
    # An arrow from each tier to the next; each theme says what its links did.
    assert svg.count('marker-end="url(#trace-arrow)"') == 3
    change = impact["change"].title
    assert ">Adopted in Evening" in svg  # the theme's box says which change it leads to
    assert f"Weekend calls leads to: Adopted in {change}." in svg  # and so does the description
    # shaped → theme, theme → change, not adopted → decision, decision → change
    table = html[html.index("Every link, from views to changes") :]
    table = table[: table.index("</table>")]
    assert table.count('<tr role="row" class="nhsuk-table__row">') == 4
    assert "Theme: Weekend calls" in table and "Adopted" in table
    assert "Contributions: Not adopted" in table
    assert table.count("Carried out by this change") == 1  # the decision → change row only
    assert "Grouped under this theme" in table  # shaped → theme
    assert "Linked through the theme: Adopted" in table
    assert "Linked directly: Not adopted" in table
    assert '<caption class="nhsuk-table__caption">' in html and 'scope="col"' in html


def test_the_trace_never_shows_who_said_what_nor_their_words(client, impact):
    _linked(impact)
    html = _trace(client, impact, impact["people"]["professional"]).get_data(as_text=True)
    body = html[html.index("<main") :]
    for name in NAMES:
        assert name not in body
    assert "I would come in the evening." not in body  # the words of the contributions


def test_text_in_the_diagram_is_escaped(client, impact):
    theme = review.theme_named(impact["proposal"], "<b>Calls</b> & texts")
    review.add_theme(impact["people"]["professional"], [impact["pseudonym"]], theme)
    html = _trace(client, impact).get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<b>" not in svg and "&lt;b&gt;Calls&lt;/b&gt; &amp; texts" in svg


def test_in_arabic_the_diagram_runs_from_the_right(client, impact, make_user):
    reader = make_user(email="reader@example.org", locale="ar")
    factories.make_membership(reader, impact["a"])
    html = _trace(client, impact, reader).get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'direction="rtl"' in svg
    first_box = re.search(r'<rect x="([\d.]+)"', svg)
    assert float(first_box.group(1)) > 200  # the first outcome's box is on the right

    english = _trace(client, impact).get_data(as_text=True)
    svg = english[english.index("<svg") : english.index("</svg>")]
    assert 'direction="ltr"' in svg and re.search(r'<rect x="10.0"', svg)


def test_the_trace_is_public_but_a_drafts_is_not_found(client, impact):
    path = f"/proposals/{impact['proposal'].id}/trace"
    assert client.get(path).status_code == 200  # a public consultation's trace
    draft = impact["proposals"]["draft"]
    sign_in_as(client, impact["people"]["lay"])
    assert client.get(f"/proposals/{draft.id}/trace").status_code == 404


def _many_linked_contributions(impact, count):
    """`count` anonymous views under the theme, each linked directly to the change too."""
    proposal = impact["proposal"]
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = list(range(first, first + count))
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "identity": "anonymous",
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
        sa.insert(Influence),
        [
            {
                "proposal_id": proposal.id,
                "contribution_id": i,
                "change_id": impact["change"].id,
                "effect": "informed",
            }
            for i in ids
        ],
    )


def test_the_trace_costs_the_same_statements_with_5_or_200_contributions(
    client, impact, count_queries
):
    _linked(impact)
    _many_linked_contributions(impact, 5)
    sign_in_as(client, impact["people"]["lay"])
    path = f"/proposals/{impact['proposal'].id}/trace"
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _many_linked_contributions(impact, 195)
    with count_queries() as many:
        page = client.get(path)
    assert page.status_code == 200 and len(many) == len(few)
    assert "203 contributions count." in page.get_data(as_text=True)


def _rows(html):
    table = html[html.index("Every link, from views to changes") :]
    table = table[: table.index("</table>")]
    return [
        [re.sub(r"<[^>]+>", "", cell).replace("From ", "", 1).strip() for cell in row]
        for row in (
            re.findall(r'<td role="cell" class="nhsuk-table__cell">(.*?)</td>', tr, re.S)
            for tr in table.split('<tr role="row" class="nhsuk-table__row">')[1:]
        )
    ]


def test_a_view_linked_directly_and_through_its_theme_counts_once_with_the_direct_effect(
    client, impact
):
    reviewer, proposal, _a = impact["people"]["professional"], impact["proposal"], impact["a"]
    change = impact["change"]
    influence.link(
        reviewer,
        proposal,
        target=f"change:{change.id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )  # reaches the named and the anonymous views
    influence.link(
        reviewer,
        proposal,
        target=f"change:{change.id}",
        effect="informed",
        rationale="",
        contributions=[impact["named"]],
    )
    html = _trace(client, impact).get_data(as_text=True)
    rows = {(row[1], row[2]): row[3] for row in _rows(html)}
    to_change = f"Change: {change.title}"
    # The theme's line counts only the anonymous view; the named one is on the direct line.
    assert rows[(f"To {to_change}", "What it did Linked through the theme: Adopted")].endswith("1")
    assert rows[(f"To {to_change}", "What it did Linked directly: Informed the decision")].endswith(
        "1"
    )
    assert (
        sum(
            int(count.split()[-1])
            for (target, did), count in rows.items()
            if to_change in target and "Linked" in did
        )
        == 2
    )  # two people reached the change, each once
    assert (
        "1 contribution was linked directly to “" + change.title + "”, and through the theme "
        "“Weekend calls”: it counts once, with the direct link&#39;s effect." in html
    )


def test_the_trace_costs_the_same_queries_however_many_links(client, impact, count_queries):
    _linked(impact)
    sign_in_as(client, impact["people"]["lay"])
    path = f"/proposals/{impact['proposal'].id}/trace"
    with count_queries() as few:
        client.get(path)
    people = [impact["pseudonym"]]
    review.add_theme(impact["people"]["professional"], people, impact["weekend_theme"])
    influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="informed",
        rationale="",
        contributions=[impact["named"], *people],
    )
    with count_queries() as many:
        client.get(path)
    assert len(many) == len(few)
