"""Reports, hiding, approved quotes, and views recorded from meetings, calls and letters."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import loaders, permissions
from ..communities.views import community_or_404
from ..pagination import paginate
from . import contributions, moderation, services
from .forms import HideForm, QuoteForm, ReportForm, answers_from, offline_form
from .models import Report
from .review_views import reviewable_or_404
from .views import PER_PAGE


def _back_to_review(contribution):
    return redirect(url_for("consultations.review_contribution", contribution_id=contribution.id))


def _moderated_or_403(contribution_id):
    contribution, proposal, community, _name = reviewable_or_404(contribution_id)
    if not permissions.can_moderate(current_user, community):
        abort(403)
    return contribution, proposal, community


def _page(template, form, contribution, proposal, status=200, **context):
    return render_template(
        template, form=form, contribution=contribution, proposal=proposal, **context
    ), status


@login_required
def report(contribution_id):
    contribution, proposal, community, _name = reviewable_or_404(contribution_id)
    form = ReportForm()
    if form.validate_on_submit():
        moderation.report(current_user, contribution, form.reason.data)
        flash(_("Thank you. A coordinator will look at it."), "success")
        return _back_to_review(contribution)
    return _page(
        "consultations/report.html",
        form,
        contribution,
        proposal,
        400 if form.is_submitted() else 200,
        title=_("Report contribution %(number)d", number=contribution.id),
    )


@login_required
def hide(contribution_id):
    contribution, proposal, community = _moderated_or_403(contribution_id)
    form = HideForm()
    if form.validate_on_submit():
        moderation.hide(current_user, contribution, form.reason.data)
        flash(_("The contribution is hidden. Its author has been told why."), "success")
        return _back_to_review(contribution)
    return _page(
        "consultations/hide.html",
        form,
        contribution,
        proposal,
        400 if form.is_submitted() else 200,
        title=_("Hide contribution %(number)d", number=contribution.id),
    )


@login_required
def quote(contribution_id):
    contribution, proposal, community = _moderated_or_403(contribution_id)
    if not contribution.quote_consent:
        flash(_("The author did not agree to be quoted."), "info")
        return _back_to_review(contribution)
    answers = contributions.answers_of(contribution)
    form = QuoteForm()
    if not form.is_submitted():
        form.text.data = "\n\n".join(a.text for a in answers.values() if a.text)
    if form.validate_on_submit():
        try:
            moderation.approve_quote(current_user, contribution, form.text.data)
        except moderation.Refused as refusal:
            form.text.errors = [str(refusal.message)]
        else:
            flash(_("The quote is approved for public use."), "success")
            return _back_to_review(contribution)
    return _page(
        "consultations/quote.html",
        form,
        contribution,
        proposal,
        400 if form.is_submitted() else 200,
        title=_("Approve a quote from contribution %(number)d", number=contribution.id),
    )


@login_required
def reports(slug):
    community = community_or_404(slug)
    if not permissions.can_moderate(current_user, community):
        abort(403)
    return render_template(
        "consultations/reports.html",
        community=community,
        page=paginate(
            moderation.open_reports_query(community),
            PER_PAGE,
            key=(Report.created_at, Report.id),
        ),
        title=_("Reported contributions"),
    )


@login_required
def dismiss_report(slug, report_id):
    community = community_or_404(slug)
    if not permissions.can_moderate(current_user, community):
        abort(403)
    found = moderation.get_report(community, report_id)
    if found is None:
        abort(404)
    moderation.dismiss(current_user, found[1])
    flash(_("The report is closed. The contribution stays as it is."), "success")
    return redirect(url_for("consultations.reports", slug=slug))


@login_required
def record(proposal_id):
    """A coordinator types up views given at a meeting, by phone, letter, email or on paper."""
    proposal = loaders.readable_proposal(proposal_id)
    community = proposal.community
    if not permissions.can_moderate(current_user, community):
        abort(403)
    questions = services.questions(proposal)
    form = offline_form(questions)
    if not form.is_submitted():
        form.submission_key.data = contributions.new_key()
    if form.validate_on_submit():
        member = None
        if form.member_email.data:
            member = moderation.member_by_email(community, form.member_email.data)
            if member is None:
                form.member_email.errors = [
                    _("No lay partner of this community uses that email address")
                ]
        if not form.member_email.errors:
            try:
                contribution = moderation.record_offline(
                    current_user,
                    proposal,
                    questions,
                    source=form.source.data,
                    source_date=form.source_date.data,
                    member=member,
                    people_count=form.people_count.data or 1,
                    identity=form.identity.data,
                    quote_consent=form.quote_consent.data,
                    answers=answers_from(form, questions),
                    key=form.submission_key.data or contributions.new_key(),
                )
            except moderation.Refused as refusal:
                flash(str(refusal.message), "info")
            else:
                flash(_("The views are recorded."), "success")
                return _back_to_review(contribution)
    return render_template(
        "consultations/record.html",
        form=form,
        proposal=proposal,
        community=community,
        questions=questions,
        title=_("Record views given elsewhere"),
    ), (400 if form.is_submitted() else 200)
