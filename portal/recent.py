"""Figures worked out at most once in a while, in each process.

A community's page shows a year of figures that change slowly; counting
them on every request would cost more than the rest of the page. Each
process keeps the last answer for `COMMUNITY_FIGURES_CACHE_SECONDS` (0 turns
this off, as in tests). Nothing here is state a request depends on: a
stale figure is at most that many seconds old.
"""

import time

from flask import current_app

_KEPT = {}
MOST_KEPT = 1000  # answers kept at once; older ones are dropped first


def remember(key, compute):
    """`compute()`, or its answer kept from the last call with this key, if recent enough."""
    seconds = current_app.config["COMMUNITY_FIGURES_CACHE_SECONDS"]
    if not seconds:
        return compute()
    now = time.monotonic()
    found = _KEPT.get(key)
    if found is not None and now - found[0] < seconds:
        return found[1]
    value = compute()
    if len(_KEPT) >= MOST_KEPT:
        for old in [k for k, (when, _v) in _KEPT.items() if now - when >= seconds]:
            del _KEPT[old]
        if len(_KEPT) >= MOST_KEPT:
            _KEPT.clear()
    _KEPT[key] = (now, value)
    return value


def forget():
    _KEPT.clear()
