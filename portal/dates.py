"""Dates as the trust reads them: today in its time zone, and the periods pages offer.

The server's clock may run in UTC or anywhere else. Between midnight and 1 am
in a British summer, UTC still says yesterday: "today" is always the trust's
(`BABEL_DEFAULT_TIMEZONE`, Europe/London), so a meeting held tonight is not
"in the future" and a claim dated today is accepted.
"""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The trust's time zone."""
    return _zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def today() -> date:
    """Today's date where the trust is."""
    return datetime.now(zone()).date()


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment in the trust's time zone."""
    return moment.astimezone(zone())


def twelve_months_to(day: date | None = None) -> tuple[date, date]:
    """(first day, last day): the twelve months up to and including `day` (today)."""
    day = day or today()
    try:
        year_ago = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        year_ago = day.replace(year=day.year - 1, day=28)
    return year_ago + timedelta(days=1), day


def twelve_whole_months_to(day: date | None = None) -> tuple[date, date]:
    """(first month, last month), each as its first day: the twelve months up to and
    including the month of `day` (today)."""
    this_month = (day or today()).replace(day=1)
    year, month = divmod(this_month.year * 12 + this_month.month - 1 - 11, 12)
    return date(year, month + 1, 1), this_month
