"""Briefings: plain-language documents, their versions, translations, glossary and readers."""


def register(app):
    """Add this domain's pages, and the helpers its templates share, to `app`.

    Every address is listed in `blueprint.py`.
    """
    from .blueprint import bp

    app.register_blueprint(bp)
