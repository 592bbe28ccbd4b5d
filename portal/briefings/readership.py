"""Counting briefing views without a database write on every page view.

Each process adds views up in memory and writes them in one batch at most
every `BRIEFING_VIEWS_FLUSH_SECONDS` seconds: one upsert for the daily
totals and one for the readers. Reading a briefing therefore costs no write
at all on most requests, and a fixed two statements on the one that
writes the batch. Counts held in memory when a worker stops are lost: a few
seconds of views, which the insights page says may take a minute to show.
"""

import threading
import time
from collections import Counter

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from .. import db
from .models import BriefingDailyViews, BriefingReader


class Pending:
    """Views and readers not yet written, for this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.views = Counter()  # (briefing id, day) -> views
        self.readers = {}  # (briefing id, user id) -> first day seen
        self.since = time.monotonic()

    def add(self, briefing_id, user_id, day):
        with self.lock:
            self.views[(briefing_id, day)] += 1
            if user_id is not None:
                self.readers.setdefault((briefing_id, user_id), day)

    def take_if_due(self, seconds):
        """The batch to write, emptied, once `seconds` have passed; else None."""
        with self.lock:
            if not self.views or time.monotonic() - self.since < seconds:
                return None
            batch = (self.views, self.readers)
            self.views, self.readers = Counter(), {}
            self.since = time.monotonic()
            return batch


pending = Pending()


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def record(briefing_id, user_id, day):
    """Count one view; write the batch if it is due. The request commits."""
    pending.add(briefing_id, user_id, day)
    batch = pending.take_if_due(current_app.config["BRIEFING_VIEWS_FLUSH_SECONDS"])
    if batch is not None:
        write(*batch)


def write(views, readers):
    """Add a batch of views and readers to the database (two statements)."""
    statement = _insert(BriefingDailyViews).values(
        [{"briefing_id": b, "day": d, "views": n} for (b, d), n in sorted(views.items())]
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["briefing_id", "day"],
            set_={"views": BriefingDailyViews.views + statement.excluded.views},
        )
    )
    if readers:
        rows = [
            {"briefing_id": b, "user_id": u, "first_read_on": d}
            for (b, u), d in sorted(readers.items())
        ]
        db.session.execute(_insert(BriefingReader).values(rows).on_conflict_do_nothing())


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
