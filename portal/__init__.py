"""Chorus: a participation portal for lay partners and professional health communities."""

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, ROOT

from . import caching, cli, db, errors, forms, held, i18n, outbox, permissions, security, signals
from .extensions import csrf, limiter, login_manager


def create_app(config=None):
    """Build the Chorus app.

    `config` is an environment name ("development", "testing", "production")
    or a dict of settings that override the testing defaults. Without it,
    `CHORUS_ENV` picks the environment (development when unset).
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(ROOT / "instance"),
    )
    if isinstance(config, dict):
        app.config.update(CONFIGS["testing"].load())
        app.config.update(config)
    else:
        name = config or os.environ.get("CHORUS_ENV", "development")
        app.config.update(CONFIGS[name].load())

    if app.config["PROXY_FIX_COUNT"]:
        count = app.config["PROXY_FIX_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    app.jinja_env.undefined = ChainableUndefined
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(app.template_folder), PackageLoader("nhsuk_frontend_jinja")]
    )

    db.init_app(app, engine=app.config.get("ENGINE"))
    csrf.init_app(app)
    limiter.init_app(app)
    caching.init_app(app)
    login_manager.init_app(app)
    held.init_app(app)  # after CSRF: a form it refuses is held, not lost
    i18n.init_app(app)
    security.init_app(app)
    forms.init_app(app)
    permissions.init_app(app)
    errors.init_app(app)
    outbox.init_app(app)
    cli.init_app(app)
    signals.connect_receivers(app)

    from .accounts.views import bp as accounts_bp
    from .briefings import author_views, glossary_views  # noqa: F401 - add their routes
    from .briefings.views import bp as briefings_bp
    from .communities import manage_views  # noqa: F401 - adds its routes to the blueprint
    from .communities.views import bp as communities_bp
    from .consultations import author_views as consultation_author_views  # noqa: F401
    from .consultations import (  # noqa: F401 - add routes
        moderation_views,
        review_views,
        window_views,
    )
    from .consultations.views import bp as consultations_bp
    from .impact import change_views, influence_views, report_views  # noqa: F401 - add routes
    from .impact.views import bp as impact_bp
    from .involvement import (  # noqa: F401 - add their routes
        activity_views,
        claim_views,
        money_views,
        my_views,
        rate_views,
    )
    from .involvement.views import bp as involvement_bp
    from .main.views import bp as main_bp
    from .notifications.views import bp as notifications_bp
    from .reports.views import bp as reports_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(communities_bp)
    app.register_blueprint(briefings_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(impact_bp)
    app.register_blueprint(involvement_bp)
    app.register_blueprint(reports_bp)
    return app
