"""Writing proposals: the proposal, its questions, and publishing it for a window."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import loaders, permissions
from ..briefings import glossary, readability
from ..communities.views import community_or_404
from ..held import keeps_text
from . import services
from .forms import ProposalForm, PublishForm, QuestionForm
from .models import OPEN

FIELDS = (
    "title",
    "summary",
    "problem",
    "change",
    "affects",
    "opens_at",
    "closes_at",
    "outcome_due_on",
)


def _proposal_form(community, proposal=None):
    form = ProposalForm(obj=proposal if request.method == "GET" else None)
    form.briefings.choices = [(row.id, row.title) for row in services.briefing_choices(community)]
    if request.method == "GET" and proposal is not None:
        form.briefings.data = services.linked_briefing_ids(proposal)
    return form


def _fields(form):
    return {name: getattr(form, name).data for name in FIELDS}


def _report(form, community):
    terms = glossary.terms_for(community.id, "en")
    return readability.analyse(form.summary.data or "", "", "en", terms)


@keeps_text()
@login_required
def new(slug):
    community = community_or_404(slug)
    if not permissions.can_author(current_user, community):
        abort(403)
    form = _proposal_form(community)
    if form.validate_on_submit():
        try:
            proposal = services.create(
                current_user, community, briefing_ids=form.briefings.data or (), **_fields(form)
            )
        except services.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("communities.show", slug=slug))
        flash(_("Your draft is saved. Now add the questions you want to ask."), "success")
        return redirect(url_for("consultations.questions", proposal_id=proposal.id))
    return render_template(
        "consultations/form.html",
        form=form,
        community=community,
        proposal=None,
        report=_report(form, community) if form.is_submitted() else None,
        title=_("Write a proposal"),
    )


@keeps_text()
@login_required
def edit(proposal_id):
    proposal = loaders.authored_proposal(proposal_id)
    community = proposal.community
    form = _proposal_form(proposal.community, proposal)
    if form.validate_on_submit():
        try:
            services.update(
                current_user,
                proposal,
                briefing_ids=form.briefings.data or (),
                **_fields(form),
            )
        except services.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("consultations.show", proposal_id=proposal.id))
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("consultations.questions", proposal_id=proposal.id))
    return render_template(
        "consultations/form.html",
        form=form,
        community=community,
        proposal=proposal,
        report=_report(form, community),
        title=_("Edit: %(title)s", title=proposal.title),
    )


@login_required
def questions(proposal_id):
    proposal = loaders.authored_proposal(proposal_id)
    community = proposal.community
    return render_template(
        "consultations/questions.html",
        proposal=proposal,
        community=community,
        status=proposal.status(),
        questions=services.questions(proposal),
        title=_("Questions: %(title)s", title=proposal.title),
    )


def _question_page(proposal, form, question=None, status=200):
    community = proposal.community
    return (
        render_template(
            "consultations/question_form.html",
            proposal=proposal,
            community=community,
            form=form,
            question=question,
            adding_to_open=proposal.status() == OPEN,
            title=_("Change a question") if question else _("Add a question"),
        ),
        status,
    )


def _save_question(proposal, question):
    form = QuestionForm()
    if request.method == "GET" and question is not None:
        form = QuestionForm(
            data={
                "prompt": question.prompt,
                "hint": question.hint,
                "kind": question.kind,
                "options": "\n".join(question.options),
                "required": question.required,
            }
        )
    if not form.validate_on_submit():
        return _question_page(proposal, form, question)
    try:
        services.save_question(
            current_user,
            proposal,
            question=question,
            added_note=form.added_note.data or "",
            prompt=form.prompt.data,
            hint=form.hint.data,
            kind=form.kind.data,
            required=form.required.data,
            options=(form.options.data or "").splitlines(),
        )
    except services.NeedsNote as refusal:
        form.added_note.errors = [str(refusal.message)]
        return _question_page(proposal, form, question, status=400)
    except services.BadChoices as refusal:
        form.options.errors = [str(refusal.message)]
        return _question_page(proposal, form, question, status=400)
    except services.Refused as refusal:
        flash(str(refusal.message), "info")
        return redirect(url_for("consultations.questions", proposal_id=proposal.id))
    flash(_("The question is saved."), "success")
    return redirect(url_for("consultations.questions", proposal_id=proposal.id))


@login_required
def question_new(proposal_id):
    proposal = loaders.authored_proposal(proposal_id)
    return _save_question(proposal, None)


def _question_or_404(proposal, question_id):
    question = services.get_question(proposal, question_id)
    if question is None:
        abort(404)
    return question


@login_required
def question_edit(proposal_id, question_id):
    proposal = loaders.authored_proposal(proposal_id)
    return _save_question(proposal, _question_or_404(proposal, question_id))


@login_required
def question_move(proposal_id, question_id):
    proposal = loaders.authored_proposal(proposal_id)
    question = _question_or_404(proposal, question_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    try:
        services.move_question(current_user, proposal, question, offset)
    except services.Refused as refusal:
        flash(str(refusal.message), "info")
    return redirect(url_for("consultations.questions", proposal_id=proposal.id))


@login_required
def question_delete(proposal_id, question_id):
    proposal = loaders.authored_proposal(proposal_id)
    question = _question_or_404(proposal, question_id)
    try:
        services.delete_question(current_user, proposal, question)
    except services.Refused as refusal:
        flash(str(refusal.message), "info")
    else:
        flash(_("The question is removed."), "success")
    return redirect(url_for("consultations.questions", proposal_id=proposal.id))


@login_required
def publish(proposal_id):
    proposal = loaders.authored_proposal(proposal_id)
    community = proposal.community
    form = PublishForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.publish(current_user, proposal, override_reason=form.override_reason.data)
        except services.NeedsReason as refusal:
            form.override_reason.errors = [str(refusal.message)]
            status = 400
        except services.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("consultations.publish", proposal_id=proposal.id))
        else:
            flash(_("The proposal is published."), "success")
            return redirect(url_for("consultations.show", proposal_id=proposal.id))
    elif form.is_submitted():
        status = 400
    report = services.check(proposal)
    return (
        render_template(
            "consultations/publish.html",
            proposal=proposal,
            community=community,
            form=form,
            report=report,
            questions=services.questions(proposal),
            above_target=report.above(community.target_reading_age),
            may_override=permissions.can_publish_above_target(current_user, community),
            title=_("Check and publish"),
        ),
        status,
    )
