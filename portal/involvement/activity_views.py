"""Coordinators' involvement pages: activities and who took part, payments, the approvals
queue, payments due for the finance team, and money totals."""

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import db, loaders, permissions
from ..accounts.models import User
from ..communities.models import Community
from ..communities.services import Refused
from ..i18n import Labels
from ..pagination import paginate
from . import queries, services
from .activity_forms import (
    ActivityFilterForm,
    ActivityForm,
    AttendanceForm,
    PayForm,
)
from .models import (
    ACTIVITY_KINDS,
    APPROVED,
    PAID,
    PAYMENT_STATUSES,
    TRAINING,
    VOUCHER,
    InvolvementActivity,
    Participation,
    Payment,
)

ACTIVITIES_PER_PAGE = 25
PEOPLE_PER_PAGE = 50
QUEUE_PER_PAGE = 25
DUE_PER_PAGE = 100

METHOD_LABELS = {
    PAID: _l("Bank payment"),
    VOUCHER: _l("Voucher"),
    "expenses": _l("Expenses, by bank payment"),
}
# The buttons a payment shows for each status, from services.MOVES ("pay" has its own form).
STEP_LABELS = {
    "accept": _l("Mark accepted"),
    "decline": _l("Mark declined"),
    "approve": _l("Approve"),
}
NEXT_STEPS = {
    status: [step for step in STEP_LABELS if status in services.MOVES[step][0]]
    for status in PAYMENT_STATUSES
}
LABELS = {"method_labels": Labels(METHOD_LABELS), "step_labels": Labels(STEP_LABELS)}
# The column headings every row of the activities list repeats (for narrow screens),
# translated once per language rather than once a row.
ACTIVITIES_WORDS = Labels(
    {
        "date": _l("Date"),
        "activity": _l("Activity"),
        "time": _l("Time each"),
        "people": _l("Lay partners"),
        "payments": _l("Payments"),
        "none": _l("None"),
    }
)


def payment_labels():
    return LABELS


def time_spent_words(minutes):
    """Time spent, in hours and minutes: "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    words = []
    if hours:
        words.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if rest or not hours:
        words.append(ngettext("%(num)d minute", "%(num)d minutes", rest))
    return " ".join(words)


def money_filter(value):
    """A sum of money as every page shows it: £1,234.50."""
    if value is None:
        return ""
    return f"£{Decimal(value):,.2f}"


def coordinators_only(community):
    if not permissions.can_manage_involvement(current_user, community):
        abort(403)


def managed_community(community):
    """Coordinators go on; other members may know the community's activities exist (403);
    everyone else may not (404)."""
    if permissions.can_manage_involvement(current_user, community):
        return
    abort(403 if permissions.is_member(current_user, community) else 404)


def _managed_activity(activity_id):
    activity = services.get_activity(activity_id)
    if activity is None:
        abort(404)
    community = db.session.get(Community, activity.community_id)
    managed_community(community)
    return activity, community


def _managed_payment(payment_id):
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        abort(404)
    activity, community = _managed_activity(payment.activity_id)
    return payment, activity, community


def _back_to_activity(activity):
    page = request.args.get("page", type=int)
    return redirect(
        url_for(
            "involvement.activity",
            activity_id=activity.id,
            page=page if page and page > 1 else None,
            _anchor="participants",
        )
    )


# Activities -----------------------------------------------------------------------------------


@login_required
def activities(slug):
    community = loaders.live_community(slug)
    coordinators_only(community)
    years = queries.activity_years(community)
    form = ActivityFilterForm(request.args)
    form.year.choices = [("", _("All years"))] + [(str(year), str(year)) for year in years]
    year = int(form.year.data) if form.year.data in {str(year) for year in years} else None
    kind = form.kind.data if form.kind.data in ACTIVITY_KINDS else ""
    page = paginate(
        queries.activities_query(community, year=year, kind=kind),
        ACTIVITIES_PER_PAGE,
        key=(InvolvementActivity.held_on.desc(), InvolvementActivity.id.desc()),
    )
    return render_template(
        "involvement/activities.html",
        community=community,
        filters=form,
        page=page,
        summaries=queries.activity_summaries([activity.id for activity in page.items]),
        # Most activities take one of a few lengths: each is put in words once.
        time_spent={m: time_spent_words(m) for m in {activity.minutes for activity in page.items}},
        words=ACTIVITIES_WORDS,
        title=_("Involvement activities"),
    )


def _activity_form(community, activity=None):
    if request.method == "GET" and activity is not None:
        form = ActivityForm(
            data={
                "kind": activity.kind,
                "title": activity.title,
                "held_on": activity.held_on,
                "time_hours": activity.minutes // 60,
                "time_minutes": activity.minutes % 60,
                "proposal_id": str(activity.proposal_id or ""),
                "notes": activity.notes,
            }
        )
    else:
        form = ActivityForm()
    current = activity.proposal_id if activity is not None else None
    form.proposal_id.choices = [("", _("None"))] + [
        (str(row.id), row.title) for row in queries.proposal_choices(community, current)
    ]
    return form


def _activity_fields(form):
    return {
        "kind": form.kind.data,
        "title": form.title.data,
        "held_on": form.held_on.data,
        "minutes": form.total_minutes(),
        "proposal_id": int(form.proposal_id.data) if form.proposal_id.data else None,
        "notes": form.notes.data,
    }


def _activity_form_page(form, community, activity=None, status=200):
    return (
        render_template(
            "involvement/activity_form.html",
            form=form,
            community=community,
            activity=activity,
            title=_("Change the activity") if activity else _("Record an activity"),
        ),
        status,
    )


@login_required
def new_activity(slug):
    community = loaders.live_community(slug)
    coordinators_only(community)
    form = _activity_form(community)
    if not form.validate_on_submit():
        return _activity_form_page(form, community, status=400 if form.is_submitted() else 200)
    try:
        activity = services.create_activity(current_user, community, **_activity_fields(form))
    except Refused as refusal:
        form.title.errors = [str(refusal.message)]
        return _activity_form_page(form, community, status=400)
    flash(_("The activity is recorded. Now choose who took part."), "success")
    return redirect(url_for("involvement.attendance", activity_id=activity.id))


@login_required
def edit_activity(activity_id):
    activity, community = _managed_activity(activity_id)
    form = _activity_form(community, activity)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _activity_form_page(form, community, activity, status=status)
    try:
        services.update_activity(current_user, activity, community, **_activity_fields(form))
    except Refused as refusal:
        form.title.errors = [str(refusal.message)]
        return _activity_form_page(form, community, activity, status=400)
    flash(_("Your changes are saved. Payments already offered keep their amounts."), "success")
    return redirect(url_for("involvement.activity", activity_id=activity.id))


def _activity_page(activity, community, *, failed=None, problem=None, status=200):
    """The activity with its people and payments. `failed` is a pay form in error."""
    # By name, then by person: the row's user_id is the User.id that the query sorts by.
    page = paginate(
        queries.participants_query(activity),
        PEOPLE_PER_PAGE,
        key=(User.display_name, Participation.user_id),
    )
    pay_forms = {
        payment.id: PayForm(prefix=f"pay-{payment.id}", formdata=None)
        for _participation, _name, payment, _preference in page.items
        if payment is not None and payment.status == APPROVED
    }
    if failed is not None:
        pay_forms[failed[0]] = failed[1]
    return (
        render_template(
            "involvement/activity.html",
            activity=activity,
            community=community,
            proposal_title=queries.proposal_title(activity.proposal_id),
            rate=services.rate_on(activity.kind, activity.held_on),
            page=page,
            pay_forms=pay_forms,
            next_steps=NEXT_STEPS,
            problem=problem,
            **({"form": failed[1]} if failed is not None else {}),
            title=activity.title,
        ),
        status,
    )


@login_required
def activity(activity_id):
    activity, community = _managed_activity(activity_id)
    return _activity_page(activity, community)


@login_required
def attendance(activity_id):
    activity, community = _managed_activity(activity_id)
    form = AttendanceForm()
    if activity.kind != TRAINING:
        del form.attended
    search = (request.args.get("q") or "").strip()[:80]
    if form.validate_on_submit():
        attended = "attended" not in form or form.attended.data == "attended"
        try:
            count = services.record_attendance(
                current_user, activity, community, form.people.data or [], attended=attended
            )
        except Refused as refusal:
            form.people.errors = [str(refusal.message)]
        else:
            flash(
                ngettext(
                    "%(num)d person added or changed.", "%(num)d people added or changed.", count
                ),
                "success",
            )
            return redirect(url_for("involvement.activity", activity_id=activity.id))
    return (
        render_template(
            "involvement/attendance.html",
            activity=activity,
            community=community,
            form=form,
            search=search,
            page=paginate(queries.attendance_query(activity, community, search), PEOPLE_PER_PAGE),
            chosen=set(form.people.data or []),
            title=_("Who took part?"),
        ),
        400 if form.is_submitted() else 200,
    )


@login_required
def remove_participant(activity_id, user_id):
    activity, community = _managed_activity(activity_id)
    try:
        services.remove_participant(current_user, activity, community, user_id)
    except Refused as refusal:
        return _activity_page(activity, community, problem=str(refusal.message), status=400)
    flash(_("They are taken off the activity."), "success")
    return _back_to_activity(activity)


# Payments -------------------------------------------------------------------------------------


@login_required
def move_payment(payment_id, action):
    if action not in STEP_LABELS:
        abort(404)
    payment, activity, community = _managed_payment(payment_id)
    try:
        services.move_payment(current_user, payment, community, action)
    except Refused as refusal:
        return _activity_page(activity, community, problem=str(refusal.message), status=400)
    flash(_("The payment is updated. The person has been told."), "success")
    return _back_to_activity(activity)


@login_required
def pay(payment_id):
    payment, activity, community = _managed_payment(payment_id)
    form = PayForm(prefix=f"pay-{payment.id}")
    if form.validate_on_submit():
        try:
            services.move_payment(
                current_user,
                payment,
                community,
                "pay",
                paid_on=form.paid_on.data,
                reference=form.reference.data,
            )
        except Refused as refusal:
            form.reference.errors = [str(refusal.message)]
        else:
            flash(_("The payment is marked paid. The person has been told."), "success")
            return _back_to_activity(activity)
    return _activity_page(activity, community, failed=(payment.id, form), status=400)
