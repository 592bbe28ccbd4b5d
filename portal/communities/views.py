"""Community pages for everyone: the directory, a community, joining and leaving."""

from functools import partial

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from .. import caching, permissions
from ..accounts import services as accounts
from ..accounts.forms import ConfirmForm, NewAccountForm
from ..i18n import Labels
from ..links import public_url
from ..pagination import paginate
from . import invitations as services_invitations
from . import services
from .forms import (
    CONTACT_LABELS,
    NEED_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
    DirectoryForm,
    JoinForm,
    NeedsForm,
)
from .models import ACTIVE, CONSENT_VERSION, LAY_PARTNER, PENDING

PER_PAGE = 20


LABELS = {
    "role_labels": Labels(ROLE_LABELS),
    "status_labels": Labels(STATUS_LABELS),
    "visibility_labels": Labels(VISIBILITY_LABELS),
    "need_labels": Labels(NEED_LABELS),
    "contact_labels": Labels(CONTACT_LABELS),
}


def labels():
    return LABELS


def community_or_404(slug):
    community = services.get_by_slug(slug)
    if community is None:
        abort(404)
    return community


def forbid_unless(allowed):
    if not allowed:
        abort(403)


def directory():
    archived = request.args.get("archived") == "1"
    render = _directory_content
    # Kept for everyone who sees the same page: not for site admins (who have a button
    # of their own) nor for "communities I can join" when signed in (it leaves out their own).
    personal = current_user.is_authenticated and request.args.get("can_join")
    if not (personal or permissions.can_admin_communities(current_user)):
        render = partial(
            caching.remember_html,
            "directory",
            _directory_content,
            audience="everyone",
            stamp=services.DIRECTORY,
        )
    return render_template(
        "communities/directory.html",
        content=render(),
        title=_("Archived communities") if archived else _("Communities"),
    )


def _directory_content():
    """The search form and a page of communities."""
    form = DirectoryForm(request.args)
    areas = services.service_areas()
    form.service_area.choices = [("", _("All service areas"))] + [(a, a) for a in areas]
    archived = request.args.get("archived") == "1"
    query = services.directory_query(
        current_user,
        search=form.q.data or "",
        service_area=form.service_area.data if form.service_area.data in areas else "",
        can_join=bool(form.can_join.data),
        archived=archived,
    )
    return caching.render_content(
        "communities/_directory_content.html",
        form=form,
        page=paginate(query, PER_PAGE),
        archived=archived,
    )


def show(slug):
    community = community_or_404(slug)
    return render_template(
        "communities/show.html",
        community=community,
        counts=services.member_counts(community),
        coordinators=services.coordinators(community),
        membership=permissions.membership(current_user, community),
        title=community.name,
    )


def _join_form(community, role=LAY_PARTNER):
    form = JoinForm(needs_consent=permissions.must_consent(role))
    if not current_user.pseudonym:
        del form.name_choice
    return form


@login_required
def join(slug):
    community = community_or_404(slug)
    refusal = services.join_refusal(current_user, community)
    if refusal is not None:
        flash(str(refusal), "info")
        return redirect(url_for("communities.show", slug=slug))
    form = _join_form(community)
    if form.validate_on_submit():
        try:
            membership = services.join(
                current_user,
                community,
                consent=form.consent.data,
                use_pseudonym=_uses_pseudonym(form),
                requests_url=public_url("communities.requests", slug=slug),
            )
        except services.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("communities.show", slug=slug))
        if membership.status == PENDING:
            flash(_("Your request has been sent. A coordinator will reply."), "success")
        else:
            flash(_("You have joined %(name)s.", name=community.name), "success")
        return redirect(url_for("communities.needs", community=slug))
    return render_template(
        "communities/join.html",
        form=form,
        community=community,
        consent_version=CONSENT_VERSION,
        title=_("Join %(name)s", name=community.name),
    )


def _uses_pseudonym(form):
    return "name_choice" in form and form.name_choice.data == "pseudonym"


@login_required
def needs():
    community = services.get_by_slug(request.args.get("community", ""))
    saved = services.get_needs(current_user)
    form = NeedsForm(obj=saved)
    if form.validate_on_submit():
        services.save_needs(
            current_user,
            needs=form.needs.data or [],
            interpreter_language=form.interpreter_language.data or "",
            other_needs=form.other_needs.data or "",
            preferred_contact=form.preferred_contact.data,
            phone=form.phone.data or "",
            carer_name=form.carer_name.data or "",
            carer_contact=form.carer_contact.data or "",
        )
        flash(_("Your communication needs have been saved."), "success")
        if community is not None:
            return redirect(url_for("communities.show", slug=community.slug))
        return redirect(url_for("communities.mine"))
    return render_template(
        "communities/needs.html",
        form=form,
        community=community,
        title=_("Your communication needs"),
    )


@login_required
def leave(slug):
    community = community_or_404(slug)
    membership = permissions.membership(current_user, community)
    if membership is None or membership.status not in (ACTIVE, PENDING):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.leave(current_user, community)
        except services.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("communities.show", slug=slug))
        flash(_("You have left %(name)s.", name=community.name), "success")
        return redirect(url_for("communities.mine"))
    return render_template(
        "communities/leave.html",
        form=form,
        community=community,
        membership=membership,
        title=_("Leave %(name)s", name=community.name),
    )


@login_required
def consent(slug):
    community = community_or_404(slug)
    record = services.consent_record(current_user, community)
    if record is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.withdraw_consent(current_user, community)
        except services.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("communities.consent", slug=slug))
        flash(
            _("You have withdrawn your consent and left %(name)s.", name=community.name), "success"
        )
        return redirect(url_for("communities.mine"))
    return render_template(
        "communities/consent.html",
        form=form,
        community=community,
        record=record,
        title=_("Your consent in %(name)s", name=community.name),
    )


@login_required
def mine():
    return render_template(
        "communities/mine.html",
        page=paginate(services.my_memberships_query(current_user), PER_PAGE),
        invitations=services_invitations.invitations_for(current_user),
        needs=services.get_needs(current_user),
        title=_("My communities"),
    )


def _invitation_or_refusal(token):
    try:
        return services_invitations.from_token(token), None
    except services.Refused as refusal:
        return None, refusal.message


def _invitation_unusable(problem):
    return render_template(
        "communities/invitation_invalid.html",
        problem=problem,
        title=_("This invitation cannot be used"),
    ), 400


def accept_invitation(token):
    invitation, problem = _invitation_or_refusal(token)
    if invitation is None:
        return _invitation_unusable(problem)
    community = services_invitations.community_of(invitation)
    form = None
    if current_user.is_authenticated:
        form = _join_form(community, invitation.role)
        if form.validate_on_submit():
            try:
                services_invitations.accept(
                    current_user,
                    invitation,
                    consent=form.consent.data,
                    use_pseudonym=_uses_pseudonym(form),
                )
            except services.Refused as refusal:
                flash(str(refusal.message), "info")
                return redirect(url_for("communities.accept_invitation", token=token))
            flash(_("You have joined %(name)s.", name=community.name), "success")
            if permissions.must_consent(invitation.role):
                return redirect(url_for("communities.needs", community=community.slug))
            return redirect(url_for("communities.show", slug=community.slug))
    return render_template(
        "communities/invitation.html",
        invitation=invitation,
        community=community,
        form=form,
        token=token,
        needs_consent=permissions.must_consent(invitation.role),
        consent_version=CONSENT_VERSION,
        title=_("You are invited to join %(name)s", name=community.name),
    )


def register_from_invitation(token):
    invitation, problem = _invitation_or_refusal(token)
    if invitation is None:
        return _invitation_unusable(problem)
    if current_user.is_authenticated:
        return redirect(url_for("communities.accept_invitation", token=token))
    form = NewAccountForm()
    if request.method == "GET":
        form.locale.data = str(get_locale())
    if form.validate_on_submit():
        try:
            user = accounts.create_verified_account(
                email=invitation.email,
                display_name=form.display_name.data,
                pseudonym=form.pseudonym.data,
                password=form.password.data,
                locale=form.locale.data,
            )
        except accounts.PseudonymTaken:
            form.pseudonym.errors.append(_("That pseudonym is taken. Choose a different one"))
        else:
            if user is None:
                flash(_("You already have an account. Sign in to accept the invitation."), "info")
                next_page = url_for("communities.accept_invitation", token=token)
                return redirect(url_for("accounts.sign_in", next=next_page))
            accounts.start_session(user, request.user_agent.string)
            session.clear()
            login_user(user)
            return redirect(url_for("communities.accept_invitation", token=token))
    return render_template(
        "communities/invitation_register.html",
        form=form,
        invitation=invitation,
        token=token,
        title=_("Create your account"),
    )
