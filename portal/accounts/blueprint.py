"""Every address of this domain's pages, and the helpers their templates share.

The pages: registering, signing in and out, passwords and the profile.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import views

bp = Blueprint("accounts", __name__)

# views.py
bp.add_url_rule("/register", view_func=views.register, methods=["GET", "POST"])
bp.add_url_rule("/register/check-your-email", view_func=views.check_email, methods=["GET"])
bp.add_url_rule("/verify-email/<token>", view_func=views.verify_email, methods=["GET", "POST"])
bp.add_url_rule("/sign-in", view_func=views.sign_in, methods=["GET", "POST"])
bp.add_url_rule("/sign-in/confirm-your-email", view_func=views.unverified, methods=["GET", "POST"])
bp.add_url_rule("/sign-out", view_func=views.sign_out, methods=["POST"])
bp.add_url_rule("/forgot-password", view_func=views.forgot_password, methods=["GET", "POST"])
bp.add_url_rule("/reset-password/<token>", view_func=views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/profile", view_func=views.profile, methods=["GET"])
bp.add_url_rule("/profile/edit", view_func=views.edit_profile, methods=["GET", "POST"])
bp.add_url_rule("/profile/password", view_func=views.change_password, methods=["GET", "POST"])
bp.add_url_rule(
    "/profile/sign-out-everywhere", view_func=views.sign_out_everywhere, methods=["POST"]
)
bp.add_url_rule(
    "/profile/sessions/<int:session_id>/end", view_func=views.end_session, methods=["POST"]
)
