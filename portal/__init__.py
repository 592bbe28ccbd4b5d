"""Chorus: a participation portal for lay partners and professional health communities."""

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, ROOT

from . import (
    accounts,
    briefings,
    caching,
    cli,
    communities,
    consultations,
    db,
    errors,
    forms,
    health,
    held,
    i18n,
    impact,
    involvement,
    links,
    logs,
    main,
    notifications,
    outbox,
    permissions,
    security,
    signals,
)
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

    logs.init_app(app)
    db.init_app(app, engine=app.config.get("ENGINE"))
    csrf.init_app(app)
    limiter.init_app(app)
    caching.init_app(app)
    login_manager.init_app(app)
    held.init_app(app)  # after CSRF: a form it refuses is held, not lost
    i18n.init_app(app)
    security.init_app(app)
    forms.init_app(app)
    links.init_app(app)
    permissions.init_app(app)
    errors.init_app(app)
    outbox.init_app(app)
    cli.init_app(app)
    signals.connect_receivers(app)

    # Each domain adds its pages; `<domain>/blueprint.py` lists every address.
    for domain in (
        main,
        accounts,
        notifications,
        communities,
        briefings,
        consultations,
        impact,
        involvement,
        health,
    ):
        domain.register(app)
    return app
