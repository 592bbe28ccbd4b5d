"""Error pages in the design system, translated, with the usual security headers."""

import logging

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from . import db, held

PAGES = {
    400: (_l("Sorry, there is a problem with that request"), "errors/400.html"),
    403: (_l("You do not have permission to do this"), "errors/403.html"),
    404: (_l("Page not found"), "errors/404.html"),
    405: (_l("Sorry, there is a problem with that request"), "errors/400.html"),
    413: (_l("Sorry, there is a problem with that request"), "errors/400.html"),
    429: (_l("Too many attempts"), "errors/429.html"),
    500: (_l("Sorry, there is a problem with the service"), "errors/500.html"),
}


log = logging.getLogger(__name__)

# Statuses that mean Chorus refused a request: each is a warning in the log.
REFUSALS = {400, 403, 405, 413, 429}


def render_error(code, csrf=False):
    title, template = PAGES.get(code, PAGES[500])
    return render_template(template, title=title, code=code, csrf=csrf), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        log.warning("Refused: %s", error.description, extra={"status": 400})
        return held.after_csrf_failure() or render_error(400, csrf=True)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in REFUSALS:
            log.warning("Refused: %s", error.name, extra={"status": error.code})
        if error.code in PAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        db.session.rollback()
        return render_error(500)
