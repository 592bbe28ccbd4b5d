"""Dates as the trust reads them, whatever the server's clock says."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from portal import dates

LONDON = ZoneInfo("Europe/London")


def test_today_is_the_trusts_date():
    assert dates.today() == datetime.now(LONDON).date()


def test_a_summer_night_after_midnight_is_already_the_next_day_in_the_trust():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    assert dates.local(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)).date() == date(2026, 7, 1)


def test_twelve_whole_months_end_with_this_month():
    assert dates.twelve_whole_months_to(date(2026, 1, 20)) == (date(2025, 2, 1), date(2026, 1, 1))


def test_twelve_months_of_days_from_a_leap_day():
    assert dates.twelve_months_to(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))
