"""The dashboard's charts: SVG a strict Content-Security-Policy lets through, labelled for
screen readers, readable without colour, and summed up in words."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses the charts made in these tests
from datetime import date
from decimal import Decimal

import pytest
from babel import dates
from flask_babel import force_locale

from portal import dates as portal_dates
from portal.health import charts, figures, svg
from tests.conftest import sign_in_as

SVG = "{http://www.w3.org/2000/svg}"


def report(months=6, **series):
    """A made-up report from January 2025: `series` gives some figures' values by month."""
    found = []
    for index, (first, last) in enumerate(
        portal_dates.months_between(date(2025, 1, 1), date(2025, months, 1))
    ):
        month = dict(figures.EMPTY_MONTH)
        month.update({key: values[index] for key, values in series.items()})
        found.append(figures.Month(first, last, month))
    return figures.Health(community=None, months=found, answered=None, make_up={})


@pytest.fixture
def drawn():
    """Every chart of a report with something in each figure, some months without a rate."""
    return charts.charts_for(
        report(
            active_lay_partners=[10, 11, 12, 12, 13, 15],
            lay_partners_joined=[1, 1, 1, 0, 1, 2],
            lay_partners_left=[0, 0, 0, 0, 0, 0],
            contributions=[12, 0, 18, 25, 31, 40],
            median_days_to_first_reply=[4, None, 3.5, 2, 2, 1],
            closing_the_loop_percent=[50, None, 60, 70, 75, 80],
            shaped_percent=[10, None, 20, 20, 25, 30],
            hours_of_involvement=[Decimal("3.0")] * 6,
            payments_paid=[Decimal("25.00")] * 6,
            expenses_paid=[Decimal("12.50")] * 6,
        )
    )


def parsed(chart):
    return ET.fromstring(str(chart.svg))  # noqa: S314 - made by the code under test


def test_every_chart_is_svg_that_a_strict_content_security_policy_allows(drawn):
    assert [chart.key for chart in drawn] == [spec.key for spec in charts.SPECS]
    for chart in drawn:
        svg = str(chart.svg)
        assert svg.startswith("<svg ")
        for forbidden in ("style=", "<style", "<script", "<?xml", "<!DOCTYPE", "<!--", "metadata"):
            assert forbidden not in svg, (chart.key, forbidden)
        assert re.search(r"\son\w+=", svg) is None  # no event handler either


def test_every_chart_has_a_title_a_description_and_fits_its_place(drawn):
    for chart in drawn:
        root = parsed(chart)
        assert root.get("role") == "img"
        assert root.get("width") == "100%" and root.get("height") is None
        assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title.get("id") == root.get("aria-labelledby") and title.text == chart.title
        assert desc.get("id") == root.get("aria-describedby") and desc.text == chart.summary
        assert list(root)[:2] == [title, desc]


def test_ids_are_unique_on_the_page_and_every_reference_is_found(drawn):
    ids, references = [], set()
    for chart in drawn:
        for element in parsed(chart).iter():
            if element.get("id"):
                ids.append(element.get("id"))
                assert element.get("id").startswith(f"chart-{chart.key}-")
            for value in element.attrib.values():
                references.update(re.findall(r"url\(#([^)]+)\)", value))
            if element.get("href"):
                references.add(element.get("href").removeprefix("#"))
    assert len(ids) == len(set(ids))
    assert references and references <= set(ids)


def test_series_differ_by_line_style_marker_or_filling_not_by_colour_alone(drawn):
    by_key = {chart.key: str(chart.svg) for chart in drawn}
    loop = by_key["loop"]
    # The second line is dashed; both have markers at each month with a figure.
    assert "stroke-dasharray" in loop and loop.count("<use ") > 10
    assert 'stroke-width="3"' in loop
    # The second series of bars is hatched.
    assert "<pattern " in by_key["money"] and 'fill="url(#chart-money-' in by_key["money"]
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', "".join(by_key.values())))
    assert colours <= {"#005eb8", "#212b32", "#ffffff", "#d8dde0", "#000000"}


def test_each_chart_is_summed_up_in_words(drawn):
    summaries = {chart.key: chart.summary for chart in drawn}
    assert summaries["active"] == (
        "Active lay partners went up from 10 in January 2025 to 15 in June 2025."
    )
    assert summaries["joined_left"] == "In the period, 6 lay partners joined and 0 left."
    assert summaries["contributions"] == (
        "Contributions went up from 12 in January 2025 to 40 in June 2025. "
        "In the whole period: 126."
    )
    assert summaries["replies"] == (
        "Days to a first reply went down from 4 in January 2025 to 1 in June 2025."
    )
    assert summaries["loop"] == (
        "Closing the loop went up from 50% in January 2025 to 80% in June 2025. "
        "Shaped a change went up from 10% in January 2025 to 30% in June 2025."
    )
    assert summaries["hours"].startswith(
        "Hours of involvement stayed at 3 from January 2025 to June 2025."
    )
    assert summaries["money"] == (
        "In the period, £150.00 was paid for taking part and £75.00 in expenses."
    )


def test_a_figure_with_one_month_or_none_is_summed_up_too():
    only_march = report(median_days_to_first_reply=[None, None, 2.5, None, None, None])
    assert (
        charts.trend(figures.MEDIAN_DAYS, only_march) == "Days to a first reply in March 2025: 2.5."
    )
    assert charts.trend(figures.CLOSING_THE_LOOP, only_march) == (
        "Closing the loop: there is no figure for this period."
    )


def test_each_chart_has_the_same_figures_as_a_table(drawn):
    money = next(chart for chart in drawn if chart.key == "money")
    assert money.labels == ["Payments paid", "Expenses paid"]
    assert money.rows[0] == (
        "2025-01",
        "January 2025",
        [("payments_paid", "£25.00"), ("expenses_paid", "£12.50")],
    )
    replies = next(chart for chart in drawn if chart.key == "replies")
    assert replies.rows[1][2] == [("median_days_to_first_reply", "")]  # shown as "—"


def test_months_are_named_in_the_readers_language_and_do_not_crowd():
    months = [date(2025, month, 1) for month in range(1, 13)]
    english = charts._tick_labels(months)
    assert english[:3] == ["Jan\n2025", "Feb", "Mar"] and all(english)
    with force_locale("cy"):
        welsh = charts._tick_labels(months)
        svg = str(charts.charts_for(report(contributions=[1, 2, 3, 4, 5, 6]))[0].svg)
    assert welsh[0] == dates.format_skeleton("MMM", months[0], locale="cy") + "\n2025"
    assert dates.format_skeleton("MMM", months[1], locale="cy") in svg
    two_years = [date(2024 + (month - 1) // 12, (month - 1) % 12 + 1, 1) for month in range(1, 25)]
    labels = charts._tick_labels(two_years)
    assert labels[0] == "Jan\n2024" and labels[1] == "" and labels[12] == "Jan\n2025"
    with force_locale("ar"):
        assert "" in charts._tick_labels(months)  # longer names: every other month


def test_the_font_shorthand_becomes_presentation_attributes():
    assert svg._declarations(
        "font: bold 12px 'DejaVu Sans', sans-serif; fill: #212b32; behaviour: x; stroke:"
    ) == {
        "font-weight": "bold",
        "font-size": "12px",
        "font-family": "'DejaVu Sans', sans-serif",
        "fill": "#212b32",
    }


def test_charts_are_kept_for_a_few_minutes_outside_tests(app, monkeypatch):
    drawings = []
    real_draw = charts.draw
    monkeypatch.setattr(charts, "draw", lambda *a: drawings.append(1) or real_draw(*a))
    monkeypatch.setattr(charts, "_RENDERED", {})
    made = report(contributions=[1, 2, 3, 4, 5, 6])
    charts.charts_for(made)
    assert len(drawings) == len(charts.SPECS) and charts._RENDERED == {}  # not kept in tests
    monkeypatch.setattr(app, "testing", False)
    first = charts.charts_for(made)
    again = charts.charts_for(made)
    assert len(drawings) == 2 * len(charts.SPECS)
    assert [chart.svg for chart in again] == [chart.svg for chart in first]
    changed = charts.charts_for(report(contributions=[1, 2, 3, 4, 5, 7]))
    assert len(drawings) == 2 * len(charts.SPECS) + 1  # only the chart whose figures changed
    assert changed[2].svg != first[2].svg


def test_the_dashboard_page_has_unique_ids_and_no_style_attribute(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get("/communities/alpha/health").get_data(as_text=True)
    assert page.count("<svg ") == len(charts.SPECS)
    svgs = "".join(re.findall(r"<svg .*?</svg>", page, re.S))
    assert "style" not in svgs and "<script" not in svgs
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
