"""Slow figures kept for a short while, in a cache every process shares.

A community's page, its impact figures, the "you said, we did" board and a
proposal's trace show figures that count many rows and change slowly. They are worked out at
most once every `COMMUNITY_FIGURES_CACHE_SECONDS` (0 turns this off, as in
tests) and kept in Flask-Caching: Redis in production (`CACHE_REDIS_URL`), so
every gunicorn worker on every machine reads the same answer, and a cache in
each process in development. A figure is worked out afresh once it is that
many seconds old, by one process while the others still give the last answer
(see `remember`). If the cache cannot be reached, the figure is worked out afresh: a
slower page, never a failed one.

Some kept figures also carry a stamp: a random token for what they count
(`proposal_figures(id)` for one proposal's contributions). A write that
changes what they count calls `renew_after_commit(name)`; once the write
commits the token is dropped, so the next page works the figure out afresh at
once instead of waiting for it to expire. The token goes only after the commit,
so a page cannot keep the old answer under the new token.

A few pages that many readers share also keep their rendered content
(`remember_html`): never the header, a form with a CSRF token or anything
about one person, and always under the reader's language, the page's query
arguments and the reader's permission class, so a reader sees what anyone
with the same rights sees.
"""

import hashlib
import logging
import time
import uuid

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_caching import Cache
from markupsafe import Markup

from . import db

log = logging.getLogger(__name__)

cache = Cache()


STAMP_SECONDS = 24 * 60 * 60  # a stamp that expires only makes the next page work afresh
# An answer is kept for this many times its time, so that while one process works out
# the next one, other readers still have the last (see `remember`).
KEPT_FOR = 10


def init_app(app):
    if app.config.get("CACHE_REDIS_URL") and app.config.get("CACHE_TYPE") == "SimpleCache":
        app.config["CACHE_TYPE"] = "RedisCache"
    cache.init_app(app)
    sessions = app.extensions["chorus_db"]["sessionmaker"]
    sa.event.listen(sessions, "after_commit", _drop_renewed_stamps)


def proposal_figures(proposal_id):
    """The stamp name of the figures counted from one proposal's contributions."""
    return f"proposal:{proposal_id}"


def timeline_figures(community_id):
    """The stamp name of a community's timeline: renewed when an event is added to it."""
    return f"timeline:{community_id}"


def impact_report(community_id):
    """The stamp name of a community's impact reports: renewed when a narrative is saved."""
    return f"impact-report:{community_id}"


def renew_after_commit(name, session=None):
    """Say that the figures stamped `name` change with this transaction (of `session`, for a
    flush event; the request's otherwise)."""
    (session or db.session).info.setdefault("renewed_stamps", set()).add(name)


def _drop_renewed_stamps(session):
    names = session.info.pop("renewed_stamps", None)  # left by a rollback: renewed anyway
    if not names or not current_app.config["COMMUNITY_FIGURES_CACHE_SECONDS"]:
        return
    try:
        cache.delete_many(*("stamp:" + name for name in sorted(names)))
    except Exception:  # noqa: BLE001
        log.warning("Kept figures could not be renewed; they expire on their own.")


def _stamp(name):
    """The token of the figures stamped `name`, made when there is none."""
    key = "stamp:" + name
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=STAMP_SECONDS)
        token = cache.get(key)
    return token


def _key(key):
    """A short cache key for any tuple of plain values (a page of ids can be long)."""
    return "figures:" + hashlib.sha256(repr(key).encode()).hexdigest()[:32]


def remember(key, compute, stamp=None):
    """`compute()`, or the answer kept from an earlier call with this key, if recent enough
    and, with a `stamp` name, if nothing it counts has changed since.

    An answer older than its time is worked out afresh by one process only: the first
    to find it old claims the work, and until it has finished every other reader is
    given the older answer. So a figure that takes a second to count holds up one
    request once a minute, not every request that arrives during that second.
    """
    seconds = current_app.config["COMMUNITY_FIGURES_CACHE_SECONDS"]
    if not seconds:
        return compute()
    try:
        name = _key((key, _stamp(stamp)) if stamp else key)
        kept = cache.get(name)
        if kept is not None and len(kept) == 2:
            value, made_at = kept
            if time.time() - made_at < seconds or not cache.add(name + ":renewing", 1, seconds):
                return value  # recent enough, or another process is working it out
    except Exception:  # noqa: BLE001 - the cache is a help, never a reason to fail a page
        log.warning("The figures cache could not be read; working the figure out afresh.")
        return compute()
    value = compute()
    try:
        # A tuple with the time it was worked out, so that a None answer is kept too.
        cache.set(name, (value, time.time()), timeout=seconds * KEPT_FOR)
        cache.delete(name + ":renewing")
    except Exception:  # noqa: BLE001
        log.warning("The figures cache could not be written.")
    return value


def render_content(template, **context):
    """A page's content rendered from `template`, for the page to show as `{{ content }}`,
    whether it is then kept (`remember_html`) or not (an error, a personal page)."""
    # A rendered template, escaped as it was rendered: marked safe to show as it is.
    return Markup(render_template(template, **context))  # noqa: S704


def remember_html(name, render, *, audience, stamp=None):
    """The HTML `render()` gives for the content of the page at this address, kept like a
    figure (`remember`).

    The key holds the address with its query arguments, the reader's language and
    `audience`: what the reader may see (member or not, coordinator or not), never who
    they are. `render()` must show nothing more particular than that: no CSRF token, no
    name, nothing of the reader's own.
    """
    arguments = tuple(sorted(request.args.items(multi=True)))
    return remember_markup(("html", name, request.path, arguments, audience), render, stamp=stamp)


def remember_markup(key, render, stamp=None):
    """Rendered HTML kept like a figure, under `key` and the reader's language: a part of
    a page that many of its addresses share (a long list of filter choices)."""
    # A rendered template, escaped as it was rendered: kept as text, marked safe again here.
    kept = remember((key, str(get_locale())), lambda: str(render()), stamp=stamp)
    return Markup(kept)  # noqa: S704
