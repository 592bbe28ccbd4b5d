"""Running a community: members, requests and invitations (coordinators), and
creating, editing and archiving communities (site admins)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..accounts.forms import ConfirmForm
from ..accounts.services import get_user
from ..held import keeps_text
from ..links import public_url
from ..pagination import paginate
from . import invitations, services
from .forms import (
    AppointCoordinatorForm,
    CommunityForm,
    DecideForm,
    InviteForm,
    MemberFilterForm,
    RemoveForm,
    RoleForm,
    WaysToRespondForm,
)
from .models import PENDING, Membership
from .views import PER_PAGE, community_or_404, forbid_unless

# Members and requests, by name (as services.members_query sorts).
BY_NAME = (Membership.sort_name, Membership.id)

COMMUNITY_FIELDS = (
    "name",
    "slug",
    "purpose",
    "description",
    "service_area",
    "visibility",
    "target_reading_age",
    "role_description",
)


def _accept_url(token):
    return public_url("communities.accept_invitation", token=token)


@login_required
def members(slug):
    community = community_or_404(slug)
    forbid_unless(permissions.can_see_members(current_user, community))
    manager = permissions.can_manage_members(current_user, community)
    form = MemberFilterForm(request.args)
    role = form.role.data if form.role.validate(form) else ""
    status = form.status.data if manager and form.status.validate(form) else "active"
    page = paginate(
        services.members_query(community, role=role, status=status),
        PER_PAGE,
        key=BY_NAME,
    )
    needs = services.needs_for([user.id for _m, user in page.items]) if manager else {}
    return render_template(
        "communities/members.html",
        community=community,
        form=form,
        page=page,
        manager=manager,
        needs=needs,
        title=_("Members of %(name)s", name=community.name),
    )


def _membership_or_404(community, membership_id):
    membership = services.get_membership(community, membership_id)
    if membership is None:
        abort(404)
    return membership


@login_required
def member(slug, membership_id):
    community = community_or_404(slug)
    forbid_unless(permissions.can_manage_members(current_user, community))
    membership = _membership_or_404(community, membership_id)
    return _member_page(community, membership, RoleForm(role=membership.role), RemoveForm())


def _member_page(community, membership, role_form, remove_form):
    user = get_user(membership.user_id)
    return render_template(
        "communities/member.html",
        community=community,
        membership=membership,
        member=user,
        needs=services.get_needs(user),
        history=services.membership_history(membership),
        role_form=role_form,
        remove_form=remove_form,
        form=role_form if role_form.errors else remove_form,
        title=user.display_name,
    )


@login_required
def change_role(slug, membership_id):
    community = community_or_404(slug)
    forbid_unless(permissions.can_manage_members(current_user, community))
    membership = _membership_or_404(community, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(current_user, community, membership, form.role.data)
        except services.Refused as refusal:
            form.role.errors.append(str(refusal.message))
        else:
            flash(_("The role has been changed."), "success")
            return redirect(url_for("communities.member", slug=slug, membership_id=membership.id))
    return _member_page(community, membership, form, RemoveForm())


@login_required
def remove_member(slug, membership_id):
    community = community_or_404(slug)
    forbid_unless(permissions.can_manage_members(current_user, community))
    membership = _membership_or_404(community, membership_id)
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            services.remove_member(current_user, community, membership, form.reason.data)
        except services.Refused as refusal:
            form.reason.errors.append(str(refusal.message))
        else:
            flash(_("The member has been removed and told why."), "success")
            return redirect(url_for("communities.members", slug=slug))
    return _member_page(community, membership, RoleForm(role=membership.role), form)


@login_required
def requests(slug):
    community = community_or_404(slug)
    forbid_unless(permissions.can_manage_members(current_user, community))
    page = paginate(services.members_query(community, status=PENDING), PER_PAGE, key=BY_NAME)
    form = DecideForm()
    form.selected.choices = [(m.id, user.display_name) for m, user in page.items]
    if request.method == "POST":
        form.selected.choices = None  # any id may be posted; the service checks each one
        form.selected.pre_validate = lambda _form: None
    if form.validate_on_submit():
        try:
            count = services.decide_requests(
                current_user,
                community,
                form.selected.data,
                approve=form.decision.data == "approve",
                message=form.message.data or "",
            )
        except services.Refused as refusal:
            form.selected.errors = [str(refusal.message)]
        else:
            flash(
                _("%(count)d requests decided. Each person has been told.", count=count), "success"
            )
            return redirect(url_for("communities.requests", slug=slug))
    return render_template(
        "communities/requests.html",
        community=community,
        form=form,
        page=page,
        needs=services.needs_for([user.id for _m, user in page.items]),
        title=_("Requests to join %(name)s", name=community.name),
    )


@login_required
def invitations_page(slug):
    community = community_or_404(slug)
    forbid_unless(permissions.can_manage_members(current_user, community))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            sent, problems = invitations.invite(
                current_user,
                community,
                form.addresses,
                form.role.data,
                form.message.data or "",
                _accept_url,
                str(get_locale()),
            )
        except services.Refused as refusal:
            problems = [refusal.message]
        if problems:
            form.emails.errors = [str(p) for p in problems]
        else:
            flash(_("%(count)d invitations sent.", count=len(sent)), "success")
            return redirect(url_for("communities.invitations_page", slug=slug))
    return render_template(
        "communities/invitations.html",
        community=community,
        form=form,
        action_form=ConfirmForm(),
        page=paginate(invitations.open_invitations_query(community), PER_PAGE),
        title=_("Invitations to %(name)s", name=community.name),
    )


def _invitation_action(slug, invitation_id, action):
    community = community_or_404(slug)
    forbid_unless(permissions.can_manage_members(current_user, community))
    invitation = invitations.get_invitation(community, invitation_id)
    if invitation is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(community, invitation)
    except services.Refused as refusal:
        flash(str(refusal.message), "info")
    return redirect(url_for("communities.invitations_page", slug=slug))


@login_required
def resend_invitation(slug, invitation_id):
    def action(community, invitation):
        invitations.resend(current_user, community, invitation, _accept_url, str(get_locale()))
        flash(_("Invitation sent again to %(email)s.", email=invitation.email), "success")

    return _invitation_action(slug, invitation_id, action)


@login_required
def revoke_invitation(slug, invitation_id):
    def action(community, invitation):
        invitations.revoke(current_user, community, invitation)
        flash(_("Invitation to %(email)s withdrawn.", email=invitation.email), "success")

    return _invitation_action(slug, invitation_id, action)


@keeps_text()
@login_required
def ways_to_respond(slug):
    community = community_or_404(slug)
    forbid_unless(permissions.can_set_ways_to_respond(current_user, community))
    form = WaysToRespondForm(obj=community)
    if form.validate_on_submit():
        ways = {name: form[name].data for name in services.WAYS_TO_RESPOND}
        services.set_ways_to_respond(current_user, community, **ways)
        flash(_("Saved. Every proposal taking views now shows these ways to respond."), "success")
        return redirect(url_for("communities.show", slug=community.slug))
    return render_template(
        "communities/ways_to_respond.html",
        form=form,
        community=community,
        title=_("Ways to respond other than online"),
    )


# Site administration ------------------------------------------------------------


def _community_fields(form):
    return {name: form[name].data for name in COMMUNITY_FIELDS}


@login_required
def create():
    forbid_unless(permissions.can_admin_communities(current_user))
    form = CommunityForm()
    if form.validate_on_submit():
        community = services.create_community(current_user, **_community_fields(form))
        flash(_("Community created. Now appoint its coordinators."), "success")
        return redirect(url_for("communities.appoint", slug=community.slug))
    return render_template("communities/form.html", form=form, title=_("Create a community"))


@login_required
def edit(slug):
    community = community_or_404(slug)
    forbid_unless(permissions.can_admin_communities(current_user))
    form = CommunityForm(obj=community)
    if form.validate_on_submit():
        services.update_community(current_user, community, **_community_fields(form))
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("communities.show", slug=community.slug))
    return render_template(
        "communities/form.html",
        form=form,
        community=community,
        archive_form=ConfirmForm(),
        title=_("Edit %(name)s", name=community.name),
    )


@login_required
def archive(slug):
    community = community_or_404(slug)
    forbid_unless(permissions.can_admin_communities(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if community.is_archived:
        services.restore_community(current_user, community)
        flash(_("The community is open again."), "success")
    else:
        services.archive_community(current_user, community)
        flash(
            _("The community is archived. It stays readable and takes no new members."), "success"
        )
    return redirect(url_for("communities.show", slug=slug))


@login_required
def appoint(slug):
    community = community_or_404(slug)
    forbid_unless(permissions.can_admin_communities(current_user))
    form = AppointCoordinatorForm()
    if form.validate_on_submit():
        try:
            services.appoint_coordinator(current_user, community, form.email.data)
        except services.Refused as refusal:
            form.email.errors.append(str(refusal.message))
        else:
            flash(_("Coordinator appointed."), "success")
            return redirect(url_for("communities.appoint", slug=slug))
    return render_template(
        "communities/coordinators.html",
        community=community,
        form=form,
        coordinators=services.coordinators(community),
        title=_("Coordinators of %(name)s", name=community.name),
    )
