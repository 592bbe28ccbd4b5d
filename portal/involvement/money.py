"""Money sums, in pence-exact `Decimal`: how many units an activity is, and what that pays."""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .models import DAY, HALF_DAY, PER_HOUR, PER_TASK

PENNY = Decimal("0.01")
HALF_DAY_MINUTES = 4 * 60
DAY_MINUTES = 8 * 60


def pence(value):
    """Round to the penny, halves up (as people expect: 2.345 → 2.35)."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def units_for(unit, minutes):
    """How many units of a rate an activity of `minutes` is.

    Per hour: the exact hours (to the hundredth). Per half day or day: every
    started half day or day counts. Per task: one.
    """
    if unit == PER_HOUR:
        return (Decimal(minutes) / Decimal(60)).quantize(PENNY, rounding=ROUND_HALF_UP)
    if unit == HALF_DAY:
        return Decimal(max(1, math.ceil(minutes / HALF_DAY_MINUTES)))
    if unit == DAY:
        return Decimal(max(1, math.ceil(minutes / DAY_MINUTES)))
    if unit == PER_TASK:
        return Decimal(1)
    raise ValueError(unit)


def amount_for(rate_amount, unit, minutes):
    """(units, amount) an activity pays at a rate."""
    units = units_for(unit, minutes)
    return units, pence(units * Decimal(rate_amount))


def parse_amount(text):
    """A sum of money typed by a person ("12.5", "£12.50", "1,200") as Decimal, or None."""
    cleaned = (text or "").strip().replace("£", "").replace(",", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        return None
    return value
