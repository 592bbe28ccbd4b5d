"""A community's impact in figures: the coordinators' dashboard, the yearly report and its
files, and the short summary on the community's page."""

import json
from datetime import date, timedelta

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import caching, dates, permissions
from ..communities.services import NotAllowed, Refused
from ..communities.views import community_or_404
from ..downloads import csv_download
from ..i18n import Labels
from . import annual_report, measures
from .labels import LABELS as IMPACT_LABELS
from .report_forms import NarrativeForm, YearOrPeriodForm

LABELS = {
    "measure_labels": Labels(measures.MEASURE_LABELS),
    "measure_hints": Labels(measures.MEASURE_HINTS),
    "measure_empty": Labels(measures.MEASURE_EMPTY),
    "audience_labels": Labels(annual_report.AUDIENCE_LABELS),
    "measure_keys": measures.KEYS,
    "percent_measures": measures.PERCENTS,
}


def measure_labels():
    return LABELS


def community_impact(community):
    """The community's figures for the last twelve months, for its page; once per request.

    People outside the community count its public service changes only.
    """
    public_only = not permissions.is_member(current_user, community)
    cache = g.setdefault("community_impact", {})
    key = (community.id, public_only)
    if key not in cache:
        cache[key] = _recent_figures(community.id, public_only)
    return cache[key]


def _recent_figures(community_id, public_only):
    """The last twelve months' figures: they count a year of contributions and change slowly."""

    start, end = dates.twelve_months_to()
    return measures.kept(community_id, start, end, public_changes_only=public_only)


def _coordinated_or_error(slug):
    community = community_or_404(slug)
    if not permissions.can_see_impact_report(current_user, community):
        abort(403)
    return community


def _year_or_404(community):
    years = annual_report.years(community)
    year = request.args.get("year", years[0], type=int)
    if year not in years:
        abort(404)
    return year


def _periods(form, years):
    """The chosen period and the one before it, with words for each: a year, or dates."""
    if form.start.data and form.end.data:
        start, end = form.start.data, form.end.data
        previous_end = start - timedelta(days=1)
        previous_start = previous_end - (end - start)
        return {
            "start": start,
            "end": end,
            "previous_start": previous_start,
            "previous_end": previous_end,
            "report_year": end.year if end.year in years else years[0],
        }
    year = int(form.year.data or years[0])
    return {
        "start": date(year, 1, 1),
        "end": date(year, 12, 31),
        "previous_start": date(year - 1, 1, 1),
        "previous_end": date(year - 1, 12, 31),
        "year": year,
        "report_year": year,
    }


@login_required
def dashboard(slug):
    community = _coordinated_or_error(slug)
    title = _("Impact dashboard: %(name)s", name=community.name)
    years = annual_report.years(community)
    form = YearOrPeriodForm(request.args, years)
    if not form.validate():
        content = _dashboard_content(community, form, None)
        return _page("impact/dashboard.html", community, content, title), 400
    # The same for every coordinator of the community, and its figures are kept (FRESHNESS).
    content = caching.remember_html(
        ("impact-dashboard", community.id, community.name, dates.today()),
        lambda: _dashboard_content(community, form, _periods(form, years)),
        audience="coordinator",
    )
    return _page("impact/dashboard.html", community, content, title)


def _dashboard_content(community, form, period):
    figures = {}
    if period:
        figures = {
            "current": measures.kept(community.id, period["start"], period["end"]),
            "previous": measures.kept(
                community.id, period["previous_start"], period["previous_end"]
            ),
        }
    return caching.render_content(
        "impact/_dashboard_content.html",
        community=community,
        form=form,
        period=period,
        freshness=measures.FRESHNESS,
        **figures,
    )


def _page(template, community, content, title):
    return render_template(template, community=community, content=content, title=title)


@login_required
def report(slug):
    community = _coordinated_or_error(slug)
    year = _year_or_404(community)
    # The same for every coordinator; saving a narrative renews it at once (annual_report.py).
    content = caching.remember_html(
        ("impact-report", community.id, community.name, dates.today()),
        lambda: _report_content(community, year),
        audience="coordinator",
        stamp=caching.impact_report(community.id),
    )
    title = _("Impact report %(year)d: %(name)s", year=year, name=community.name)
    return _page("impact/report.html", community, content, title)


def _report_content(community, year):
    return render_template(
        "impact/_report_content.html",
        community=community,
        report=annual_report.report_for(current_user, community, year),
        years=annual_report.years(community),
        changes_limit=annual_report.CHANGES_LIMIT,
        freshness=measures.FRESHNESS,
    )


@login_required
def edit_report(slug):
    community = _coordinated_or_error(slug)
    year = _year_or_404(community)
    narrative = annual_report.narrative_of(community, year) if request.method == "GET" else None
    form = NarrativeForm(obj=narrative)
    if form.validate_on_submit():
        try:
            annual_report.save_narrative(
                current_user,
                community,
                year,
                **{name: form[name].data for name in annual_report.NARRATIVE_FIELDS},
            )
        except NotAllowed:
            abort(403)
        except Refused as refusal:
            form.aim.errors = [str(refusal.message)]
        else:
            flash(_("The report is saved."), "success")
            return redirect(url_for("impact.report", slug=community.slug, year=year))
    return render_template(
        "impact/report_form.html",
        community=community,
        form=form,
        year=year,
        title=_("Write the impact report for %(year)d", year=year),
    ), 400 if form.errors else 200


@login_required
def report_data(slug, fmt):
    """The report's figures and changes as CSV (UTF-8 with a BOM, for spreadsheets) or JSON."""
    if fmt not in ("csv", "json"):
        abort(404)
    community = _coordinated_or_error(slug)
    year = _year_or_404(community)
    report = annual_report.report_for(current_user, community, year, quotes=False)
    filename = f"impact-{community.slug}-{year}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "json":
        body = json.dumps(annual_report.json_document(report), ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json", headers=headers)
    return csv_download(
        annual_report.csv_rows(report, IMPACT_LABELS["change_status_labels"]), filename
    )
