"""Every address of this domain's pages, and the helpers their templates share.

The pages: proposals, giving views, the review inbox, moderation and consultation windows.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import author_views, moderation_views, review_views, views, window_views

bp = Blueprint("consultations", __name__)

# views.py
bp.app_context_processor(views.labels)
bp.add_app_template_global(views.community_proposals)
bp.add_app_template_global(views.proposals_linking)
bp.add_app_template_global(views.proposals_supported)
bp.add_url_rule("/communities/<slug>/proposals", view_func=views.index, methods=["GET"])
bp.add_url_rule("/proposals/<int:proposal_id>", view_func=views.show, methods=["GET"])
bp.add_url_rule(
    "/proposals/<int:proposal_id>/contribute", view_func=views.contribute, methods=["GET", "POST"]
)
bp.add_url_rule("/proposals/<int:proposal_id>/draft", view_func=views.autosave, methods=["POST"])
bp.add_url_rule(
    "/contributions/<int:contribution_id>", view_func=views.contribution, methods=["GET"]
)
bp.add_url_rule(
    "/contributions/<int:contribution_id>/edit",
    view_func=views.edit_contribution,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/contributions/<int:contribution_id>/withdraw", view_func=views.withdraw, methods=["POST"]
)
bp.add_url_rule("/my/contributions", view_func=views.mine, methods=["GET"])

# author_views.py
bp.add_url_rule(
    "/communities/<slug>/proposals/new", view_func=author_views.new, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/edit", view_func=author_views.edit, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/questions", view_func=author_views.questions, methods=["GET"]
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/questions/new",
    view_func=author_views.question_new,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/questions/<int:question_id>/edit",
    view_func=author_views.question_edit,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/questions/<int:question_id>/move",
    view_func=author_views.question_move,
    methods=["POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/questions/<int:question_id>/delete",
    view_func=author_views.question_delete,
    methods=["POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/publish", view_func=author_views.publish, methods=["GET", "POST"]
)

# moderation_views.py
bp.add_url_rule(
    "/review/contributions/<int:contribution_id>/report",
    view_func=moderation_views.report,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/review/contributions/<int:contribution_id>/hide",
    view_func=moderation_views.hide,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/review/contributions/<int:contribution_id>/quote",
    view_func=moderation_views.quote,
    methods=["GET", "POST"],
)
bp.add_url_rule("/communities/<slug>/reports", view_func=moderation_views.reports, methods=["GET"])
bp.add_url_rule(
    "/communities/<slug>/reports/<int:report_id>/dismiss",
    view_func=moderation_views.dismiss_report,
    methods=["POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/record",
    view_func=moderation_views.record,
    methods=["GET", "POST"],
)

# review_views.py
bp.app_context_processor(review_views.review_labels)
bp.add_url_rule("/review", view_func=review_views.inbox, methods=["GET"])
bp.add_url_rule("/review/bulk", view_func=review_views.bulk, methods=["POST"])
bp.add_url_rule(
    "/review/contributions/<int:contribution_id>",
    view_func=review_views.review_contribution,
    methods=["GET"],
)
bp.add_url_rule(
    "/review/contributions/<int:contribution_id>/acknowledge",
    view_func=review_views.acknowledge,
    methods=["POST"],
)
bp.add_url_rule(
    "/review/contributions/<int:contribution_id>/reply",
    view_func=review_views.reply,
    methods=["POST"],
)
bp.add_url_rule(
    "/review/contributions/<int:contribution_id>/themes",
    view_func=review_views.themes,
    methods=["POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/themes", view_func=review_views.proposal_themes, methods=["GET"]
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/themes/<int:theme_id>/rename",
    view_func=review_views.rename_theme,
    methods=["POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/themes/<int:theme_id>/merge",
    view_func=review_views.merge_theme,
    methods=["POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/summary", view_func=review_views.summary, methods=["GET"]
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/export.csv", view_func=review_views.export, methods=["GET"]
)

# window_views.py
bp.add_url_rule(
    "/proposals/<int:proposal_id>/window/<action>",
    view_func=window_views.window_move,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/heard", view_func=window_views.heard_summary, methods=["GET"]
)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/heard/publish",
    view_func=window_views.publish_heard,
    methods=["POST"],
)
