"""Languages: the user's setting, then the switcher's cookie, then the browser."""

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from .extensions import babel

LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg", "ar": "العربية"}


def select_locale():
    supported = current_app.config["SUPPORTED_LOCALES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    cookie = request.cookies.get(current_app.config["LOCALE_COOKIE_NAME"])
    if cookie in supported:
        return cookie
    return request.accept_languages.best_match(supported) or "en"


def text_direction():
    return "rtl" if str(get_locale()) in current_app.config["RTL_LOCALES"] else "ltr"


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context():
        return {
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
            "language_names": LANGUAGE_NAMES,
            "supported_locales": current_app.config["SUPPORTED_LOCALES"],
        }
