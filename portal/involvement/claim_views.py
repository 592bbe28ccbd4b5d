"""Expense claims: a lay partner claims, changes a claim until it is decided, and fetches
its receipt; the community's coordinators decide and mark it paid.

A claim is seen only by its owner and the community's coordinators: anyone
else gets a 404, as if it did not exist.
"""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db, permissions
from ..accounts.models import User
from ..communities.models import Community
from ..communities.services import Refused
from ..communities.views import community_or_404
from ..i18n import dateformat
from . import expenses, my_queries, receipts
from .claim_forms import ClaimForm, DecisionForm, PayForm
from .models import CLAIM_APPROVED, PART_APPROVED, SUBMITTED, InvolvementActivity


def _claim_or_404(claim_id):
    claim = expenses.get(claim_id)
    if claim is None:
        abort(404)
    community = db.session.get(Community, claim.community_id)
    if not permissions.can_see_receipt(current_user, claim, community):
        abort(404)
    return claim, community


def _claim_form(community, claim=None):
    if request.method == "GET" and claim is not None:
        form = ClaimForm(obj=claim)
        form.amount.data = f"{claim.amount:.2f}"
        form.activity_id.data = str(claim.activity_id or "")
    else:
        form = ClaimForm()
    keep = claim.activity_id if claim is not None else None
    form.activity_id.choices = [("", _("None, or it is not listed"))] + [
        (str(id_), f"{title} – {dateformat(held_on, 'long')}")
        for id_, title, held_on in my_queries.claimable_activities(current_user, community, keep)
    ]
    return form


def _claim_form_page(form, community, claim=None, status=200):
    return (
        render_template(
            "involvement/claim_form.html",
            form=form,
            community=community,
            claim=claim,
            file_chosen=bool(form.receipt.data),
            title=_("Change your claim") if claim else _("Claim expenses"),
        ),
        status,
    )


def _refused(form, refusal):
    """The form checks every field it can; what only the service checks is the receipt
    (its type and size), or, rarely, the activity."""
    target = form.receipt if form.receipt.data else form.activity_id
    target.errors = [str(refusal.message)]


@login_required
def new_claim(slug):
    community = community_or_404(slug)
    if not permissions.can_claim_expenses(current_user, community):
        abort(403)
    form = _claim_form(community)
    if not form.validate_on_submit():
        return _claim_form_page(form, community, status=400 if form.is_submitted() else 200)
    try:
        claim = expenses.submit(current_user, community, **form.fields())
    except Refused as refusal:
        _refused(form, refusal)
        return _claim_form_page(form, community, status=400)
    flash(_("Your claim is sent. A coordinator will decide on it."), "success")
    return redirect(url_for("involvement.claim", claim_id=claim.id))


@login_required
def edit_claim(claim_id):
    claim, community = _claim_or_404(claim_id)
    if claim.user_id != current_user.id:
        abort(403)
    if claim.status != SUBMITTED:
        flash(_("A coordinator has decided on this claim, so it cannot be changed."), "warning")
        return redirect(url_for("involvement.claim", claim_id=claim.id))
    form = _claim_form(community, claim)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _claim_form_page(form, community, claim, status=status)
    try:
        expenses.change(current_user, claim, community, **form.fields())
    except Refused as refusal:
        _refused(form, refusal)
        return _claim_form_page(form, community, claim, status=400)
    flash(_("Your claim is changed."), "success")
    return redirect(url_for("involvement.claim", claim_id=claim.id))


def _claim_page(claim, community, decision_form=None, pay_form=None, status=200):
    coordinator = permissions.can_manage_involvement(current_user, community)
    if coordinator and decision_form is None and claim.status == SUBMITTED:
        decision_form = DecisionForm(prefix="decision", formdata=None)
    if coordinator and pay_form is None and claim.status in (CLAIM_APPROVED, PART_APPROVED):
        pay_form = PayForm(prefix="pay", formdata=None)
    in_error = [f for f in (decision_form, pay_form) if f is not None and f.errors]
    return (
        render_template(
            "involvement/claim.html",
            claim=claim,
            community=community,
            owner=db.session.get(User, claim.user_id) if claim.user_id else None,
            activity=db.session.get(InvolvementActivity, claim.activity_id)
            if claim.activity_id
            else None,
            is_owner=claim.user_id == current_user.id,
            decision_form=decision_form,
            pay_form=pay_form,
            **({"form": in_error[0]} if in_error else {}),
            title=_("Expense claim"),
        ),
        status,
    )


@login_required
def claim(claim_id):
    claim, community = _claim_or_404(claim_id)
    return _claim_page(claim, community)


def _coordinated_claim_or_error(claim_id):
    claim, community = _claim_or_404(claim_id)
    if not permissions.can_manage_involvement(current_user, community):
        abort(403)
    return claim, community


@login_required
def decide_claim(claim_id):
    claim, community = _coordinated_claim_or_error(claim_id)
    if claim.status != SUBMITTED:  # decided meanwhile, or sent twice
        flash(_("This claim has been decided already."), "warning")
        return redirect(url_for("involvement.claim", claim_id=claim.id))
    form = DecisionForm(prefix="decision")
    if not form.validate_on_submit():
        return _claim_page(claim, community, decision_form=form, status=400)
    try:
        expenses.decide(
            current_user,
            claim,
            community,
            decision=form.decision.data,
            approved_amount=form.approved_amount.amount,
            reason=form.reason.data,
        )
    except Refused as refusal:
        target = form.approved_amount if form.decision.data == "part" else form.decision
        target.errors = [str(refusal.message)]
        return _claim_page(claim, community, decision_form=form, status=400)
    flash(_("The decision is saved, and the person who claimed is told."), "success")
    return redirect(url_for("involvement.claim", claim_id=claim.id))


@login_required
def pay_claim(claim_id):
    claim, community = _coordinated_claim_or_error(claim_id)
    if claim.status not in (CLAIM_APPROVED, PART_APPROVED):  # paid meanwhile, or not approved
        flash(_("Only an approved claim can be marked paid."), "warning")
        return redirect(url_for("involvement.claim", claim_id=claim.id))
    form = PayForm(prefix="pay")
    if not form.validate_on_submit():
        return _claim_page(claim, community, pay_form=form, status=400)
    try:
        expenses.mark_paid(
            current_user,
            claim,
            community,
            paid_on=form.paid_on.data,
            reference=form.reference.data,
        )
    except Refused as refusal:
        form.reference.errors = [str(refusal.message)]
        return _claim_page(claim, community, pay_form=form, status=400)
    flash(_("The claim is marked paid, and the person who claimed is told."), "success")
    return redirect(url_for("involvement.claim", claim_id=claim.id))


@login_required
def receipt(claim_id):
    """The receipt as a download, never shown in the page: its type is the one checked when
    it was stored, and the browser is told not to guess another or keep a copy."""
    claim, _community = _claim_or_404(claim_id)
    path = receipts.path_of(claim.receipt_file)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=claim.receipt_type,
        as_attachment=True,
        download_name=claim.receipt_name or "receipt",
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
