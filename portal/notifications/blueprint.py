"""Every address of this domain's pages, and the helpers their templates share.

The pages: notifications, their preferences and follows.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import views

bp = Blueprint("notifications", __name__)

# views.py
bp.add_app_template_global(views.following_proposal)
bp.add_app_template_global(views.following_change)
bp.add_url_rule("/notifications", view_func=views.index, methods=["GET"])
bp.add_url_rule("/notifications/<int:message_id>/read", view_func=views.mark_read, methods=["POST"])
bp.add_url_rule("/notifications/<int:message_id>/open", view_func=views.open_link, methods=["POST"])
bp.add_url_rule("/notifications/read-all", view_func=views.mark_all_read, methods=["POST"])
bp.add_url_rule("/notifications/preferences", view_func=views.preferences, methods=["GET", "POST"])
bp.add_url_rule(
    "/proposals/<int:proposal_id>/follow", view_func=views.follow_proposal, methods=["POST"]
)
bp.add_url_rule("/changes/<int:change_id>/follow", view_func=views.follow_change, methods=["POST"])
