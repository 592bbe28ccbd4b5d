"""Dates as the trust reads them: today in its time zone, the periods pages offer, and months
as addresses write them (2026-03).

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


def this_month(day: date | None = None) -> tuple[date, date]:
    """(first day, last day) of the month of `day` (today)."""
    first = (day or today()).replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def month_key(day: date) -> str:
    """A month as an address writes it: 2026-03."""
    return day.strftime("%Y-%m")


def parse_month(text: str | None) -> date | None:
    """A month written "2026-03" as the date of its first day, or None."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def month_count(first_month: date, last_month: date) -> int:
    """How many months from one to the other, both included (0 when the last is earlier)."""
    return max(
        0, (last_month.year - first_month.year) * 12 + last_month.month - first_month.month + 1
    )


def months_between(first_month: date, last_month: date) -> list[tuple[date, date]]:
    """[(first day, last day)] of each month from `first_month` to `last_month`."""
    found = []
    day = first_month.replace(day=1)
    for _ in range(month_count(first_month, last_month)):
        following = (day + timedelta(days=32)).replace(day=1)
        found.append((day, following - timedelta(days=1)))
        day = following
    return found
