"""Impact: decisions, service changes, influence links, outcomes and what lay input changed."""

from flask import Flask


def register(app: Flask) -> None:
    """Add this domain's pages, and the helpers its templates share, to `app`.

    Every address is listed in `blueprint.py`.
    """
    from .blueprint import bp

    app.register_blueprint(bp)
