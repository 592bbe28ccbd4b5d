"""The dashboard's charts: drawn on the server by matplotlib as SVG that the page's
Content-Security-Policy (`style-src 'self'`) lets a browser show.

matplotlib writes its SVG with `style` attributes and a `<style>` element, which that
policy blocks; `svg.accessible` turns them into presentation attributes, and gives
the chart a title and a description for screen readers. Every chart has a text
summary and a table of the same figures beside it, so nothing is only in a picture.
"""

import functools
import io
import math
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")

from babel import dates, numbers  # noqa: E402
from flask import current_app  # noqa: E402
from flask_babel import get_locale  # noqa: E402
from flask_babel import gettext as _  # noqa: E402
from flask_babel import lazy_gettext as _l  # noqa: E402
from markupsafe import Markup  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ..dates import month_key  # noqa: E402
from ..i18n import DATE_LOCALES, percent  # noqa: E402
from . import figures, svg  # noqa: E402
from .labels import FIGURE_LABELS  # noqa: E402

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: readable, searchable, in the page's font
        "svg.hashsalt": "chorus",  # the same chart gives the same SVG
        "font.family": "sans-serif",
        "font.sans-serif": ["Arial", "DejaVu Sans"],
        "font.size": 11,
        "text.color": "#212b32",
        "axes.edgecolor": "#212b32",
        "axes.labelcolor": "#212b32",
        "xtick.color": "#212b32",
        "ytick.color": "#212b32",
    }
)

BLUE, BLACK, WHITE, GREY = "#005eb8", "#212b32", "#ffffff", "#d8dde0"
# Series differ by line style and marker (or bar filling), never by colour alone.
LINE_STYLES = (
    {"color": BLUE, "linestyle": "solid", "marker": "o"},
    {"color": BLACK, "linestyle": "dashed", "marker": "s"},
)
BAR_STYLES = (
    {"color": BLUE, "edgecolor": BLUE, "hatch": None},
    {"color": WHITE, "edgecolor": BLACK, "hatch": "///"},
)
SIZE = (7.2, 3.2)  # inches: the SVG's viewBox, scaled to the page's width
TICK_CHARACTERS = 60  # about how many letters fit side by side under a chart
CACHE_SECONDS = 300
CACHE_LIMIT = 200


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: object
    kind: str  # "line" or "bar"
    figures: tuple
    axis_label: object


SPECS = (
    ChartSpec(
        "active", _l("Active lay partners"), "line", (figures.ACTIVE_LAY_PARTNERS,), _l("People")
    ),
    ChartSpec(
        "joined_left",
        _l("Lay partners who joined and left"),
        "bar",
        (figures.JOINED, figures.LEFT),
        _l("People"),
    ),
    ChartSpec("contributions", _l("Contributions"), "bar", (figures.CONTRIBUTIONS,), _l("Views")),
    ChartSpec("replies", _l("Days to a first reply"), "line", (figures.MEDIAN_DAYS,), _l("Days")),
    ChartSpec(
        "loop",
        _l("Closing the loop"),
        "line",
        (figures.CLOSING_THE_LOOP, figures.SHAPED_SHARE),
        _l("Per cent"),
    ),
    ChartSpec("hours", _l("Hours of involvement"), "bar", (figures.HOURS,), _l("Hours")),
    ChartSpec(
        "money",
        _l("Payments and expenses paid"),
        "bar",
        (figures.PAYMENTS_PAID, figures.EXPENSES_PAID),
        _l("Pounds (£)"),
    ),
)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    svg: Markup
    figures: tuple
    labels: list  # the figures' labels, the table's column headings
    rows: list  # [(month "YYYY-MM", month name, [(figure key, value as written)])]


# Writing figures in the reader's language --------------------------------------------------


def _locale():
    locale = str(get_locale())
    return DATE_LOCALES.get(locale, locale)


def month_name(day):
    """A month and year (March 2026) in the reader's language: each period list names 48."""
    return _month_name(day.year, day.month, _locale())


@functools.lru_cache(maxsize=1024)
def _month_name(year, month, locale):
    return dates.format_skeleton("yMMMM", date(year, month, 1), locale=locale)


def written(key, value):
    """A figure as people read it: 12, 2.5, 40%, £12.50; None as "" (pages show "—")."""
    if value is None:
        return ""
    kind = figures.KINDS[key]
    if kind == "percent":
        return percent(value)
    if kind == "money":
        return numbers.format_currency(value, "GBP", locale=_locale())
    return numbers.format_decimal(value, "#,##0.#", locale=_locale())


# Summaries ----------------------------------------------------------------------------------


def trend(key, health_report):
    """One sentence on how a figure moved from the first month with a figure to the last."""
    label = str(FIGURE_LABELS[key])
    found = [
        (month, value)
        for month, value in zip(health_report.months, health_report.series(key), strict=True)
        if value is not None
    ]
    if not found:
        return _("%(measure)s: there is no figure for this period.", measure=label)
    (first_month, first), (last_month, last) = found[0], found[-1]
    words = {
        "measure": label,
        "first": written(key, first),
        "last": written(key, last),
        "start": month_name(first_month.first_day),
        "end": month_name(last_month.first_day),
    }
    if len(found) == 1:
        return _("%(measure)s in %(start)s: %(first)s.", **words)
    if last > first:
        return _("%(measure)s went up from %(first)s in %(start)s to %(last)s in %(end)s.", **words)
    if last < first:
        return _(
            "%(measure)s went down from %(first)s in %(start)s to %(last)s in %(end)s.", **words
        )
    return _("%(measure)s stayed at %(first)s from %(start)s to %(end)s.", **words)


def _total(key, health_report):
    return sum(health_report.series(key))


def summary(spec, health_report):
    """The chart's text summary: what a sighted reader takes from it, in one or two sentences."""
    if spec.key == "joined_left":
        return _(
            "In the period, %(joined)s lay partners joined and %(left)s left.",
            joined=written(figures.JOINED, _total(figures.JOINED, health_report)),
            left=written(figures.LEFT, _total(figures.LEFT, health_report)),
        )
    if spec.key in ("contributions", "hours"):
        total = written(spec.figures[0], _total(spec.figures[0], health_report))
        return " ".join(
            [
                trend(spec.figures[0], health_report),
                _("In the whole period: %(total)s.", total=total),
            ]
        )
    if spec.key == "money":
        return _(
            "In the period, %(payments)s was paid for taking part and %(expenses)s in expenses.",
            payments=written(figures.PAYMENTS_PAID, _total(figures.PAYMENTS_PAID, health_report)),
            expenses=written(figures.EXPENSES_PAID, _total(figures.EXPENSES_PAID, health_report)),
        )
    return " ".join(trend(key, health_report) for key in spec.figures)


# Drawing -----------------------------------------------------------------------------------


def charts_for(health_report):
    """[Chart] of the dashboard, in the order the page shows them."""
    months = [month.first_day for month in health_report.months]
    found = []
    for spec in SPECS:
        labels = [str(FIGURE_LABELS[key]) for key in spec.figures]
        series = [health_report.series(key) for key in spec.figures]
        text = summary(spec, health_report)
        title = str(spec.title)
        found.append(
            Chart(
                key=spec.key,
                title=title,
                summary=text,
                svg=rendered(spec, title, text, labels, series, months),
                figures=spec.figures,
                labels=labels,
                rows=[
                    (
                        month_key(day),
                        month_name(day),
                        [
                            (key, written(key, values[index]))
                            for key, values in zip(spec.figures, series, strict=True)
                        ],
                    )
                    for index, day in enumerate(months)
                ],
            )
        )
    return found


_RENDERED: dict[Any, Any] = {}  # what was drawn -> (drawn at, SVG)


def rendered(spec, title, text, labels, series, months):
    """The chart's SVG, kept a few minutes in this process: drawing takes tens of
    milliseconds a chart. The key is everything drawn, so a kept chart is never out of date."""
    key = (
        spec.key,
        _locale(),
        title,
        text,
        tuple(labels),
        tuple(tuple(values) for values in series),
        tuple(months),
    )
    keep = not current_app.testing
    found = _RENDERED.get(key) if keep else None
    now = time.monotonic()
    if found is not None and now - found[0] < CACHE_SECONDS:
        return found[1]
    drawn = Markup(  # noqa: S704 - built by ElementTree, which escapes every text and attribute
        svg.accessible(draw(spec, labels, series, months), f"chart-{spec.key}", title, text)
    )
    if keep:
        if len(_RENDERED) >= CACHE_LIMIT:
            _RENDERED.clear()
        _RENDERED[key] = (now, drawn)
    return drawn


def _tick_labels(months):
    """Short month names, with the year under the first named month of each year. When
    the names would run into each other, only every second (or third) month is named."""
    locale = _locale()
    names = [dates.format_skeleton("MMM", day, locale=locale) for day in months]
    every = math.ceil(max(len(name) for name in names) * len(months) / TICK_CHARACTERS)
    labels, year_shown = [], None
    for index, (day, name) in enumerate(zip(months, names, strict=True)):
        if index % every:
            labels.append("")
        elif day.year != year_shown:
            labels.append(f"{name}\n{day.year}")
            year_shown = day.year
        else:
            labels.append(name)
    return labels


def draw(spec, labels, series, months):
    """The chart as matplotlib writes it (SVG text)."""
    # Fixed margins: a layout engine would triple the time a chart takes to draw.
    figure = Figure(figsize=SIZE, facecolor=WHITE)
    figure.subplots_adjust(left=0.12, right=0.98, bottom=0.2, top=0.86 if len(series) > 1 else 0.94)
    axes = figure.add_subplot()
    positions = list(range(len(months)))
    numbers_only = [float(value) for values in series for value in values if value is not None]
    if spec.kind == "bar":
        width = 0.8 / len(series)
        for index, (label, values) in enumerate(zip(labels, series, strict=True)):
            offset = (index - (len(series) - 1) / 2) * width
            axes.bar(
                [position + offset for position in positions],
                [float(value or 0) for value in values],
                width,
                label=label,
                linewidth=1.5,
                **BAR_STYLES[index],
            )
    else:
        for index, (label, values) in enumerate(zip(labels, series, strict=True)):
            axes.plot(
                positions,
                [math.nan if value is None else float(value) for value in values],
                label=label,
                linewidth=3,
                markersize=7,
                **LINE_STYLES[index],
            )
    axes.set_xticks(positions, _tick_labels(months))
    axes.set_xlim(-0.6, len(months) - 0.4)
    axes.set_ylabel(str(spec.axis_label))
    top = max(numbers_only, default=0)
    if figures.KINDS[spec.figures[0]] == "percent":
        axes.set_ylim(0, 100)
    else:
        axes.set_ylim(0, top * 1.1 if top else 1)
    integers = figures.KINDS[spec.figures[0]] == "count"
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=integers))
    locale = _locale()
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _position: numbers.format_decimal(value, "#,##0.#", locale))
    )
    axes.grid(axis="y", color=GREY, linewidth=1)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        figure.legend(
            loc="upper left",
            bbox_to_anchor=(0.1, 1),
            ncols=len(series),
            frameon=False,
            fontsize=10,
            handlelength=3,
        )
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
