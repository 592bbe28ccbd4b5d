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


def test_this_month_runs_from_its_first_to_its_last_day():
    assert dates.this_month(date(2028, 2, 14)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert dates.this_month(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_month_in_the_address_reads_back_as_its_first_day():
    assert dates.month_key(date(2026, 3, 27)) == "2026-03"
    assert dates.parse_month("2026-03") == date(2026, 3, 1)
    assert dates.parse_month("2026-13") is None
    assert dates.parse_month("soon") is None
    assert dates.parse_month(None) is None
