"""Every address of this domain's pages, and the helpers their templates share.

The pages: the home page, My work, the accessibility and privacy pages and the language
switcher.

Each view module holds the functions; this file says which address runs which,
so the whole domain's routes can be read in one place.
"""

from flask import Blueprint

from ..url_patterns import url_pattern
from . import menu, views

bp = Blueprint("main", __name__)

# views.py
bp.add_app_template_global(url_pattern, "url_pattern")
bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/my-work", view_func=views.my_work, methods=["GET"])
bp.add_url_rule("/accessibility", view_func=views.accessibility, methods=["GET"])
bp.add_url_rule("/privacy", view_func=views.privacy, methods=["GET"])
bp.add_url_rule("/language", view_func=views.set_language, methods=["POST"])
bp.add_url_rule("/healthz", view_func=views.healthz, methods=["GET"])
bp.add_app_template_filter(views.header_count, "header_count")
bp.add_app_template_global(views.header_facts)
bp.add_app_template_global(menu.header_menu, "header_menu")
