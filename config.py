"""Chorus settings: one class per environment, overridable by environment variables.

Nothing is read at import time of the application: `create_app` picks a class
(by `CHORUS_ENV`, default development) and calls its `load()` method.
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    ORGANISATION_NAME = "Chorus demonstration trust"
    SUPPORTED_LOCALES = ("en", "cy", "ar")
    RTL_LOCALES = ("ar",)
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    SQLALCHEMY_ECHO = False
    DATABASE_URL = f"sqlite:///{INSTANCE / 'chorus.sqlite'}"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "chorus_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    LOCALE_COOKIE_NAME = "chorus_locale"
    HSTS = True

    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # a receipt of up to 5 MB and its form
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024  # no form's text needs more
    WTF_CSRF_TIME_LIMIT = None  # the CSRF token lives as long as the session

    # Argon2id at OWASP's recommended parameters (19 MiB, 2 passes).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456
    ARGON2_PARALLELISM = 1

    EMAIL_VERIFY_MAX_AGE = 60 * 60 * 48
    PASSWORD_RESET_MAX_AGE = 60 * 60

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    # Failed sign-ins are counted per account and per address. Staff of a trust often share
    # one address, so its limit is far higher: one person's typos never lock out colleagues.
    SIGN_IN_LIMIT_PER_ACCOUNT = "10 per minute;50 per hour"
    SIGN_IN_LIMIT_PER_ADDRESS = "200 per minute;2000 per hour"
    RESET_LIMIT = "5 per minute;20 per hour"
    # Answers sent without a session are held for a day: limit how many one address sends.
    CONTRIBUTE_LIMIT = "30 per minute;300 per hour"
    # So are long forms (replies, decisions, briefings...) sent after the session ended.
    HELD_TEXT_LIMIT = "30 per minute;300 per hour"
    PROXY_FIX_COUNT = 0

    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_FROM = "Chorus <chorus@localhost>"
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_BATCH_SIZE = 50
    OUTBOX_SEND_AFTER_COMMIT = False

    # A contribution without a reply after this many days is flagged as overdue.
    REVIEW_OVERDUE_DAYS = 10

    # Where people reach Chorus: the start of links in emails sent by the worker.
    PUBLIC_URL = "http://127.0.0.1:5000"

    # Where briefing views are counted before the worker writes them to the database: a Redis
    # that keeps keys without expiry. Unset, CACHE_REDIS_URL; neither, each view is written
    # to the database at once.
    BRIEFING_VIEWS_REDIS_URL = None

    # A community page's figures (a year of contributions and involvement), its impact figures
    # and the board's are worked out at most this often, and kept in a cache all processes
    # share: Redis when CACHE_REDIS_URL is set (production), else one cache per process.
    COMMUNITY_FIGURES_CACHE_SECONDS = 60
    CACHE_TYPE = "SimpleCache"
    CACHE_REDIS_URL = None
    CACHE_KEY_PREFIX = "chorus:"
    CACHE_DEFAULT_TIMEOUT = 60

    # Receipts for expense claims: kept here, outside the web root, up to this size.
    RECEIPTS_FOLDER = str(INSTANCE / "receipts")
    RECEIPT_MAX_BYTES = 5 * 1024 * 1024
    # Where lay partners read how payments may affect their benefits.
    BENEFITS_ADVICE_URL = "https://www.gov.uk/benefits-calculators"

    SECRET_KEY: str | None = None

    # The log: to standard error, as text or (in production) one JSON object a line.
    LOG_LEVEL = "INFO"
    LOG_FORMAT = "text"
    LOG_TO_STDERR = True

    @classmethod
    def load(cls):
        """Return a dict of settings: class defaults, then environment variables."""
        settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        for key in (
            "SECRET_KEY",
            "DATABASE_URL",
            "ORGANISATION_NAME",
            "RATELIMIT_STORAGE_URI",
            "CACHE_REDIS_URL",
            "CACHE_KEY_PREFIX",
            "BRIEFING_VIEWS_REDIS_URL",
            "SIGN_IN_LIMIT_PER_ACCOUNT",
            "SIGN_IN_LIMIT_PER_ADDRESS",
            "MAIL_BACKEND",
            "MAIL_SERVER",
            "MAIL_USERNAME",
            "MAIL_PASSWORD",
            "MAIL_FROM",
            "SERVER_NAME",
            "PREFERRED_URL_SCHEME",
            "PUBLIC_URL",
            "RECEIPTS_FOLDER",
            "BENEFITS_ADVICE_URL",
            "LOG_LEVEL",
            "LOG_FORMAT",
        ):
            if os.environ.get(key):
                settings[key] = os.environ[key]
        for key in (
            "MAIL_PORT",
            "PROXY_FIX_COUNT",
            "COMMUNITY_FIGURES_CACHE_SECONDS",
            "RECEIPT_MAX_BYTES",
        ):
            if os.environ.get(key):
                settings[key] = int(os.environ[key])
        for key in ("MAIL_USE_TLS", "MAIL_USE_SSL", "SESSION_COOKIE_SECURE", "LOG_TO_STDERR"):
            settings[key] = _env_bool(key, settings[key])
        return cls.finish(settings)

    @classmethod
    def finish(cls, settings):
        return settings


class DevelopmentConfig(Config):
    """Zero set-up: SQLite under instance/, mail printed, a key kept on disk."""

    ENV_NAME = "development"
    DEBUG = True
    SESSION_COOKIE_SECURE = False
    HSTS = False
    MAIL_BACKEND = "console"
    OUTBOX_SEND_AFTER_COMMIT = True

    @classmethod
    def finish(cls, settings):
        if not settings.get("SECRET_KEY"):
            settings["SECRET_KEY"] = _development_key()
        return settings


class TestingConfig(Config):
    """Fast hashing and no real mail; the test suite sets DATABASE_URL."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "chorus-tests-only-secret"  # noqa: S105 - the test suite's own key
    SESSION_COOKIE_SECURE = False
    HSTS = True
    MAIL_BACKEND = "console"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    COMMUNITY_FIGURES_CACHE_SECONDS = 0
    CACHE_TYPE = "NullCache"
    CACHE_NO_NULL_WARNING = True
    RECEIPTS_FOLDER = str(Path(tempfile.gettempdir()) / "chorus-test-receipts")
    LOG_TO_STDERR = False  # pytest collects the log instead


class ProductionConfig(Config):
    """Refuses to start without a secret key or with debug on."""

    ENV_NAME = "production"
    LOG_FORMAT = "json"

    @classmethod
    def finish(cls, settings):
        if not settings.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production.")
        if settings.get("DEBUG") or _env_bool("FLASK_DEBUG", False):
            raise RuntimeError("Debug must be off in production.")
        return settings


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _development_key():
    """A random key made once and kept under instance/, so sessions survive restarts."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
