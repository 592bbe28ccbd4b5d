"""What lay input changed: "my impact", proposal traceability, the "you said, we did" board,
the community timeline and open data."""

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import caching, loaders, permissions
from ..briefings.models import PUBLIC
from ..communities.services import NotAllowed
from ..communities.timeline import TimelineEvent
from ..communities.views import community_or_404
from ..consultations.models import Contribution
from ..db import utcnow
from ..downloads import csv_download
from ..i18n import text_direction
from ..pagination import paginate
from . import board, diagram, events, influence, tracing
from . import open_data as open_files
from .board_forms import BoardFilterForm, EventForm, TimelineFilterForm
from .labels import LABELS
from .models import ServiceChange

MINE_PER_PAGE = 20
BOARD_PER_PAGE = 10
TIMELINE_PER_PAGE = 25


def impact_labels():
    return LABELS


def what_it_changed(contribution):
    """The live links that reach one of the person's own contributions, for its page."""
    return influence.links_of([contribution.id])[contribution.id]


@login_required
def mine():
    page = paginate(
        tracing.my_contributions_query(current_user),
        MINE_PER_PAGE,
        key=(Contribution.submitted_at.desc(), Contribution.id.desc()),
    )
    totals = tracing.my_totals(current_user)
    return render_template(
        "impact/mine.html",
        page=page,
        totals=totals,
        links=tracing.links_of(page.items),
        communities=tracing.open_proposals_by_community(current_user)
        if not totals["total"]
        else [],
        title=_("My impact"),
    )


def trace(proposal_id):
    proposal = loaders.consultation(proposal_id)
    community = proposal.community
    found = tracing.trace(proposal, member=permissions.is_member(current_user, community))
    svg, rows, both_ways = diagram.drawn(
        found,
        title=_("What the views on “%(title)s” led to", title=proposal.title),
        rtl=text_direction() == "rtl",
    )
    return render_template(
        "impact/trace.html",
        proposal=proposal,
        community=community,
        trace=found,
        svg=svg,
        rows=rows,
        both_ways=both_ways,
        title=_("What happened: %(title)s", title=proposal.title),
    )


def you_said_we_did():
    title = _("You said, we did")
    content = caching.remember_html("board", lambda: _board_content(title), audience="everyone")
    return render_template("impact/board.html", content=content, title=title)


def _board_content(title):
    """The filters and a page of public changes: the same for every reader in a language."""
    form = BoardFilterForm(request.args)
    communities, years = caching.remember(("board-choices",), _board_choices)
    form.community.choices = [("", _("All communities")), *communities]
    form.year.choices = [("", _("Any year"))] + [(str(year), str(year)) for year in years]
    chosen = form.chosen()
    filters = caching.remember_markup(
        ("board-filters", form.community.data, form.status.data, form.year.data),
        lambda: render_template("impact/_board_filters.html", form=form),
    )
    page = paginate(
        board.public_changes(**chosen),
        BOARD_PER_PAGE,
        key=(ServiceChange.updated_at.desc(), ServiceChange.id.desc()),
    )
    return render_template(
        "impact/_board_content.html",
        filters=filters,
        page=page,
        said=_said_about([row[0].id for row in page.items]),
        title=title,
    )


def _board_choices():
    """[(slug, name)] of the communities and the years to filter the board by: the same
    for every reader, and long at national scale."""
    communities = [(row.slug, row.name) for row in board.board_communities()]
    return communities, board.board_years()


def _said_about(change_ids):
    """What lay partners said about a page of public changes: the same for every visitor,
    and costly to count over a year of contributions, so worked out at most once a minute."""
    return caching.remember(("board", tuple(change_ids)), lambda: board.board_details(change_ids))


def timeline(slug):
    community = community_or_404(slug)
    member = permissions.is_member(current_user, community)
    can_manage = permissions.can_manage_timeline(current_user, community)
    title = _("Timeline of %(name)s", name=community.name)
    content = caching.remember_html(
        ("timeline", title),
        lambda: _timeline_content(community, member, can_manage, title),
        audience=(member, can_manage),
        stamp=caching.timeline_figures(community.id),
    )
    return render_template(
        "impact/timeline.html", community=community, content=content, title=title
    )


def _timeline_content(community, member, can_manage, title):
    """The filters and a page of events: members see members-only events too."""
    form = TimelineFilterForm(request.args)
    form.year.choices = [("", _("Every year"))] + [
        (str(year), str(year)) for year in events.timeline_years(community, member=member)
    ]
    page = paginate(
        events.timeline_query(community, member=member, **form.chosen()),
        TIMELINE_PER_PAGE,
        key=(TimelineEvent.occurred_at.desc(), TimelineEvent.id.desc()),
    )
    return render_template(
        "impact/_timeline_content.html",
        community=community,
        member=member,
        can_manage=can_manage,
        form=form,
        page=page,
        years=events.by_year(page.items),
        title=title,
    )


def _event_page(community, form, status=200):
    return (
        render_template(
            "impact/event_form.html",
            community=community,
            form=form,
            title=_("Add an event to the timeline"),
        ),
        status,
    )


@login_required
def new_event(slug):
    community = community_or_404(slug)
    if not permissions.can_manage_timeline(current_user, community):
        abort(403)
    form = EventForm()
    if not form.validate_on_submit():
        return _event_page(community, form, 400 if form.is_submitted() else 200)
    try:
        events.new_event(
            current_user,
            community,
            kind=form.kind.data,
            title=form.title.data,
            detail=form.detail.data,
            occurred_on=form.occurred_on.data,
            public=form.visibility.data == PUBLIC,
        )
    except NotAllowed:
        abort(403)
    except events.EventRefused as refusal:
        form[refusal.field_name].errors = [str(refusal.message)]
        return _event_page(community, form, 400)
    flash(_("The event is on the timeline."), "success")
    return redirect(url_for("impact.timeline", slug=community.slug))


# Open data --------------------------------------------------------------------------------


def open_data():
    return render_template(
        "impact/open_data.html",
        files=open_files.OPEN_DATA,
        licence=open_files.LICENCE,
        licence_url=open_files.LICENCE_URL,
        title=_("Open data"),
    )


def open_data_file(name, fmt):
    if name not in open_files.OPEN_DATA or fmt not in ("csv", "json"):
        abort(404)
    fields, items = open_files.OPEN_DATA[name]
    items = items()
    if fmt == "json":
        body = json.dumps(
            {
                "generated": utcnow().replace(microsecond=0).isoformat(),
                "licence": open_files.LICENCE,
                "licence_url": open_files.LICENCE_URL,
                "items": items,
            },
            ensure_ascii=False,
            indent=1,
        )
        return Response(body, headers={"Content-Type": "application/json; charset=utf-8"})
    rows = [fields] + [[_cell(item[field]) for field in fields] for item in items]
    return csv_download(rows, f"chorus-{name}.csv")


def _cell(value):
    """A list (a change's decisions) as numbers separated by spaces."""
    if isinstance(value, list):
        return " ".join(str(number) for number in value)
    return value
