"""Slow figures kept for a short while, in a cache every process shares.

A community's page, its impact figures and the "you said, we did" board show
figures that count a year of rows and change slowly. They are worked out at
most once every `COMMUNITY_FIGURES_CACHE_SECONDS` (0 turns this off, as in
tests) and kept in Flask-Caching: Redis in production (`CACHE_REDIS_URL`), so
every gunicorn worker on every machine reads the same answer, and a cache in
each process in development. A stale figure is at most that many seconds
old. If the cache cannot be reached, the figure is worked out afresh: a
slower page, never a failed one.
"""

import hashlib
import logging

from flask import current_app
from flask_caching import Cache

log = logging.getLogger(__name__)

cache = Cache()


def init_app(app):
    if app.config.get("CACHE_REDIS_URL") and app.config.get("CACHE_TYPE") == "SimpleCache":
        app.config["CACHE_TYPE"] = "RedisCache"
    cache.init_app(app)


def _key(key):
    """A short cache key for any tuple of plain values (a page of ids can be long)."""
    return "figures:" + hashlib.sha256(repr(key).encode()).hexdigest()[:32]


def remember(key, compute):
    """`compute()`, or the answer kept from an earlier call with this key, if recent enough."""
    seconds = current_app.config["COMMUNITY_FIGURES_CACHE_SECONDS"]
    if not seconds:
        return compute()
    name = _key(key)
    try:
        kept = cache.get(name)
    except Exception:  # noqa: BLE001 - the cache is a help, never a reason to fail a page
        log.warning("The figures cache could not be read; working the figure out afresh.")
        return compute()
    if kept is not None:
        return kept[0]
    value = compute()
    try:
        cache.set(name, (value,), timeout=seconds)  # a tuple, so a None answer is kept too
    except Exception:  # noqa: BLE001
        log.warning("The figures cache could not be written.")
    return value
