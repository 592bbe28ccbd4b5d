"""Recording decisions and service changes: what was decided, what changes, and how it goes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import dates, db, loaders, permissions
from ..communities.services import Refused
from ..consultations.models import CLOSED, DECIDED
from ..held import keeps_text
from ..pagination import paginate
from . import queries, services
from .forms import ChangeForm, DecisionForm, EvaluationForm, MilestoneForm, MoveForm
from .models import STOPPED, ServiceChange

PER_PAGE = 20


def proposal_decision(proposal):
    """(decision, name of who answers for it) of a decided proposal, for its page (whoever
    may read the proposal): one statement. (None, None) before it is decided."""
    if proposal.decided_at is None:
        return None, None
    return services.decision_and_owner(proposal)


def changes_carrying_out(decision):
    """The changes that carry out a decision (public ones for visitors), for the proposal's
    page: one statement."""
    community = decision.community
    return queries.decision_changes(decision, permissions.is_member(current_user, community))


# Decisions ------------------------------------------------------------------------------


@keeps_text()
@login_required
def decision(proposal_id):
    proposal = loaders.readable_proposal(proposal_id)
    community = proposal.community
    if not permissions.can_author(current_user, community):
        abort(403)
    existing = services.decision_of(proposal)
    if request.method != "GET":
        form = DecisionForm()
    elif existing is not None:
        form = DecisionForm(obj=existing)
        form.owner_id.data = str(existing.owner_id or "")
    else:
        form = DecisionForm(data={"decided_on": dates.today(), "owner_id": str(current_user.id)})
    staff = services.staff_of(community)
    form.owner_id.choices = [("", _("Choose a person"))] + [
        (str(row.id), row.display_name) for row in staff
    ]
    may_decide = proposal.status() in (CLOSED, DECIDED)
    status = 200
    if may_decide and form.validate_on_submit():
        try:
            services.record_decision(
                current_user,
                proposal,
                summary=form.summary.data,
                reasons=form.reasons.data,
                decided_by=form.decided_by.data,
                decided_on=form.decided_on.data,
                kind=form.kind.data,
                owner_id=int(form.owner_id.data),
                target_on=form.target_on.data,
                visibility=form.visibility.data,
            )
        except Refused as refusal:
            form.summary.errors = [str(refusal.message)]
        else:
            flash(_("The decision is recorded."), "success")
            return redirect(url_for("impact.decision", proposal_id=proposal.id, _anchor="next"))
    if form.is_submitted():
        status = 400
    return (
        render_template(
            "impact/decision.html",
            form=form,
            proposal=proposal,
            community=community,
            may_decide=may_decide,
            existing=existing,
            owner_name=services.owner_names([existing.owner_id]).get(existing.owner_id)
            if existing
            else None,
            changes=queries.decision_changes(existing, member=True) if existing else [],
            title=_("Change the decision") if existing else _("Record the decision"),
        ),
        status,
    )


# Service changes ------------------------------------------------------------------------


def changes(slug):
    community = loaders.live_community(slug)
    member = permissions.is_member(current_user, community)
    due_only = member and request.args.get("evaluation") == "due"
    if due_only:  # members' follow-up list, linked from My work
        query = queries.evaluations_due_query([community.id], dates.today())
    else:
        query = queries.changes_query(community, member)
    order = (
        (ServiceChange.evaluation_due, ServiceChange.id)
        if due_only
        else (ServiceChange.updated_at.desc(), ServiceChange.id.desc())
    )
    page = paginate(query, PER_PAGE, key=order)
    return render_template(
        "impact/changes.html",
        community=community,
        page=page,
        due_only=due_only,
        member=member,
        owners=services.owner_names(change.owner_id for change in page.items),
        title=_("Service changes of %(name)s", name=community.name),
    )


def _change_form(community, change=None):
    if request.method == "GET" and change is not None:
        form = ChangeForm(obj=change)
        form.decisions.data = services.decision_ids_of(change)
        form.parent_id.data = str(change.parent_id or "")
        form.owner_id.data = str(change.owner_id or "")
    elif request.method == "GET":
        form = ChangeForm(
            data={
                "service_area": community.service_area,
                "owner_id": str(current_user.id),
                "starts_on": dates.today(),
            }
        )
        chosen = request.args.get("decision", type=int)
        if chosen:
            form.decisions.data = [chosen]
    else:
        form = ChangeForm()
    form.owner_id.choices = [("", _("Choose a person"))] + [
        (str(row.id), row.display_name) for row in services.staff_of(community)
    ]
    form.decisions.choices = [
        (row.id, row.title) for row in services.decisions_of_community(community)
    ]
    form.parent_id.choices = [("", _("No, it is a change of its own"))] + [
        (str(id_), title) for id_, title in queries.parent_choices(community, change)
    ]
    if change is not None:
        del form.note
    return form


def _change_fields(form):
    return {
        "title": form.title.data,
        "description": form.description.data,
        "service_area": form.service_area.data,
        "visibility": form.visibility.data,
        "decision_ids": form.decisions.data or [],
        "parent_id": int(form.parent_id.data) if form.parent_id.data else None,
        "weight": form.weight.data,
        "evaluation_due": form.evaluation_due.data,
        "owner_id": int(form.owner_id.data) if form.owner_id.data else None,
        "starts_on": form.starts_on.data,
        "target_on": form.target_on.data,
    }


def _change_form_page(form, community, change=None, status=200):
    return (
        render_template(
            "impact/change_form.html",
            form=form,
            community=community,
            change=change,
            title=_("Edit: %(title)s", title=change.title) if change else _("Add a service change"),
        ),
        status,
    )


@keeps_text()
@login_required
def new_change(slug):
    community = loaders.live_community(slug)
    if not permissions.can_author(current_user, community):
        abort(403)
    form = _change_form(community)
    if not form.validate_on_submit():
        return _change_form_page(form, community, status=400 if form.is_submitted() else 200)
    try:
        change = services.create_change(
            current_user, community, note=form.note.data, **_change_fields(form)
        )
    except Refused as refusal:
        form.parent_id.errors = [str(refusal.message)]
        return _change_form_page(form, community, status=400)
    flash(_("The service change is added."), "success")
    return redirect(url_for("impact.change", change_id=change.id))


@keeps_text()
@login_required
def edit_change(change_id):
    change = loaders.authored_change(change_id)
    community = change.community
    form = _change_form(community, change)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _change_form_page(form, community, change, status=status)
    try:
        services.update_change(current_user, change, **_change_fields(form))
    except Refused as refusal:
        form.parent_id.errors = [str(refusal.message)]
        return _change_form_page(form, community, change, status=400)
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("impact.change", change_id=change.id))


def _change_page(change, move_form=None, milestone_form=None, status=200):
    community = change.community
    member = permissions.is_member(current_user, community)
    author = permissions.can_author(current_user, community)
    parent = db.session.get(ServiceChange, change.parent_id) if change.parent_id else None
    if parent is not None and not permissions.can_read_change(current_user, parent):
        parent = None
    parts = [c for c in services.children(change) if permissions.can_read_change(current_user, c)]
    if author and move_form is None:
        move_form = MoveForm(prefix="move", formdata=None, data={"status": change.status})
    if author and milestone_form is None:
        milestone_form = MilestoneForm(prefix="milestone", formdata=None)
    in_error = [f for f in (move_form, milestone_form) if f is not None and f.errors]
    return (
        render_template(
            "impact/change.html",
            change=change,
            community=community,
            parent=parent,
            parts=parts,
            has_parts=services.has_children(change) if not parts else True,
            decisions=queries.linked_decisions(change, member),
            history=services.history(change),
            milestones=services.milestones(change),
            evaluation=services.evaluation_of(change),
            lay_counts=queries.lay_counts(change),
            behind=queries.proposals_behind(change) if member or author else [],
            owner=services.owner_names([change.owner_id]).get(change.owner_id),
            may_review=permissions.can_review(current_user, community),
            may_author=author,
            may_read_proposals=author or member,
            move_form=move_form,
            milestone_form=milestone_form,
            **({"form": in_error[0]} if in_error else {}),
            title=change.title,
        ),
        status,
    )


def change(change_id):
    change = loaders.readable_change(change_id)
    return _change_page(change)


@login_required
def move_change(change_id):
    change = loaders.authored_change(change_id)
    form = MoveForm(prefix="move")
    if not form.validate_on_submit():
        return _change_page(change, move_form=form, status=400)
    try:
        services.move_change(
            current_user,
            change,
            status=form.status.data,
            note=form.note.data,
            progress=form.progress.data,
            occurred_on=form.occurred_on.data,
        )
    except Refused as refusal:
        form.note.errors = [str(refusal.message)]
        return _change_page(change, move_form=form, status=400)
    flash(_("The change's history is updated."), "success")
    return redirect(url_for("impact.change", change_id=change.id))


@login_required
def add_milestone(change_id):
    change = loaders.authored_change(change_id)
    form = MilestoneForm(prefix="milestone")
    if not form.validate_on_submit():
        return _change_page(change, milestone_form=form, status=400)
    try:
        services.add_milestone(
            current_user,
            change,
            due_on=form.due_on.data,
            title=form.title.data,
            note=form.note.data,
        )
    except Refused as refusal:
        form.title.errors = [str(refusal.message)]
        return _change_page(change, milestone_form=form, status=400)
    flash(_("The milestone is added."), "success")
    return redirect(url_for("impact.change", change_id=change.id, _anchor="milestones"))


@keeps_text()
@login_required
def evaluation(change_id):
    change = loaders.authored_change(change_id)
    community = change.community
    existing = services.evaluation_of(change)
    form = EvaluationForm(obj=existing if request.method == "GET" else None)
    may_evaluate = change.status != STOPPED
    if may_evaluate and form.validate_on_submit():
        try:
            services.record_evaluation(
                current_user,
                change,
                worked=form.worked.data,
                measured=form.measured.data,
                learned=form.learned.data,
            )
        except Refused as refusal:
            form.worked.errors = [str(refusal.message)]
        else:
            flash(_("The evaluation is recorded."), "success")
            return redirect(url_for("impact.change", change_id=change.id, _anchor="evaluation"))
    return (
        render_template(
            "impact/evaluation.html",
            form=form,
            change=change,
            community=community,
            may_evaluate=may_evaluate,
            title=_("Did it work?"),
        ),
        400 if form.is_submitted() else 200,
    )
