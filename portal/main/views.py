"""Pages every visitor can read, and the language switcher."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as accounts
from ..redirects import redirect_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html", title=_("Have your say in health services"))


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html", title=_("Accessibility statement"))


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html", title=_("Privacy notice"))


@bp.post("/language")
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
