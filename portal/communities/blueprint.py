"""Every address of this domain's pages, and the helpers their templates share.

The pages: the directory, a community, joining, members, invitations and the timeline.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import manage_views, views

bp = Blueprint("communities", __name__)

# views.py
bp.app_context_processor(views.labels)
bp.add_url_rule("/communities", view_func=views.directory, methods=["GET"])
bp.add_url_rule("/communities/<slug>", view_func=views.show, methods=["GET"])
bp.add_url_rule("/communities/<slug>/join", view_func=views.join, methods=["GET", "POST"])
bp.add_url_rule("/profile/communication-needs", view_func=views.needs, methods=["GET", "POST"])
bp.add_url_rule("/communities/<slug>/leave", view_func=views.leave, methods=["GET", "POST"])
bp.add_url_rule("/communities/<slug>/consent", view_func=views.consent, methods=["GET", "POST"])
bp.add_url_rule("/my/communities", view_func=views.mine, methods=["GET"])
bp.add_url_rule("/invitations/<token>", view_func=views.accept_invitation, methods=["GET", "POST"])
bp.add_url_rule(
    "/invitations/<token>/register",
    view_func=views.register_from_invitation,
    methods=["GET", "POST"],
)

# manage_views.py
bp.add_url_rule("/communities/<slug>/members", view_func=manage_views.members, methods=["GET"])
bp.add_url_rule(
    "/communities/<slug>/members/<int:membership_id>",
    view_func=manage_views.member,
    methods=["GET"],
)
bp.add_url_rule(
    "/communities/<slug>/members/<int:membership_id>/role",
    view_func=manage_views.change_role,
    methods=["POST"],
)
bp.add_url_rule(
    "/communities/<slug>/members/<int:membership_id>/remove",
    view_func=manage_views.remove_member,
    methods=["POST"],
)
bp.add_url_rule(
    "/communities/<slug>/requests", view_func=manage_views.requests, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/communities/<slug>/invitations",
    view_func=manage_views.invitations_page,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/communities/<slug>/invitations/<int:invitation_id>/resend",
    view_func=manage_views.resend_invitation,
    methods=["POST"],
)
bp.add_url_rule(
    "/communities/<slug>/invitations/<int:invitation_id>/revoke",
    view_func=manage_views.revoke_invitation,
    methods=["POST"],
)
bp.add_url_rule(
    "/communities/<slug>/ways-to-respond",
    view_func=manage_views.ways_to_respond,
    methods=["GET", "POST"],
)
bp.add_url_rule("/communities/new", view_func=manage_views.create, methods=["GET", "POST"])
bp.add_url_rule("/communities/<slug>/edit", view_func=manage_views.edit, methods=["GET", "POST"])
bp.add_url_rule("/communities/<slug>/archive", view_func=manage_views.archive, methods=["POST"])
bp.add_url_rule(
    "/communities/<slug>/coordinators", view_func=manage_views.appoint, methods=["GET", "POST"]
)
