"""The community health dashboard, its file, and the short summary on the community's page."""

from flask import abort, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import caching, dates, permissions
from ..communities.services import NotAllowed
from ..communities.views import community_or_404
from ..downloads import csv_download
from ..involvement.labels import EQUALITY_ANSWER_LABELS, EQUALITY_QUESTION_LABELS
from . import charts, figures
from .forms import MonthsForm
from .labels import FIGURE_LABELS, LABELS


def figure_labels():
    return LABELS


def health_figure(key, value):
    """A health figure as the reader's language writes it (see charts.written)."""
    return charts.written(key, value)


def community_health(community):
    """This year's figures for the community's page, worked out once per request."""
    cache = g.setdefault("community_health", {})
    if community.id not in cache:
        cache[community.id] = caching.remember(
            ("health", community.id), lambda: figures.year_so_far(community.id)
        )
    return cache[community.id]


def _chosen(slug):
    """(community, form): the form is checked, the reader may see the figures."""
    community = community_or_404(slug)
    if not permissions.can_see_impact_report(current_user, community):
        abort(403)
    form = MonthsForm(request.args)
    form.validate()
    return community, form


def _figures(community, form):
    try:
        return figures.dashboard(current_user, community, form.first, form.last)
    except NotAllowed:
        abort(403)


def _content(community, form, found):
    return caching.render_content(
        "health/_health_content.html",
        community=community,
        form=form,
        report=found,
        charts={chart.key: chart for chart in charts.charts_for(found)} if found else {},
    )


def _page(community, content, status=200):
    return render_template(
        "health/dashboard.html",
        community=community,
        content=content,
        title=_("Community health: %(name)s", name=community.name),
    ), status


@login_required
def dashboard(slug):
    community, form = _chosen(slug)
    if form.errors:
        return _page(community, _content(community, form, None), 400)
    # The same for every coordinator of the community: kept, as its figures are (see health).
    content = caching.remember_html(
        ("health", community.id, community.name, dates.today()),
        lambda: _content(community, form, _figures(community, form)),
        audience="coordinator",
    )
    return _page(community, content)


@login_required
def dashboard_file(slug):
    """Every figure the page shows, as CSV that spreadsheets open (UTF-8 with a BOM)."""
    community, form = _chosen(slug)
    if form.errors:
        return _page(community, _content(community, form, None), 400)
    found = _figures(community, form)
    filename = f"health-{community.slug}-{form.start.data}-{form.end.data}.csv"
    return csv_download(csv_rows(found), filename)


def csv_rows(found):
    """Month, measure, value and code: each figure of each month, then the make-up of the
    lay partners active at the end of the period, with small groups as "fewer than 5"."""
    yield [_("Month"), _("Measure"), _("Value"), _("Code")]
    for month in found.months:
        for key in figures.KEYS:
            value = month.figures[key]
            yield [
                dates.month_key(month.first_day),
                str(FIGURE_LABELS[key]),
                "" if value is None else value,
                key,
            ]
    last = dates.month_key(found.months[-1].first_day)
    fewer = _("fewer than 5")
    yield [
        last,
        _("Lay partners who answered the equality questions"),
        fewer if found.answered is None else found.answered,
        "equality_answered",
    ]
    for question, groups in found.make_up.items():
        for answer, count in groups:
            yield [
                last,
                f"{EQUALITY_QUESTION_LABELS[question]}: {EQUALITY_ANSWER_LABELS[answer]}",
                fewer if count is None else count,
                f"{question}.{answer}",
            ]
