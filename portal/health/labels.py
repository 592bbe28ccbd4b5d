"""Words for the health figures, translated once per language (see `Labels`)."""

from flask_babel import lazy_gettext as _l

from ..i18n import Labels
from .figures import (
    ACTIVE_LAY_PARTNERS,
    CLOSING_THE_LOOP,
    CONTRIBUTIONS,
    EXPENSES_PAID,
    HOURS,
    JOINED,
    LEFT,
    MEDIAN_DAYS,
    PAYMENTS_PAID,
    SHAPED_SHARE,
)

FIGURE_LABELS = {
    ACTIVE_LAY_PARTNERS: _l("Active lay partners"),
    JOINED: _l("Lay partners who joined"),
    LEFT: _l("Lay partners who left"),
    CONTRIBUTIONS: _l("Contributions"),
    MEDIAN_DAYS: _l("Days to a first reply"),
    CLOSING_THE_LOOP: _l("Closing the loop"),
    SHAPED_SHARE: _l("Shaped a change"),
    HOURS: _l("Hours of involvement"),
    PAYMENTS_PAID: _l("Payments paid"),
    EXPENSES_PAID: _l("Expenses paid"),
}
FIGURE_HINTS = {
    ACTIVE_LAY_PARTNERS: _l("Lay partners who were members at the end of the month."),
    JOINED: _l("Lay partners who joined, or became lay partners, in the month."),
    LEFT: _l("Lay partners who left, were removed or took another role in the month."),
    CONTRIBUTIONS: _l(
        "Views given online or recorded from meetings, calls and letters. "
        "Withdrawn views are not counted."
    ),
    MEDIAN_DAYS: _l(
        "Of the views given in the month that have a reply: half had it sooner than this."
    ),
    CLOSING_THE_LOOP: _l(
        "Of the views on proposals that have a decision, the share that have an outcome."
    ),
    SHAPED_SHARE: _l("Of all views given in the month, the share that shaped a change."),
    HOURS: _l("Time lay partners spent at activities, preparation and travel included."),
    PAYMENTS_PAID: _l("Payments for activities marked paid in the month."),
    EXPENSES_PAID: _l("Expense claims marked paid in the month."),
}

LABELS = {
    "figure_labels": Labels(FIGURE_LABELS),
    "figure_hints": Labels(FIGURE_HINTS),
}
