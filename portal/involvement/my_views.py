"""A lay partner's own pages: "My involvement", the statement, how they would like to be
paid, and their optional equality monitoring answers. Each shows only the person's own data."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import dates
from ..communities.services import Refused
from ..downloads import csv_download
from ..pagination import paginate
from . import equality, my_queries, services
from .my_forms import EqualityForm, PreferenceForm, StatementForm

SHORT = 5  # rows of each list on "My involvement"; "See all" pages the rest
PER_PAGE = 20

SECTION_TITLES = {
    "activities": _l("Your activities"),
    "training": _l("Your training"),
    "payments": _l("Your payments"),
    "claims": _l("Your expense claims"),
}
SECTIONS = {
    "activities": lambda user: my_queries.activities_query(user),
    "training": lambda user: my_queries.activities_query(user, training_only=True),
    "payments": my_queries.payments_query,
    "claims": my_queries.claims_query,
}


def as_hours(minutes):
    """Minutes as hours the way the reader's language writes numbers: 1.5, 0.75."""
    return format_decimal(my_queries.hours(minutes))


def my_payment_preference():
    """The signed-in person's payment preference, for their profile."""
    return services.preference_of(current_user.id)


def my_equality_answered():
    return equality.answers_of(current_user) is not None


@login_required
def mine():
    """Everything at a glance, the latest few of each list; `?show=` pages through one list."""
    show = request.args.get("show")
    if show is not None:
        if show not in SECTIONS:
            abort(404)
        return render_template(
            "involvement/mine.html",
            show=show,
            page=paginate(SECTIONS[show](current_user), PER_PAGE),
            title=SECTION_TITLES[show],
        )
    return render_template(
        "involvement/mine.html",
        show=None,
        sections=my_queries.latest_lists(current_user, SHORT),
        totals=my_queries.my_totals(current_user, dates.today()),
        communities=my_queries.lay_partner_communities(current_user),
        title=_("My involvement"),
    )


def _period_form():
    """The period asked for, or this tax year (6 April to 5 April) when none is."""
    form = StatementForm(request.args)
    if form.validate() and form.start.data is None:
        form.start.data, form.end.data = my_queries.tax_year(dates.today())
    return form


def _statement_page(form):
    return render_template(
        "involvement/statement.html",
        form=form,
        statement=None
        if form.errors
        else my_queries.statement(current_user, form.start.data, form.end.data),
        limit=my_queries.STATEMENT_LIMIT,
        title=_("Your statement"),
    ), 400 if form.errors else 200


@login_required
def statement():
    return _statement_page(_period_form())


@login_required
def statement_csv():
    """The statement as CSV that a spreadsheet opens correctly (UTF-8 with a BOM)."""
    form = _period_form()
    if form.errors:
        return _statement_page(form)
    found = my_queries.statement(current_user, form.start.data, form.end.data)
    filename = f"chorus-statement-{found.start.isoformat()}-to-{found.end.isoformat()}.csv"
    return csv_download(my_queries.statement_rows(found), filename)


@login_required
def preference():
    form = PreferenceForm(data={"preference": services.preference_of(current_user.id)})
    if form.validate_on_submit():
        try:
            services.set_preference(current_user, form.preference.data)
        except Refused as refusal:
            form.preference.errors = [str(refusal.message)]
        else:
            flash(_("How you would like to be paid is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "involvement/preference.html",
        form=form,
        title=_("How you would like to be paid"),
    ), 400 if form.errors else 200


@login_required
def equality_answers():
    answers = equality.answers_of(current_user)
    form = EqualityForm(obj=answers, consent=answers is not None)
    if form.validate_on_submit():
        try:
            equality.save(current_user, consent=form.consent.data, **form.answers())
        except Refused as refusal:
            form.consent.errors = [str(refusal.message)]
        else:
            flash(_("Thank you. Your answers are saved."), "success")
            return redirect(url_for("involvement.equality"))
    return render_template(
        "involvement/equality.html",
        form=form,
        answers=answers,
        title=_("Equality monitoring (optional)"),
    ), 400 if form.errors else 200


@login_required
def delete_equality():
    equality.delete(current_user)
    flash(_("Your equality answers are deleted. Chorus keeps nothing of them."), "success")
    return redirect(url_for("involvement.equality"))
