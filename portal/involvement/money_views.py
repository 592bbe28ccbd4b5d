"""Coordinators' money pages: the approvals queue, payments due for the finance team, and
money and hours by month."""

from decimal import Decimal

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required

from .. import dates
from ..communities.views import community_or_404
from ..downloads import csv_download
from ..forms import PeriodForm
from ..i18n import Labels
from ..pagination import paginate
from . import queries
from .activity_views import LABELS, coordinators_only
from .labels import LABELS as INVOLVEMENT_LABELS
from .models import ExpenseClaim, Payment

QUEUE_PER_PAGE = 25
DUE_PER_PAGE = 100


# The column headings every row of the queue repeats (for narrow screens), translated once
# per language rather than once a row.
QUEUE_WORDS = Labels(
    {
        "name": _l("Name"),
        "activity": _l("Activity"),
        "claim": _l("Claim"),
        "amount": _l("Amount"),
        "status": _l("Status"),
        "waiting": _l("Waiting"),
        "deleted": _l("Deleted account"),
    }
)


def _waits(rows, since):
    """How long each row has waited, in words: each number of working days is put in
    words once."""
    days = [queries.waited(since(row)) for row in rows]
    words = {
        count: ngettext("%(num)d working day", "%(num)d working days", count) for count in set(days)
    }
    return [words[count] for count in days]


@login_required
def queue(slug):
    community = community_or_404(slug)
    coordinators_only(community)
    payments = paginate(
        queries.payments_waiting_query(community),
        QUEUE_PER_PAGE,
        key=(Payment.created_at, Payment.id),
    )
    claims = paginate(
        queries.claims_waiting_query(community),
        QUEUE_PER_PAGE,
        key=(ExpenseClaim.submitted_at, ExpenseClaim.id),
        argument="claims_page",
    )
    return render_template(
        "involvement/queue.html",
        community=community,
        payments=payments,
        claims=claims,
        payment_waits=_waits(payments.items, queries.payment_waiting_since),
        claim_waits=_waits(claims.items, queries.claim_waiting_since),
        words=QUEUE_WORDS,
        title=_("Waiting for approval or payment"),
    )


# Payments due for the finance team ------------------------------------------------------------


def _period_form():
    return PeriodForm(request.args, default=dates.this_month())


@login_required
def payments_due(slug):
    community = community_or_404(slug)
    coordinators_only(community)
    form = _period_form()
    if not form.validate():
        return render_template(
            "involvement/payments_due.html",
            community=community,
            form=form,
            page=None,
            title=_("Payments due"),
        ), 400
    query = queries.due_query(community, form.start.data, form.end.data)
    return render_template(
        "involvement/payments_due.html",
        community=community,
        form=form,
        page=paginate(query, DUE_PER_PAGE),
        total=queries.due_total(query),
        what_for=_what_for,
        title=_("Payments due"),
    )


def _what_for(row):
    """What a row of payments due is for: the activity, or the kind of expense."""
    if row.source == queries.CLAIM:
        category = INVOLVEMENT_LABELS["expense_category_labels"][row.category]
        return _(
            "Expenses (%(category)s): %(description)s", category=category, description=row.what
        )
    return f"{INVOLVEMENT_LABELS['activity_kind_labels'][row.category]}: {row.what}"


@login_required
def payments_due_csv(slug):
    """The payments due in a period as CSV for the finance team (UTF-8 with a BOM, and no
    cell a spreadsheet would run as a formula)."""
    community = community_or_404(slug)
    coordinators_only(community)
    form = _period_form()
    if not form.validate():
        abort(400)
    start, end = form.start.data, form.end.data
    filename = f"payments-due-{community.slug}-{start.isoformat()}-{end.isoformat()}.csv"
    return csv_download(_due_rows(queries.due_query(community, start, end)), filename)


def _due_rows(query):
    """The header, one row per payment or claim due, and the total."""
    labels = LABELS["method_labels"]
    yield [_("Name"), _("Email address"), _("What for"), _("Date"), _("Amount (£)"), _("How")] + [
        _("Chorus reference")
    ]
    total = Decimal("0.00")
    for row in queries.due_rows(query):
        total += row.amount
        yield [
            row.name or _("Deleted account"),
            row.email or "",
            _what_for(row),
            row.day.isoformat(),
            f"{row.amount:.2f}",
            labels[row.method],
            f"{'P' if row.source == queries.PAYMENT else 'E'}{row.item_id}",
        ]
    yield [_("Total"), "", "", "", f"{total:.2f}", "", ""]


@login_required
def totals(slug):
    community = community_or_404(slug)
    coordinators_only(community)
    years = queries.activity_years(community)
    year = request.args.get("year", dates.today().year, type=int)
    if year not in years:
        abort(404)
    months, year_total = queries.totals(community, year)
    return render_template(
        "involvement/totals.html",
        community=community,
        years=years,
        year=year,
        months=months,
        year_total=year_total,
        title=_("Money and hours in %(year)d", year=year),
    )
