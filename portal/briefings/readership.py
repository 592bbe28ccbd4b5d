"""Counting briefing views in a store every process shares; the worker writes them down.

With Redis (`BRIEFING_VIEWS_REDIS_URL`, else `CACHE_REDIS_URL`), reading a
briefing sends no SQL write: a view is one pipelined round trip to one hash,
`pending`, where HINCRBY adds one to the field `v:<briefing>:<day>` and, for
a signed-in reader, HSETNX keeps `r:<briefing>:<user>` = the first day seen.
One hash rather than one per day, so that a single RENAME takes the whole
batch at once, with no list of days to keep in step with it.

The worker (`flask outbox send --loop`, or `flask briefings flush-views`)
moves the counts into `briefing_daily_views` and `briefing_readers`:

1. take: in one MULTI/EXEC, RENAME `pending` to `batch:<name>` and add the
   name to the set `batches`. Views that arrive later start a new `pending`.
2. apply each listed batch, oldest first, so a batch left by a worker that
   stopped is retried before new ones: in one database transaction, insert
   the name into `briefing_view_batches` (the ledger); if it is already
   there the batch was applied, and is skipped; else add its views and
   readers with upserts, and commit.
3. forget: in one MULTI/EXEC, DEL the batch and take its name off the set.

Nothing is lost: a worker that stops before step 3 leaves the batch listed,
and the next flush on any machine applies it. Nothing is counted twice: a
worker that stops before the commit leaves no trace in the database, and one
that stops after it leaves the ledger row, so the retry only forgets the
batch. Two workers may pick the same batch; the ledger's primary key lets
one apply it (PostgreSQL makes the second wait for the first to commit, then
see the row). A ledger row is deleted a day after its batch is no longer
listed. Views of a briefing or reader deleted meanwhile are dropped.

Redis must keep keys that have no expiry: persistence on, and a
`maxmemory-policy` of `noeviction` or `volatile-*`. A cache Redis that may
evict any key (`allkeys-lru`) needs its own `BRIEFING_VIEWS_REDIS_URL`.

Without Redis (development, tests, one machine) each view is written in the
request with the same upserts: one statement, two for a signed-in reader.
That is a write on GET, accepted only when there is no shared store. When
Redis cannot be reached, the view is written the same way and a warning
logged: a counter never fails a page. No process keeps views in memory.
"""

import logging
import time
import uuid
from datetime import date, timedelta

import redis
import sqlalchemy as sa
from flask import current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.dialects import postgresql, sqlite

from .. import db
from ..accounts.models import User
from ..db import utcnow
from .models import Briefing, BriefingDailyViews, BriefingReader, BriefingViewBatch

log = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5  # a slow Redis must not hold a page up for long
ROWS_PER_STATEMENT = 1000
LEDGER_KEPT_FOR = timedelta(days=1)


def _redis():
    """The shared store's client (one connection pool per app and address), or None."""
    config = current_app.config
    url = config.get("BRIEFING_VIEWS_REDIS_URL") or config.get("CACHE_REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault("chorus_briefing_views", {})
    if url not in clients:
        clients[url] = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1),  # once, for a connection Redis closed meanwhile
        )
    return clients[url]


def _key(name):
    return f"{current_app.config['CACHE_KEY_PREFIX']}briefing-views:{name}"


def record(briefing_id, user_id, day):
    """Count one view: in Redis if there is one, else in the database (the request commits)."""
    client = _redis()
    if client is not None:
        try:
            with client.pipeline() as pipe:  # MULTI/EXEC, sent in one round trip
                pipe.hincrby(_key("pending"), f"v:{briefing_id}:{day.isoformat()}", 1)
                if user_id is not None:
                    pipe.hsetnx(_key("pending"), f"r:{briefing_id}:{user_id}", day.isoformat())
                pipe.execute()
            return
        except redis.RedisError as error:
            log.warning("Briefing views: Redis unreachable (%s); writing the view directly.", error)
    readers = {(briefing_id, user_id): day} if user_id is not None else {}
    write({(briefing_id, day): 1}, readers)


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _chunks(rows):
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[start : start + ROWS_PER_STATEMENT]


def write(views, readers):
    """Add views {(briefing id, day): n} and readers {(briefing id, user id): day}."""
    view_rows = [{"briefing_id": b, "day": d, "views": n} for (b, d), n in sorted(views.items())]
    for rows in _chunks(view_rows):
        statement = _insert(BriefingDailyViews).values(rows)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["briefing_id", "day"],
                set_={"views": BriefingDailyViews.views + statement.excluded.views},
            )
        )
    reader_rows = [
        {"briefing_id": b, "user_id": u, "first_read_on": d}
        for (b, u), d in sorted(readers.items())
    ]
    for rows in _chunks(reader_rows):
        db.session.execute(_insert(BriefingReader).values(rows).on_conflict_do_nothing())


# The worker ------------------------------------------------------------------------


def flush():
    """Move every batch of views from Redis to the database; commits once per batch.

    Returns the number of views written. Without Redis there is nothing to do;
    when Redis cannot be reached, or the database refuses a batch, a warning is
    logged and the batch waits for the next flush."""
    client = _redis()
    if client is None:
        return 0
    written = 0
    try:
        _take(client)
        for name in sorted(client.smembers(_key("batches"))):
            try:
                written += _apply(client, name)
            except sa.exc.SQLAlchemyError:
                db.session.rollback()
                log.exception("Briefing views: batch %s not written; it will be retried.", name)
                continue
            _forget(client, name)
        if written:
            _prune(client)
    except redis.RedisError as error:  # raised outside a batch's transaction: nothing to undo
        log.warning("Briefing views: Redis unreachable (%s); views wait there.", error)
    return written


def _take(client):
    """Rename the pending views to a batch of their own, listed for the workers."""
    if not client.exists(_key("pending")):
        return
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"  # sorts oldest first
    try:
        with client.pipeline() as pipe:
            pipe.rename(_key("pending"), _key(f"batch:{name}"))
            pipe.sadd(_key("batches"), name)
            pipe.execute()
    except redis.ResponseError:  # another worker took `pending` since it was seen
        client.srem(_key("batches"), name)


def _apply(client, name):
    """Write one batch and its ledger row in one transaction, unless already written."""
    fields = client.hgetall(_key(f"batch:{name}"))
    if not fields:
        return 0
    ledger = _insert(BriefingViewBatch).values(name=name, applied_at=utcnow())
    ledger = ledger.on_conflict_do_nothing().returning(BriefingViewBatch.name)
    if db.session.scalar(ledger) is None:
        db.session.rollback()  # applied before: a worker stopped before forgetting it
        return 0
    views, readers = _existing(*_parse(fields))
    write(views, readers)
    db.session.commit()
    return sum(views.values())


def _parse(fields):
    views, readers = {}, {}
    for field, value in fields.items():
        kind, briefing_id, rest = field.split(":")
        if kind == "v":
            views[(int(briefing_id), date.fromisoformat(rest))] = int(value)
        else:
            readers[(int(briefing_id), int(rest))] = date.fromisoformat(value)
    return views, readers


def _existing(views, readers):
    """Only views of briefings, and readers, that still exist (two statements)."""
    briefing_ids = {b for b, _ in views} | {b for b, _ in readers}
    kept = set(db.session.scalars(sa.select(Briefing.id).where(Briefing.id.in_(briefing_ids))))
    user_ids = {u for b, u in readers if b in kept}
    people = set()
    if user_ids:
        people = set(db.session.scalars(sa.select(User.id).where(User.id.in_(user_ids))))
    return (
        {(b, d): n for (b, d), n in views.items() if b in kept},
        {(b, u): d for (b, u), d in readers.items() if b in kept and u in people},
    )


def _forget(client, name):
    with client.pipeline() as pipe:
        pipe.delete(_key(f"batch:{name}"))
        pipe.srem(_key("batches"), name)
        pipe.execute()


def _prune(client):
    """Ledger rows of batches no longer listed are not needed; keep them a day anyway."""
    listed = client.smembers(_key("batches"))
    db.session.execute(
        sa.delete(BriefingViewBatch).where(
            BriefingViewBatch.applied_at < utcnow() - LEDGER_KEPT_FOR,
            BriefingViewBatch.name.not_in(listed),
        )
    )
    db.session.commit()


# Reading ---------------------------------------------------------------------------


def totals(briefing_id, since):
    """Views in all, views since a day, and signed-in readers, in one statement."""
    views = sa.select(sa.func.coalesce(sa.func.sum(BriefingDailyViews.views), 0)).where(
        BriefingDailyViews.briefing_id == briefing_id
    )
    recent = views.where(BriefingDailyViews.day >= since)
    readers = sa.select(sa.func.count()).where(BriefingReader.briefing_id == briefing_id)
    return db.session.execute(
        sa.select(views.scalar_subquery(), recent.scalar_subquery(), readers.scalar_subquery())
    ).one()
