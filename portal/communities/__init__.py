"""Communities: the directory, joining and leaving, members, invitations and the timeline."""


def register(app):
    """Add this domain's pages, and the helpers its templates share, to `app`.

    Every address is listed in `blueprint.py`.
    """
    from .blueprint import bp

    app.register_blueprint(bp)
