"""Every address of this domain's pages, and the helpers their templates share.

The pages: briefings, their versions and translations, and the glossary.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from . import author_views, glossary_views, views

bp = Blueprint("briefings", __name__)

# views.py
bp.app_context_processor(views.labels)
bp.add_app_template_global(views.document_context)
bp.add_app_template_global(views.community_briefings)
bp.add_url_rule("/briefings", view_func=views.index, methods=["GET"])
bp.add_url_rule("/briefings/<int:briefing_id>", view_func=views.show, methods=["GET"])
bp.add_url_rule("/briefings/<int:briefing_id>/feedback", view_func=views.feedback, methods=["POST"])
bp.add_url_rule("/briefings/<int:briefing_id>/versions", view_func=views.versions, methods=["GET"])
bp.add_url_rule(
    "/briefings/<int:briefing_id>/versions/<int:number>", view_func=views.version, methods=["GET"]
)
bp.add_url_rule("/briefings/<int:briefing_id>/compare", view_func=views.compare, methods=["GET"])
bp.add_url_rule("/briefings/<int:briefing_id>/insights", view_func=views.insights, methods=["GET"])

# author_views.py
bp.add_url_rule("/communities/<slug>/briefings", view_func=author_views.manage, methods=["GET"])
bp.add_url_rule(
    "/communities/<slug>/briefings/new", view_func=author_views.new, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/briefings/<int:briefing_id>/edit", view_func=author_views.edit, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/briefings/<int:briefing_id>/preview", view_func=author_views.preview, methods=["GET"]
)
bp.add_url_rule(
    "/briefings/<int:briefing_id>/publish", view_func=author_views.publish, methods=["POST"]
)
bp.add_url_rule(
    "/briefings/<int:briefing_id>/translate",
    view_func=author_views.translate,
    methods=["GET", "POST"],
)

# glossary_views.py
bp.add_url_rule("/glossary", view_func=glossary_views.glossary_index, methods=["GET"])
bp.add_url_rule("/glossary/new", view_func=glossary_views.glossary_new, methods=["GET", "POST"])
bp.add_url_rule(
    "/glossary/<int:term_id>/edit", view_func=glossary_views.glossary_edit, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/glossary/<int:term_id>/delete", view_func=glossary_views.glossary_delete, methods=["POST"]
)
