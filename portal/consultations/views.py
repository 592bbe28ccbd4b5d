"""Proposals for members: the community's list, a proposal, and giving views on it."""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from .. import loaders, permissions
from ..communities.views import community_or_404
from ..extensions import csrf, limiter
from ..held import keeps_text
from ..i18n import Labels
from ..pagination import paginate
from . import contributions, review, services, window
from .forms import (
    IDENTITY_LABELS,
    IDENTITY_SUMMARIES,
    KIND_LABELS,
    PROGRESS_LABELS,
    PROPOSAL_EVENT_LABELS,
    STATUS_LABELS,
    answers_from,
    contribution_form,
    form_data_of,
)
from .models import CLOSED, DRAFT, OPEN, UPCOMING, Contribution, Proposal

PER_PAGE = 20
# The order of each list of proposals (as services.by_status and drafts_query sort).
PROPOSAL_ORDERS = {
    OPEN: (Proposal.closes_at, Proposal.id),
    UPCOMING: (Proposal.opens_at, Proposal.id),
    CLOSED: (Proposal.closes_at.desc(), Proposal.id.desc()),
    DRAFT: (Proposal.updated_at.desc(), Proposal.id.desc()),
}
LIST_STATUSES = (OPEN, UPCOMING, CLOSED, DRAFT)


LABELS = {
    "proposal_status_labels": Labels(STATUS_LABELS),
    "question_kind_labels": Labels(KIND_LABELS),
    "identity_labels": Labels(IDENTITY_LABELS),
    "identity_summaries": Labels(IDENTITY_SUMMARIES),
    "progress_labels": Labels(PROGRESS_LABELS),
    "proposal_event_labels": Labels(PROPOSAL_EVENT_LABELS),
}


def labels():
    return LABELS


def community_proposals(community):
    """Open and upcoming proposals for the community page (members only)."""
    if not permissions.is_member(current_user, community):
        return None
    return services.first_open_and_upcoming(community)


def proposals_linking(briefing):
    """Published proposals that link to a briefing (for its insights page)."""
    return services.proposals_linking(briefing)


def proposals_supported(briefing):
    """Published proposals a briefing supports, for its page: whoever reads the briefing sees
    them if they may also read the community's consultations. One statement."""
    community = briefing.community
    if not permissions.can_read_published_consultations(current_user, community):
        return []
    return services.proposals_linking(briefing)


@login_required
def index(slug):
    community = community_or_404(slug)
    author = permissions.can_author(current_user, community)
    if not (author or permissions.is_member(current_user, community)):
        abort(403)
    status = request.args.get("status", OPEN)
    if status not in LIST_STATUSES or (status == DRAFT and not author):
        abort(404)
    query = (
        services.drafts_query(community)
        if status == DRAFT
        else services.by_status(community, status)
    )
    return render_template(
        "consultations/index.html",
        community=community,
        status=status,
        statuses=LIST_STATUSES if author else LIST_STATUSES[:3],
        page=paginate(query, PER_PAGE, key=PROPOSAL_ORDERS[status]),
        title=_("Proposals of %(name)s", name=community.name),
    )


def show(proposal_id):
    proposal = loaders.consultation(proposal_id)
    community = proposal.community
    lay = permissions.can_contribute(current_user, community)
    status = proposal.status()
    # The page shows a lay partner's own views, or else their draft, only while it is open.
    own = contributions.own(current_user, proposal) if lay and status == OPEN else None
    draft = None
    if lay and status == OPEN and own is None:
        draft = contributions.get_draft(current_user, proposal)
    return render_template(
        "consultations/show.html",
        proposal=proposal,
        community=community,
        status=status,
        questions=services.questions(proposal),
        briefings=services.linked_briefings(proposal, current_user),
        own=own,
        draft=draft,
        may_contribute=lay,
        history=window.history(proposal),
        title=proposal.title,
    )


# Giving views ----------------------------------------------------------------------------


def _contribution_page(proposal, form, questions, contribution=None, status=200):
    community = proposal.community
    return (
        render_template(
            "consultations/contribute.html",
            proposal=proposal,
            community=community,
            form=form,
            questions=questions,
            contribution=contribution,
            title=_("Change your views") if contribution else _("Give your views"),
        ),
        status,
    )


def _form(questions, **kwargs):
    return contribution_form(questions, has_pseudonym=bool(current_user.pseudonym), **kwargs)


def _contribute_limit():
    return current_app.config["CONTRIBUTE_LIMIT"]


@limiter.limit(_contribute_limit, methods=["POST"])
@csrf.exempt  # checked by the form itself, so that answers with a stale token come back
def contribute(proposal_id):
    proposal = services.get(proposal_id) or loaders.not_found()
    community = proposal.community
    if request.method == "POST" and not current_user.is_authenticated:
        # The session ended while they wrote: keep the answers until they sign in.
        token = contributions.hold(proposal, request.form.to_dict(flat=False))
        flash(_("You were signed out. Sign in again and your answers will be waiting."), "info")
        back = url_for("consultations.contribute", proposal_id=proposal.id, held=token)
        return redirect(url_for("accounts.sign_in", next=back))
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in", next=request.full_path))
    if not permissions.can_read_proposal(current_user, proposal):
        abort(404)
    if not permissions.can_contribute(current_user, community):
        abort(403)
    if proposal.status() != OPEN:
        flash(_("This proposal is not open for views."), "info")
        return redirect(url_for("consultations.show", proposal_id=proposal.id))
    questions = services.questions(proposal)
    earlier = contributions.own(current_user, proposal)
    if request.method == "GET":
        held = contributions.take_held(request.args.get("held"), proposal)
        if earlier is not None and held is None:
            return redirect(url_for("consultations.contribution", contribution_id=earlier.id))
        if held is not None:  # kept as a draft too, so a reload does not lose them
            contributions.save_draft(current_user, proposal, held)
        draft = contributions.get_draft(current_user, proposal)
        saved = held or (draft.data if draft else None)
        form = _form(questions, formdata=_multidict(saved) if saved else None)
        if not form.submission_key.data:
            form.submission_key.data = contributions.new_key()
        return _contribution_page(proposal, form, questions)
    form = _form(questions)
    if request.form.get("action") == "save":
        contributions.save_draft(
            current_user, proposal, _without_token(request.form.to_dict(flat=False))
        )
        flash(
            _("Your answers are saved. You can come back to them until the proposal closes."),
            "success",
        )
        return redirect(url_for("consultations.show", proposal_id=proposal.id))
    if not form.validate():
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            flash(_("Your answers are here. Check them and send them again."), "info")
        return _contribution_page(proposal, form, questions, status=400)
    try:
        contribution, _new = contributions.submit(
            current_user,
            proposal,
            questions,
            key=form.submission_key.data or contributions.new_key(),
            identity=form.identity.data,
            quote_consent=form.quote_consent.data,
            answers=answers_from(form, questions),
        )
    except contributions.Refused as refusal:
        flash(str(refusal.message), "info")
        return _contribution_page(proposal, form, questions, status=400)
    return redirect(url_for("consultations.contribution", contribution_id=contribution.id, sent=1))


def _without_token(data):
    return {key: value for key, value in data.items() if key != "csrf_token"}


def _multidict(data):
    return MultiDict([(key, v) for key, values in data.items() for v in values])


@login_required
def autosave(proposal_id):
    """Saves unfinished answers as the person types (with JavaScript). No page: 204."""
    proposal = loaders.readable_proposal(proposal_id)
    try:
        contributions.save_draft(
            current_user, proposal, _without_token(request.form.to_dict(flat=False))
        )
    except contributions.Refused:
        return "", 409
    except contributions.NotAllowed:
        abort(403)
    return "", 204


def _own_or_404(contribution_id):
    contribution, proposal, community = contributions.get_own(current_user, contribution_id)
    if contribution is None:
        abort(404)
    return contribution, proposal, community


@login_required
def contribution(contribution_id):
    contribution, proposal, community = _own_or_404(contribution_id)
    questions = services.questions(proposal)
    return render_template(
        "consultations/contribution.html",
        contribution=contribution,
        proposal=proposal,
        community=community,
        questions=questions,
        answers=contributions.answers_of(contribution),
        revisions=contributions.revisions(contribution),
        responses=review.responses(contribution),
        sent=request.args.get("sent") == "1",
        open=proposal.status() == OPEN,
        title=_("Your views on: %(title)s", title=proposal.title),
    )


@keeps_text()
@login_required
def edit_contribution(contribution_id):
    contribution, proposal, community = _own_or_404(contribution_id)
    if proposal.status() != OPEN or contribution.is_withdrawn:
        flash(_("You can no longer change this contribution."), "info")
        return redirect(url_for("consultations.contribution", contribution_id=contribution.id))
    questions = services.questions(proposal)
    if request.method == "GET":
        data = form_data_of(questions, contributions.answers_of(contribution))
        data.update(identity=contribution.identity, quote_consent=contribution.quote_consent)
        form = _form(questions, data=data)
        return _contribution_page(proposal, form, questions, contribution)
    form = _form(questions)
    if not form.validate_on_submit():
        return _contribution_page(proposal, form, questions, contribution, 400)
    try:
        contributions.change(
            current_user,
            contribution,
            proposal,
            questions,
            identity=form.identity.data,
            quote_consent=form.quote_consent.data,
            answers=answers_from(form, questions),
        )
    except contributions.Refused as refusal:
        flash(str(refusal.message), "info")
        return _contribution_page(proposal, form, questions, contribution, 400)
    flash(_("Your changes are saved. We keep your earlier answers too."), "success")
    return redirect(url_for("consultations.contribution", contribution_id=contribution.id))


@login_required
def withdraw(contribution_id):
    contribution, proposal, _community = _own_or_404(contribution_id)
    try:
        contributions.withdraw(current_user, contribution, proposal)
    except contributions.Refused as refusal:
        flash(str(refusal.message), "info")
    else:
        flash(_("You have withdrawn your views. Reviewers will not use them."), "success")
    return redirect(url_for("consultations.contribution", contribution_id=contribution.id))


@login_required
def mine():
    return render_template(
        "consultations/mine.html",
        page=paginate(
            contributions.mine_query(current_user),
            PER_PAGE,
            key=(Contribution.submitted_at.desc(), Contribution.id.desc()),
        ),
        drafts=contributions.drafts_of(current_user),
        title=_("My contributions"),
    )
