"""Involvement: activities, attendance, payments, expenses, claims and each person's record."""

from flask import Flask


def register(app: Flask) -> None:
    """Add this domain's pages, and the helpers its templates share, to `app`.

    Every address is listed in `blueprint.py`.
    """
    from .blueprint import bp

    app.register_blueprint(bp)
