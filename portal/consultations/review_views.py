"""The review inbox: professionals and coordinators read, theme and reply to contributions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import db, loaders, permissions
from ..downloads import csv_download
from ..held import keeps_text
from ..i18n import Labels
from ..pagination import paginate
from . import contributions, moderation, review, services
from .forms import (
    REVIEW_EVENT_LABELS,
    REVIEW_STATUS_LABELS,
    SOURCE_LABELS,
    BulkForm,
    InboxFilterForm,
    RenameThemeForm,
    ReplyForm,
    ThemesForm,
)
from .models import Contribution, Proposal

INBOX_PER_PAGE = 25
# The inbox's two orders, as review.inbox_query sorts; its pages turn by keyset.
NEWEST_FIRST = (Contribution.submitted_at.desc(), Contribution.id.desc())
OLDEST_FIRST = (Contribution.submitted_at.asc(), Contribution.id.asc())


LABELS = {
    "review_status_labels": Labels(REVIEW_STATUS_LABELS),
    "source_labels": Labels(SOURCE_LABELS),
    "review_event_labels": Labels(REVIEW_EVENT_LABELS),
}
# The words every row of the inbox repeats, translated once per language rather than once
# a row. Those with a number are patterns, filled in with `%` (lazy_gettext given no
# values leaves the pattern as it is). Like _() in a template, they are trusted text.
INBOX_WORDS = Labels(
    {
        "contribution": _l("Contribution"),
        "numbered": _l("Contribution %(number)d"),
        "select": _l("Select contribution %(number)d"),
        "who": _l("Who"),
        "status": _l("Status"),
        "themes": _l("Themes"),
        "hidden": _l("Hidden"),
        "overdue": _l("Overdue"),
        "anonymous": _l("Anonymous"),
        "unnamed": _l("Unnamed lay partners (%(count)d)"),
    }
)


def review_labels():
    return LABELS


def _int(value):
    return int(value) if value and str(value).isdigit() else None


def _filters():
    """The inbox filter form with its choices, and the chosen values."""
    # The reviewer's communities, read for the filters, also say whether they have an inbox.
    communities = review.reviewed_communities(current_user)
    if not communities:
        abort(403)
    form = InboxFilterForm(request.args)
    form.community.choices = [("", _("All your communities"))] + [
        (str(c.id), c.name) for c in communities
    ]
    community_id = _int(form.community.data)
    reviewed = [c.id for c in communities]
    if community_id:
        proposals = review.newest_proposals([community_id] if community_id in reviewed else [])
    else:
        proposals = review.newest_proposals(reviewed)
    form.proposal.choices = [("", _("All proposals"))] + [(str(p.id), p.title) for p in proposals]
    proposal_id = _int(form.proposal.data)
    if proposal_id not in {p.id for p in proposals}:
        proposal_id = None
    form.question.choices = [("", _("Any question"))]
    form.theme.choices = [("", _("Any theme"))]
    if proposal_id:
        form.question.choices += [
            (str(q.id), q.prompt) for q in services.question_prompts(proposal_id)
        ]
        form.theme.choices += [(str(t.id), t.name) for t in review.theme_choices(proposal_id)]
    return form, {
        "reviewed_ids": reviewed,
        "community_id": community_id,
        "proposal_id": proposal_id,
        "question_id": _int(form.question.data) if proposal_id else None,
        "theme_id": _int(form.theme.data) if proposal_id else None,
        "status": form.status.data if form.status.data in REVIEW_STATUS_LABELS else "",
        "source": form.source.data if form.source.data in SOURCE_LABELS else "",
        "overdue": bool(form.overdue.data),
        "quote_waiting_only": bool(form.quote.data),
        "search": form.q.data or "",
        "oldest_first": form.sort.data == "oldest",
    }


def _inbox(bulk_form, status=200):
    form, chosen = _filters()
    page = paginate(
        review.inbox_query(current_user, **chosen),
        INBOX_PER_PAGE,
        key=OLDEST_FIRST if chosen["oldest_first"] else NEWEST_FIRST,
    )
    ids = [row.id for row in page.items]
    page.items = review.inbox_rows(ids)
    return (
        render_template(
            "consultations/inbox.html",
            form=form,
            bulk_form=bulk_form,
            page=page,
            themes=review.themes_of(ids),
            overdue_before=review.overdue_before(),
            words=INBOX_WORDS,
            title=_("Review inbox"),
        ),
        status,
    )


def _reviewer_only():
    if not permissions.reviews_any_community(current_user):
        abort(403)


@login_required
def inbox():
    return _inbox(BulkForm(formdata=None))


@login_required
def bulk():
    """Acknowledge, theme or reply to the selected contributions, then show the inbox again.

    Linking them to a decision or change goes on to the impact link page instead.
    """
    _reviewer_only()
    form = BulkForm()
    form.selected.choices = [(i, str(i)) for i in form.selected.data or []]
    if not form.validate_on_submit():
        return _inbox(form, status=400)
    chosen = review.reviewable(current_user, form.selected.data)
    if not chosen:
        abort(404)
    if form.action.data == "link":
        proposals = {c.proposal_id for c in chosen}
        if len(proposals) != 1:
            form.action.errors = [
                _("Links are made for one proposal at a time. Filter by a proposal first.")
            ]
            return _inbox(form, status=400)
        return redirect(
            url_for("impact.link", proposal_id=proposals.pop(), contribution=[c.id for c in chosen])
        )
    if form.action.data == "acknowledge":
        count = review.acknowledge(current_user, chosen)
        flash(_("Contributions acknowledged: %(count)d.", count=count), "success")
    elif form.action.data == "theme":
        proposals = {c.proposal_id for c in chosen}
        if len(proposals) != 1:
            form.theme.errors = [_("Themes belong to one proposal. Filter by a proposal first.")]
            return _inbox(form, status=400)
        theme = review.theme_named(db.session.get(Proposal, proposals.pop()), form.theme.data)
        count = review.add_theme(current_user, chosen, theme)
        flash(
            _(
                "Contributions given the theme “%(theme)s”: %(count)d.",
                theme=theme.name,
                count=count,
            ),
            "success",
        )
    else:
        count = review.respond(current_user, chosen, form.reply.data)
        flash(_("Contributions your reply was sent to: %(count)d.", count=count), "success")
    return redirect(url_for("consultations.inbox", **request.args))


def reviewable_or_404(contribution_id):
    contribution, proposal, community, name = review.get_for_review(current_user, contribution_id)
    if contribution is None:
        abort(404)
    return contribution, proposal, community, name


def _review_page(contribution_id, reply_form=None, status=200):
    contribution, proposal, community, name = reviewable_or_404(contribution_id)
    themes_form = ThemesForm(formdata=None)
    all_themes = review.proposal_themes(proposal.id)
    themes_form.themes.choices = [(t.id, t.name) for t in all_themes]
    current = set(review.themes_of([contribution.id]).get(contribution.id, []))
    themes_form.themes.data = [t.id for t in all_themes if t.name in current]
    return (
        render_template(
            "consultations/review.html",
            contribution=contribution,
            proposal=proposal,
            community=community,
            shown_name=name,
            questions=services.questions(proposal),
            answers=contributions.answers_of(contribution),
            themes_form=themes_form,
            reply_form=reply_form or ReplyForm(formdata=None),
            responses=review.responses(contribution),
            events=review.history(contribution),
            overdue=review.is_overdue(contribution),
            quotes=moderation.quotes_of(contribution),
            open_reports=moderation.open_reports_of(contribution),
            may_moderate=permissions.can_moderate(current_user, community),
            title=_("Contribution %(number)d", number=contribution.id),
        ),
        status,
    )


@login_required
def review_contribution(contribution_id):
    return _review_page(contribution_id)


@login_required
def acknowledge(contribution_id):
    contribution, *_rest = reviewable_or_404(contribution_id)
    review.acknowledge(current_user, [contribution])
    flash(_("Acknowledged."), "success")
    return redirect(url_for("consultations.review_contribution", contribution_id=contribution_id))


@keeps_text(page="consultations.review_contribution")
@login_required
def reply(contribution_id):
    contribution, *_rest = reviewable_or_404(contribution_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _review_page(contribution_id, reply_form=form, status=400)
    review.respond(current_user, [contribution], form.reply.data)
    flash(_("Your reply is sent."), "success")
    return redirect(url_for("consultations.review_contribution", contribution_id=contribution_id))


@login_required
def themes(contribution_id):
    contribution, proposal, _community, _name = reviewable_or_404(contribution_id)
    form = ThemesForm()
    form.themes.choices = [(t.id, t.name) for t in review.proposal_themes(proposal.id)]
    form.validate_on_submit()
    chosen = list(form.themes.data or [])
    if form.new_theme.data:
        chosen.append(review.theme_named(proposal, form.new_theme.data).id)
    review.set_themes(current_user, contribution, chosen)
    flash(_("Themes saved."), "success")
    return redirect(url_for("consultations.review_contribution", contribution_id=contribution_id))


# Themes of a proposal ------------------------------------------------------------------------


@login_required
def proposal_themes(proposal_id):
    proposal = loaders.reviewed_proposal(proposal_id)
    community = proposal.community
    all_themes = review.proposal_themes(proposal.id)
    return render_template(
        "consultations/themes.html",
        proposal=proposal,
        community=community,
        themes=all_themes,
        counts=review.theme_counts(proposal.id),
        title=_("Themes: %(title)s", title=proposal.title),
    )


def _theme_or_404(proposal, theme_id):
    theme = review.get_theme(proposal, theme_id)
    if theme is None:
        abort(404)
    return theme


@login_required
def rename_theme(proposal_id, theme_id):
    proposal = loaders.reviewed_proposal(proposal_id)
    theme = _theme_or_404(proposal, theme_id)
    form = RenameThemeForm()
    try:
        if not form.validate_on_submit():
            raise review.Refused(_("Enter a name"))
        review.rename_theme(current_user, proposal, theme, form.name.data)
    except review.Refused as refusal:
        flash(str(refusal.message), "info")
    else:
        flash(_("The theme is renamed."), "success")
    return redirect(url_for("consultations.proposal_themes", proposal_id=proposal.id))


@login_required
def merge_theme(proposal_id, theme_id):
    proposal = loaders.reviewed_proposal(proposal_id)
    theme = _theme_or_404(proposal, theme_id)
    into = review.get_theme(proposal, request.form.get("into", type=int))
    if into is None:
        flash(_("Choose a theme to merge into."), "info")
        return redirect(url_for("consultations.proposal_themes", proposal_id=proposal.id))
    try:
        review.merge_themes(current_user, proposal, theme, into)
    except review.Refused as refusal:
        flash(str(refusal.message), "info")
    else:
        flash(
            _("“%(theme)s” is merged into “%(into)s”.", theme=theme.name, into=into.name), "success"
        )
    return redirect(url_for("consultations.proposal_themes", proposal_id=proposal.id))


@login_required
def summary(proposal_id):
    proposal = loaders.reviewed_proposal(proposal_id)
    community = proposal.community
    questions = services.questions(proposal)
    return render_template(
        "consultations/summary.html",
        proposal=proposal,
        community=community,
        summary=review.summary(proposal, questions),
        title=_("Summary: %(title)s", title=proposal.title),
    )


@login_required
def export(proposal_id):
    """Every contribution as CSV that a spreadsheet opens correctly (UTF-8 with a BOM)."""
    proposal = loaders.reviewed_proposal(proposal_id)
    questions = services.questions(proposal)

    labels = {**SOURCE_LABELS, **REVIEW_STATUS_LABELS}
    return csv_download(
        review.export_rows(proposal, questions, labels), f"proposal-{proposal.id}.csv"
    )
