"""The site admins' payment rates: every rate by kind, the one in force, and a new rate."""

from itertools import groupby

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import dates, permissions
from ..communities.services import Refused
from ..pagination import paginate
from . import queries, services
from .activity_forms import RateForm

RATES_PER_PAGE = 100


@login_required
def rates():
    if not permissions.can_manage_rates(current_user):
        abort(403)
    form = RateForm()
    if form.validate_on_submit():
        try:
            services.add_rate(
                current_user,
                kind=form.kind.data,
                unit=form.unit.data,
                amount=form.amount_value(),
                effective_from=form.effective_from.data,
                note=form.note.data,
            )
        except Refused as refusal:
            form.effective_from.errors = [str(refusal.message)]
        else:
            flash(_("The rate is added."), "success")
            return redirect(url_for("involvement.rates"))
    page = paginate(queries.rates_query(), RATES_PER_PAGE)
    return render_template(
        "involvement/rates.html",
        form=form,
        page=page,
        groups=[(kind, list(rows)) for kind, rows in groupby(page.items, lambda r: r.kind)],
        in_force=queries.rates_in_force(dates.today()),
        today=dates.today(),
        title=_("Payment rates"),
    ), 400 if form.is_submitted() else 200
