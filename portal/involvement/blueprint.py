"""Every address of this domain's pages, and the helpers their templates share.

The pages: activities, approvals, payments, claims, rates and my involvement.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import activity_views, claim_views, money_views, my_views, rate_views, views

bp = Blueprint("involvement", __name__)

# views.py
bp.app_context_processor(views.involvement_labels)

# activity_views.py
bp.app_context_processor(activity_views.payment_labels)
bp.add_app_template_global(activity_views.time_spent_words)
bp.add_app_template_filter(activity_views.money_filter, "money")
bp.add_url_rule(
    "/communities/<slug>/activities", view_func=activity_views.activities, methods=["GET"]
)
bp.add_url_rule(
    "/communities/<slug>/activities/new",
    view_func=activity_views.new_activity,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/activities/<int:activity_id>/edit",
    view_func=activity_views.edit_activity,
    methods=["GET", "POST"],
)
bp.add_url_rule("/activities/<int:activity_id>", view_func=activity_views.activity, methods=["GET"])
bp.add_url_rule(
    "/activities/<int:activity_id>/attendance",
    view_func=activity_views.attendance,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/activities/<int:activity_id>/participants/<int:user_id>/remove",
    view_func=activity_views.remove_participant,
    methods=["POST"],
)
bp.add_url_rule(
    "/payments/<int:payment_id>/<action>", view_func=activity_views.move_payment, methods=["POST"]
)
bp.add_url_rule("/payments/<int:payment_id>/pay", view_func=activity_views.pay, methods=["POST"])

# claim_views.py
bp.add_url_rule(
    "/communities/<slug>/expenses/new", view_func=claim_views.new_claim, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/expenses/<int:claim_id>/edit", view_func=claim_views.edit_claim, methods=["GET", "POST"]
)
bp.add_url_rule("/expenses/<int:claim_id>", view_func=claim_views.claim, methods=["GET"])
bp.add_url_rule(
    "/expenses/<int:claim_id>/decision", view_func=claim_views.decide_claim, methods=["POST"]
)
bp.add_url_rule("/expenses/<int:claim_id>/paid", view_func=claim_views.pay_claim, methods=["POST"])
bp.add_url_rule("/expenses/<int:claim_id>/receipt", view_func=claim_views.receipt, methods=["GET"])

# money_views.py
bp.add_url_rule("/communities/<slug>/approvals", view_func=money_views.queue, methods=["GET"])
bp.add_url_rule(
    "/communities/<slug>/payments-due", view_func=money_views.payments_due, methods=["GET"]
)
bp.add_url_rule(
    "/communities/<slug>/payments-due.csv", view_func=money_views.payments_due_csv, methods=["GET"]
)
bp.add_url_rule("/communities/<slug>/money", view_func=money_views.totals, methods=["GET"])

# my_views.py
bp.add_app_template_filter(my_views.as_hours, "as_hours")
bp.add_app_template_global(my_views.my_payment_preference)
bp.add_app_template_global(my_views.my_equality_answered)
bp.add_url_rule("/my/involvement", view_func=my_views.mine, methods=["GET"])
bp.add_url_rule("/my/involvement/statement", view_func=my_views.statement, methods=["GET"])
bp.add_url_rule("/my/involvement/statement.csv", view_func=my_views.statement_csv, methods=["GET"])
bp.add_url_rule("/profile/payment", view_func=my_views.preference, methods=["GET", "POST"])
bp.add_url_rule(
    "/profile/equality",
    view_func=my_views.equality_answers,
    methods=["GET", "POST"],
    endpoint="equality",
)
bp.add_url_rule("/profile/equality/delete", view_func=my_views.delete_equality, methods=["POST"])

# rate_views.py
bp.add_url_rule("/admin/payment-rates", view_func=rate_views.rates, methods=["GET", "POST"])
