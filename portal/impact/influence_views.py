"""Linking lay input to decisions and changes, changing or removing a link, and what still
waits for an outcome."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db, loaders, permissions
from ..communities.services import Refused
from ..consultations import review
from ..consultations.models import CLOSED, DECIDED
from ..i18n import Labels
from ..pagination import paginate
from . import influence, queries
from .forms import INFLUENCE_ACTION_LABELS, InfluenceForm, LinkForm
from .models import Influence

PER_PAGE = 25
MOST_CHOSEN = 100  # contributions linked at once: more than a page of the inbox
ACTION_LABELS = Labels(INFLUENCE_ACTION_LABELS)


def _link_page(proposal, form, theme, rows, choices, status=200):
    community = proposal.community
    ids = [contribution.id for contribution, _name in rows]
    return (
        render_template(
            "impact/link.html",
            form=form,
            proposal=proposal,
            community=community,
            theme=theme,
            theme_count=review.theme_counts(proposal.id).get(theme.id, 0) if theme else 0,
            themes=review.proposal_themes(proposal.id) if theme is None and not rows else [],
            chosen=rows,
            excerpts=review.excerpts(ids) if ids else {},
            no_targets=len(choices) == 1,
            may_decide=proposal.status() in (CLOSED, DECIDED),
            links=paginate(
                queries.proposal_links_query(proposal),
                PER_PAGE,
                key=(Influence.created_at.desc(), Influence.id.desc()),
            ),
            title=_("Link views to a decision or change"),
        ),
        status,
    )


@login_required
def link(proposal_id):
    proposal = loaders.reviewed_proposal(proposal_id)
    theme, rows = _chosen(proposal)
    own, choices = queries.link_targets(proposal)
    form = LinkForm()
    form.target.choices = choices
    if request.method == "GET" and own is not None:
        form.target.data = f"decision:{own.id}"
    if request.method == "GET" or (theme is None and not rows):
        status = 400 if request.method == "POST" else 200
        return _link_page(proposal, form, theme, rows, choices, status)
    if form.validate_on_submit():
        try:
            influence.link(
                current_user,
                proposal,
                target=form.target.data,
                effect=form.effect.data,
                rationale=form.rationale.data,
                contributions=[contribution for contribution, _name in rows],
                theme=theme,
            )
        except Refused as refusal:
            form.target.errors = [str(refusal.message)]
        else:
            flash(
                _(
                    "Linked. Contributions that now have an outcome: %(count)d.",
                    count=queries.with_outcome(theme, [c.id for c, _name in rows]),
                ),
                "success",
            )
            if theme is not None:
                return redirect(url_for("consultations.proposal_themes", proposal_id=proposal.id))
            return redirect(url_for("consultations.inbox", proposal=proposal.id))
    return _link_page(proposal, form, theme, rows, choices, status=400)


def _chosen(proposal):
    """The theme (?theme=) or the contributions (?contribution=, with the names to show)."""
    theme_id = request.args.get("theme", type=int)
    if theme_id:
        theme = review.get_theme(proposal, theme_id)
        if theme is None:
            abort(404)
        return theme, []
    ids = {int(v) for v in request.args.getlist("contribution") if v.isdigit()}
    if len(ids) > MOST_CHOSEN:
        abort(400)
    if not ids:
        return None, []
    rows = queries.chosen_contributions(proposal, ids)
    if rows is None:
        abort(404)
    return None, rows


def contribution_links(contribution):
    """The live links that reach a contribution, for its review page (reviewers only)."""
    return queries.contribution_links(contribution)


# One link ----------------------------------------------------------------------------------


def _influence_or_error(influence_id):
    found, proposal, community = influence.get(influence_id)
    if found is None or not permissions.can_read_proposal(current_user, proposal):
        abort(404)
    if not permissions.can_review(current_user, community):
        abort(403)
    return found, proposal, community


def _influence_page(found, proposal, form, status=200):
    community = proposal.community
    row = db.session.execute(queries.links_query().where(Influence.id == found.id)).one()
    return (
        render_template(
            "impact/influence.html",
            form=form,
            influence=found,
            link_row=row,
            proposal=proposal,
            community=community,
            revisions=influence.revisions(found),
            action_labels=ACTION_LABELS,
            title=_("A link from lay input"),
        ),
        status,
    )


@login_required
def influence_page(influence_id):
    found, proposal, community = _influence_or_error(influence_id)
    form = InfluenceForm(obj=found if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _influence_page(found, proposal, form, 400 if form.is_submitted() else 200)
    try:
        influence.update(
            current_user,
            found,
            community,
            effect=form.effect.data,
            rationale=form.rationale.data,
        )
    except Refused as refusal:
        form.effect.errors = [str(refusal.message)]
        return _influence_page(found, proposal, form, status=400)
    flash(_("The link is saved."), "success")
    return redirect(url_for("impact.influence", influence_id=found.id))


@login_required
def remove_influence(influence_id):
    found, proposal, community = _influence_or_error(influence_id)
    influence.remove(current_user, found, community)
    flash(_("The link is removed. Its history is kept."), "success")
    return redirect(url_for("impact.link", proposal_id=proposal.id))


# Contributions still waiting for an outcome ---------------------------------------------------


@login_required
def outcome_missing():
    """Contributions to decided proposals that no link reaches yet, in the reviewer's
    communities."""
    if not permissions.reviews_any_community(current_user):
        abort(403)
    query = queries.outcome_missing_query(review.reviewed_community_ids(current_user))
    return render_template(
        "impact/outcome_missing.html",
        page=paginate(query, PER_PAGE),
        title=_("Views still waiting for an outcome"),
    )
