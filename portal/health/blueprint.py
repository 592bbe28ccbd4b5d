"""Every address of this domain's pages, and the helpers their templates share.

The pages: the community health dashboard and its file.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import views

bp = Blueprint("health", __name__)

# views.py
bp.context_processor(views.figure_labels)
bp.add_app_template_global(views.health_figure)
bp.add_app_template_global(views.community_health)
bp.add_url_rule(
    "/communities/<slug>/health", view_func=views.dashboard, methods=["GET"], endpoint="dashboard"
)
bp.add_url_rule(
    "/communities/<slug>/health.csv",
    view_func=views.dashboard_file,
    methods=["GET"],
    endpoint="dashboard_csv",
)
