"""Pages every visitor can read, and the language switcher."""

import logging

import sqlalchemy as sa
from flask import abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db
from ..accounts import services as accounts
from ..redirects import redirect_next
from . import home, work

log = logging.getLogger(__name__)


def index():
    """Staff get My work as their home; lay partners what is open for them; visitors the way in."""
    # The header's facts answer "has My work" in the statement the header asks anyway.
    if current_user.is_authenticated and work.header_facts(current_user)["staff"]:
        return _my_work()
    lay = home.lay_home(current_user) if current_user.is_authenticated else None
    return render_template("main/index.html", lay=lay, title=_("Have your say in health services"))


@login_required
def my_work():
    if not work.has_work(current_user):
        abort(403)
    return _my_work()


def _my_work():
    return render_template("main/work.html", work=work.my_work(current_user), title=_("My work"))


def accessibility():
    return render_template("main/accessibility.html", title=_("Accessibility statement"))


def privacy():
    return render_template("main/privacy.html", title=_("Privacy notice"))


def set_language():
    locale = request.form.get("locale", "")
    config = current_app.config
    response = redirect_next(request.form.get("next"))
    if locale in config["SUPPORTED_LOCALES"]:
        if current_user.is_authenticated:
            accounts.set_locale(current_user, locale)
        response.set_cookie(
            config["LOCALE_COOKIE_NAME"],
            locale,
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="Lax",
            secure=config["SESSION_COOKIE_SECURE"],
        )
    return response


def header_count(number):
    """A header figure as shown: "99+" past the limit the header counts to."""
    if number > work.HEADER_COUNT_LIMIT:
        return f"{work.HEADER_COUNT_LIMIT}+"
    return str(number)


def header_facts():
    """Roles and counts for the header, once per request; nothing for visitors."""
    if not current_user.is_authenticated:
        return {}
    return work.header_facts(current_user)


def healthz():
    """For the load balancer and monitoring: 200 when Chorus can reach its database, else 503.

    It reads no session and sets no cookie; the body says what was checked.
    """
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.error("Health check: the database cannot be reached", exc_info=True)
        response = jsonify(status="unavailable", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
