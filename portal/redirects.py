"""Safe redirects: `next=` only ever leads to a page of this site."""

from urllib.parse import urlsplit

from flask import redirect, url_for
from werkzeug.wrappers import Response


def is_safe_next(target: object) -> bool:
    if not target or not isinstance(target, str):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/")


def redirect_next(target: str | None, fallback: str = "main.index") -> Response:
    return redirect(target if target and is_safe_next(target) else url_for(fallback))
