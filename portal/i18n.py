"""Languages: the user's setting, then the switcher's cookie, then the browser."""

from datetime import datetime
from functools import lru_cache

from babel import Locale, dates, numbers
from flask import current_app, g, request
from flask_babel import get_locale, get_translations
from flask_login import current_user

from .dates import local
from .extensions import babel

LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg", "ar": "العربية"}
# Dates follow British English ("26 November 2026"), not Babel's American default.
DATE_LOCALES = {"en": "en_GB"}


class Labels:
    """Labels made with lazy_gettext, for templates, translated once per language.

    Turning a lazy string into text costs a Flask-Babel lookup each time; a list
    of 25 rows shows several labels a row.
    """

    def __init__(self, labels):
        self._labels = labels
        self._cache = {}

    def __getitem__(self, key):
        cache_key = (str(get_locale()), key)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._cache[cache_key] = str(self._labels[key])
        return found

    def __contains__(self, key):
        return key in self._labels

    def __iter__(self):
        return iter(self._labels)

    def get(self, key, default=None):
        return self[key] if key in self._labels else default

    def items(self):
        return [(key, self[key]) for key in self._labels]


def select_locale():
    supported = current_app.config["SUPPORTED_LOCALES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    cookie = request.cookies.get(current_app.config["LOCALE_COOKIE_NAME"])
    if cookie in supported:
        return cookie
    return request.accept_languages.best_match(supported) or "en"


def direction_of(language):
    """The writing direction of a language: "rtl" for Arabic, "ltr" otherwise."""
    return "rtl" if language in current_app.config["RTL_LOCALES"] else "ltr"


def text_direction():
    return direction_of(str(get_locale()))


def current_translations():
    """The request's translations, looked up once per locale rather than per string.

    Flask-Babel resolves the locale and domain on every call; a page has dozens
    of strings. The cache follows `force_locale` (emails in the reader's language)
    because it is keyed on the locale object Flask-Babel holds for the request.
    """
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    cached = g.get("_chorus_translations")
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    state = g.get("_flask_babel")
    g._chorus_translations = (getattr(state, "babel_locale", None), translations)
    return translations


@lru_cache(maxsize=4096)
def _format_date(value, format, locale):
    return dates.format_date(value, format, locale=locale)


def dateformat(value, format="medium"):
    """A day in the reader's language, in UK time. Formatted once per day and language.

    Babel takes about 70 microseconds a date; a list shows twenty.
    """
    if isinstance(value, datetime):
        value = _uk_time(value).date()
    return _format_date(value, format, _date_locale())


@lru_cache(maxsize=32)
def _date_and_minutes(format, locale):
    """The locale's pattern for a date with a time to the minute (no seconds)."""
    parsed = Locale.parse(locale)
    return parsed.datetime_formats[format].format(
        parsed.time_formats["short"].pattern, parsed.date_formats[format].pattern
    )


def datetimeformat(value, format="medium"):
    """A date and time to the minute, in the reader's language and UK time."""
    locale = _date_locale()
    return dates.format_datetime(_uk_time(value), _date_and_minutes(format, locale), locale=locale)


@lru_cache(maxsize=4096)
def _format_percent(value, locale):
    return numbers.format_percent(value / 100, "#,##0.#%", locale=locale)


def percent(value):
    """A percentage (given as 0-100) the way the reader's language writes it: 45%, 45٪."""
    return _format_percent(value, str(get_locale()))


def _uk_time(value):
    return local(value)


def _date_locale():
    locale = str(get_locale())
    return DATE_LOCALES.get(locale, locale)


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        dateformat=dateformat, datetimeformat=datetimeformat, percent=percent
    )
    app.jinja_env.globals["direction_of"] = direction_of
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, n: current_translations().ungettext(singular, plural, n),
        newstyle=True,
    )

    @app.context_processor
    def language_context():
        return {
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
            "language_names": LANGUAGE_NAMES,
            "supported_locales": current_app.config["SUPPORTED_LOCALES"],
        }
