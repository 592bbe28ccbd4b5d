"""Links that leave the site, in emails and notifications: always at PUBLIC_URL.

A link built from the request would start with whatever host the request
named, so a stranger could have a password reset email point elsewhere by
sending a false Host header. These links never depend on the request, and
read the same from a page, the email worker or a command.
"""

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` at PUBLIC_URL (`_anchor` adds a #fragment)."""
    anchor = values.pop("_anchor", None)
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    link = adapter.build(endpoint, values, force_external=True)
    return f"{link}#{anchor}" if anchor else link


def init_app(app: Flask) -> None:
    app.jinja_env.globals["public_url"] = public_url
