"""Every address of this domain's pages, and the helpers their templates share.

The pages: my impact, traces, service changes, influence, the board and the impact report.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import change_views, influence_views, report_views, views

bp = Blueprint("impact", __name__)

# views.py
bp.app_context_processor(views.impact_labels)
bp.add_app_template_global(views.what_it_changed)
bp.add_url_rule("/my/impact", view_func=views.mine, methods=["GET"])
bp.add_url_rule("/proposals/<int:proposal_id>/trace", view_func=views.trace, methods=["GET"])
bp.add_url_rule(
    "/you-said-we-did", view_func=views.you_said_we_did, methods=["GET"], endpoint="board"
)
bp.add_url_rule("/communities/<slug>/timeline", view_func=views.timeline, methods=["GET"])
bp.add_url_rule(
    "/communities/<slug>/timeline/new", view_func=views.new_event, methods=["GET", "POST"]
)
bp.add_url_rule("/open-data", view_func=views.open_data, methods=["GET"])
bp.add_url_rule("/open-data/<name>.<fmt>", view_func=views.open_data_file, methods=["GET"])

# change_views.py
bp.add_app_template_global(change_views.proposal_decision)
bp.add_app_template_global(change_views.changes_carrying_out)
bp.add_url_rule(
    "/proposals/<int:proposal_id>/decision",
    view_func=change_views.decision,
    methods=["GET", "POST"],
)
bp.add_url_rule("/communities/<slug>/changes", view_func=change_views.changes, methods=["GET"])
bp.add_url_rule(
    "/communities/<slug>/changes/new", view_func=change_views.new_change, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/changes/<int:change_id>/edit", view_func=change_views.edit_change, methods=["GET", "POST"]
)
bp.add_url_rule("/changes/<int:change_id>", view_func=change_views.change, methods=["GET"])
bp.add_url_rule(
    "/changes/<int:change_id>/status", view_func=change_views.move_change, methods=["POST"]
)
bp.add_url_rule(
    "/changes/<int:change_id>/milestones", view_func=change_views.add_milestone, methods=["POST"]
)
bp.add_url_rule(
    "/changes/<int:change_id>/evaluation",
    view_func=change_views.evaluation,
    methods=["GET", "POST"],
)

# influence_views.py
bp.add_url_rule(
    "/proposals/<int:proposal_id>/influence",
    view_func=influence_views.link,
    methods=["GET", "POST"],
)
bp.add_app_template_global(influence_views.contribution_links)
bp.add_url_rule(
    "/influences/<int:influence_id>",
    view_func=influence_views.influence_page,
    methods=["GET", "POST"],
    endpoint="influence",
)
bp.add_url_rule(
    "/influences/<int:influence_id>/remove",
    view_func=influence_views.remove_influence,
    methods=["POST"],
)
bp.add_url_rule(
    "/review/outcome-missing", view_func=influence_views.outcome_missing, methods=["GET"]
)

# report_views.py
bp.app_context_processor(report_views.measure_labels)
bp.add_app_template_global(report_views.community_impact)
bp.add_url_rule("/communities/<slug>/impact", view_func=report_views.dashboard, methods=["GET"])
bp.add_url_rule("/communities/<slug>/impact/report", view_func=report_views.report, methods=["GET"])
bp.add_url_rule(
    "/communities/<slug>/impact/report/edit",
    view_func=report_views.edit_report,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/communities/<slug>/impact/report.<fmt>", view_func=report_views.report_data, methods=["GET"]
)
