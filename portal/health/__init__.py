"""The community health dashboard: figures across domains, its charts and its file."""

from flask import Flask


def register(app: Flask) -> None:
    """Add this domain's pages, and the helpers its templates share, to `app`.

    Every address is listed in `blueprint.py`.
    """
    from .blueprint import bp

    app.register_blueprint(bp)
