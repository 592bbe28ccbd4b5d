"""A community's impact report for a calendar year, in the GRIPP2 short form.

Coordinators write the narrative (aim, methods, results, discussion,
reflections), one per community and year. The figures, the service changes
that moved in the year and the approved quotes are not stored: they are read
from the data each time, so the page and its files always agree.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from .. import caching, dates, db, permissions
from ..briefings.models import MEMBERS, PUBLIC
from ..communities.services import Refused, require
from ..consultations.models import Contribution, Proposal, Quote
from ..db import utcnow
from . import measures as figures
from .models import ChangeStatusEntry, ImpactReport, ServiceChange

NARRATIVE_FIELDS = (
    "aim",
    "methods",
    "results_positive",
    "results_negative",
    "discussion",
    "reflections",
)
NARRATIVE_LIMIT = 10000
# A report lists at most this many changes and quotes (newest first); the page says so.
CHANGES_LIMIT = 200
QUOTES_LIMIT = 10

AUDIENCE_LABELS = {PUBLIC: _l("Everyone"), MEMBERS: _l("Members only")}


@dataclass(frozen=True)
class YearReport:
    community: object
    year: int
    start: date
    end: date
    measures: figures.Measures
    changes: list
    quotes: list
    narrative: ImpactReport | None

    @property
    def has_narrative(self):
        return self.narrative is not None and any(
            getattr(self.narrative, name) for name in NARRATIVE_FIELDS
        )


def year_period(year):
    return date(year, 1, 1), date(year, 12, 31)


def first_year(community):
    """The year the community started, in UK time."""
    zone = dates.zone()
    return community.created_at.astimezone(zone).year


def years(community, today=None):
    """The years a report can cover, newest first: from the community's first to this one."""
    this_year = (today or dates.today()).year
    return list(range(this_year, min(first_year(community), this_year) - 1, -1))


def narrative_of(community, year):
    start, end = year_period(year)
    return db.session.scalar(
        sa.select(ImpactReport).where(
            ImpactReport.community_id == community.id,
            ImpactReport.period_start == start,
            ImpactReport.period_end == end,
        )
    )


def save_narrative(actor, community, year, **fields):
    """Save the coordinator's narrative for the community's report of `year`.

    Two coordinators saving the first version at once both keep a report:
    the later save updates the one the earlier created.
    """
    require(permissions.can_see_impact_report(actor, community))
    if year not in years(community):
        raise Refused(_l("Choose a year from the community's start to this year"))
    values = {}
    for name in NARRATIVE_FIELDS:
        value = (fields.get(name) or "").strip()
        if len(value) > NARRATIVE_LIMIT:
            raise Refused(
                _l(
                    "Shorten each part of the report to %(limit)d characters or fewer",
                    limit=NARRATIVE_LIMIT,
                )
            )
        values[name] = value
    report = narrative_of(community, year)
    if report is None:
        start, end = year_period(year)
        report = ImpactReport(community_id=community.id, period_start=start, period_end=end)
        try:
            with db.session.begin_nested():
                db.session.add(report)
        except sa.exc.IntegrityError:
            report = narrative_of(community, year)
    for name, value in values.items():
        setattr(report, name, value)
    report.updated_by_id = actor.id
    report.updated_at = utcnow()
    db.session.flush()
    caching.renew_after_commit(caching.impact_report(community.id))
    return report


def changes_moved(community_id, start, end, limit=CHANGES_LIMIT):
    """The community's changes with a history entry in the period, newest first.

    Each row has id, title, visibility, and the status, progress, note and
    date of its latest entry in the period: where it stood when the period ended.
    A parent change shows the progress of its parts as it is today.
    """
    entry = ChangeStatusEntry
    ranked = (
        sa.select(
            entry.change_id,
            entry.status,
            entry.progress,
            entry.note,
            entry.occurred_on,
            sa.func.row_number()
            .over(
                partition_by=entry.change_id,
                order_by=(entry.occurred_on.desc(), entry.id.desc()),
            )
            .label("rank"),
        )
        .join(ServiceChange, ServiceChange.id == entry.change_id)
        .where(
            ServiceChange.community_id == community_id,
            entry.occurred_on >= start,
            entry.occurred_on <= end,
        )
        .subquery()
    )
    # A parent's progress is worked out from its parts and is not in its history: show it now.
    parts = aliased(ServiceChange)
    # The parents, listed once: a check per row made SQLite read every change for each.
    has_parts = ServiceChange.id.in_(sa.select(parts.parent_id).where(parts.parent_id.is_not(None)))
    return db.session.execute(
        sa.select(
            ServiceChange.id,
            ServiceChange.title,
            ServiceChange.visibility,
            ranked.c.status,
            sa.case((has_parts, ServiceChange.progress), else_=ranked.c.progress).label("progress"),
            ranked.c.note,
            ranked.c.occurred_on,
        )
        .join(ranked, ranked.c.change_id == ServiceChange.id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.occurred_on.desc(), ServiceChange.id.desc())
        .limit(limit)
    ).all()


def quotes_in(community_id, start, end, limit=QUOTES_LIMIT):
    """Approved quotes from views given in the period, newest approval first.

    Only quotes of contributions whose authors agreed to be quoted, and that
    are neither hidden nor withdrawn. Rows have the quote's text and the
    proposal's title: never who said it.
    """
    since, until = figures.bounds(start, end)
    # Read from the quotes, newest first, each checked against its contribution by id: the
    # quotes are few, the community's views of a year many. Joining the other way round
    # made SQLite read every view of the period first.
    quoted = (
        sa.select(Contribution.id)
        .where(
            Contribution.id == Quote.contribution_id,
            Contribution.community_id == community_id,
            Contribution.quote_consent.is_(True),
            Contribution.hidden_at.is_(None),
            Contribution.withdrawn_at.is_(None),
            Contribution.submitted_at >= since,
            Contribution.submitted_at < until,
        )
        .correlate(Quote)
    )
    title = (
        sa.select(Proposal.title)
        .join(Contribution, Contribution.proposal_id == Proposal.id)
        .where(Contribution.id == Quote.contribution_id)
        .correlate(Quote)
        .scalar_subquery()
    )
    return db.session.execute(
        sa.select(Quote.id, Quote.text, title.label("proposal_title"))
        .where(quoted.exists())
        .order_by(Quote.approved_at.desc(), Quote.id.desc())
        .limit(limit)
    ).all()


def report_for(actor, community, year, *, quotes=True):
    """Everything the report of `year` shows: figures, changes, quotes and the narrative."""
    require(permissions.can_see_impact_report(actor, community))
    start, end = year_period(year)
    return YearReport(
        community=community,
        year=year,
        start=start,
        end=end,
        measures=figures.kept(community.id, start, end),
        changes=changes_moved(community.id, start, end),
        quotes=quotes_in(community.id, start, end) if quotes else [],
        narrative=narrative_of(community, year),
    )


# Files ------------------------------------------------------------------------------------


def csv_rows(report, status_labels):
    """The figures, then (after an empty row) the changes, as rows for a spreadsheet.

    `status_labels` gives the words shown for each change status.
    """
    period = [report.start.isoformat(), report.end.isoformat()]
    yield [_("Measure"), _("Value"), _("From"), _("To"), _("Code")]
    for key, value in report.measures.values().items():
        yield [str(figures.MEASURE_LABELS[key]), "" if value is None else value, *period, key]
    yield []
    yield [
        _("Service change"),
        _("Status"),
        _("Progress (%)"),
        _("Latest note"),
        _("Date"),
        _("Who can see it"),
    ]
    for change in report.changes:
        yield [
            change.title,
            status_labels.get(change.status, change.status),
            change.progress,
            change.note,
            change.occurred_on.isoformat(),
            str(AUDIENCE_LABELS.get(change.visibility, change.visibility)),
        ]


def json_document(report):
    narrative = report.narrative
    return {
        "community": {"name": report.community.name, "slug": report.community.slug},
        "period": {
            "year": report.year,
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
        },
        "measures": report.measures.values(),
        "changes": [
            {
                "title": change.title,
                "status": change.status,
                "progress": change.progress,
                "latest_note": change.note,
                "date": change.occurred_on.isoformat(),
                "visibility": change.visibility,
            }
            for change in report.changes
        ],
        "narrative": {
            name: getattr(narrative, name) if narrative is not None else ""
            for name in NARRATIVE_FIELDS
        },
    }
