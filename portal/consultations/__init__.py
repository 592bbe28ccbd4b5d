"""Consultations: proposals, the views lay partners give, review, moderation and windows."""


def register(app):
    """Add this domain's pages, and the helpers its templates share, to `app`.

    Every address is listed in `blueprint.py`.
    """
    from .blueprint import bp

    app.register_blueprint(bp)
