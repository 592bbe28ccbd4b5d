"""A consultation's life: closing it early, extending, pausing, resuming, and what we heard."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import loaders, permissions
from . import heard, services, window
from .forms import PublishHeardForm, WindowForm
from .models import OPEN, PAUSED

MOVES = {
    "close": (window.close_early, _l("Close the consultation early"), _l("Close it now")),
    "extend": (window.extend, _l("Extend the consultation"), _l("Extend it")),
    "pause": (window.pause, _l("Pause the consultation"), _l("Pause it")),
    "resume": (window.resume, _l("Take views again"), _l("Take views again")),
}
# Which statuses each move starts from, and what a person is told otherwise.
ALLOWED = {"close": (OPEN, PAUSED), "extend": (OPEN, PAUSED), "pause": (OPEN,), "resume": (PAUSED,)}
NOT_NOW = {
    "close": _l("This consultation is not open, so its closing time cannot change."),
    "extend": _l("This consultation is not open, so its closing time cannot change."),
    "pause": _l("Only an open consultation can be paused."),
    "resume": _l("This consultation is not paused."),
}
DONE = {
    "close": _l("The consultation is closed. Everyone who gave views is told."),
    "extend": _l("The new closing time is saved. Everyone who gave views is told."),
    "pause": _l("The consultation is paused. Nobody can give views until you resume it."),
    "resume": _l("The consultation is taking views again."),
}


@login_required
def window_move(proposal_id, action):
    if action not in MOVES:
        abort(404)
    proposal = loaders.steered_proposal(proposal_id)
    community = proposal.community
    move, heading, button = MOVES[action]
    if proposal.status() not in ALLOWED[action]:
        flash(str(NOT_NOW[action]), "info")
        return redirect(url_for("consultations.show", proposal_id=proposal.id))
    form = WindowForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        fields = {"reason": form.reason.data}
        if action == "extend":
            fields["closes_at"] = form.closes_at.data
            fields["outcome_due_on"] = form.outcome_due_on.data
        try:
            if action == "extend" and form.closes_at.data is None:
                raise window.BadClosingTime(_l("Enter the new closing date and time"))
            move(current_user, proposal, **fields)
        except window.BadClosingTime as refusal:
            form.closes_at.errors = [str(refusal.message)]
        except window.BadOutcomeDate as refusal:
            form.outcome_due_on.errors = [str(refusal.message)]
        except window.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("consultations.show", proposal_id=proposal.id))
        else:
            flash(str(DONE[action]), "success")
            return redirect(url_for("consultations.show", proposal_id=proposal.id))
    return (
        render_template(
            "consultations/window.html",
            proposal=proposal,
            community=community,
            form=form,
            action=action,
            button_text=button,
            title=heading,
        ),
        status,
    )


def heard_summary(proposal_id):
    proposal = services.get(proposal_id)
    if proposal is None or not permissions.can_read_heard(current_user, proposal):
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
        abort(404)
    return render_template(
        "consultations/heard.html",
        proposal=proposal,
        community=proposal.community,
        summary=heard.summary(proposal),
        form=PublishHeardForm(),
        title=_("What we heard: %(title)s", title=proposal.title),
    )


@login_required
def publish_heard(proposal_id):
    proposal = loaders.steered_proposal(proposal_id)
    community = proposal.community
    form = PublishHeardForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        heard.publish(current_user, proposal)
    except heard.Refused as refusal:
        flash(str(refusal.message), "info")
        return redirect(url_for("consultations.show", proposal_id=proposal.id))
    if permissions.consultations_are_public(community):
        flash(_("What we heard is published for everyone to read."), "success")
    else:
        flash(_("What we heard is published for members to read."), "success")
    return redirect(url_for("consultations.heard_summary", proposal_id=proposal.id))
