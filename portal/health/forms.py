"""The dashboard's period: a first and a last month, chosen in the address (?start=&end=)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from .. import dates
from ..forms import PeriodForm
from .charts import month_name
from .figures import MAX_MONTHS

# The lists go back to January, this many years ago.
YEARS_BACK = 3


class MonthsForm(PeriodForm):
    """Months from the lists (2026-03), the last twelve by default. `first` and `last` are
    the first days of the chosen months."""

    ORDER_MESSAGE = _l("The last month must be the same as or after the first month")

    start = SelectField(_l("From"), validate_choice=False)
    end = SelectField(_l("To"), validate_choice=False)

    def __init__(self, formdata, today=None, **kwargs):
        first, last = dates.twelve_whole_months_to(today)
        default = (dates.month_key(first), dates.month_key(last))
        super().__init__(formdata, default=default, **kwargs)
        months = dates.months_between(date(last.year - YEARS_BACK, 1, 1), last)
        choices = [(dates.month_key(day), month_name(day)) for day, _last in months]
        self.start.choices = self.end.choices = list(reversed(choices))

    @property
    def first(self):
        return dates.parse_month(self.start.data)

    @property
    def last(self):
        return dates.parse_month(self.end.data)

    def _check_listed(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a month from the list"))

    def validate_start(self, field):
        self._check_listed(field)

    def validate_end(self, field):
        self._check_listed(field)
        if self.first is None or self.start.data not in dict(self.start.choices):
            return
        super().validate_end(field)
        if dates.month_count(self.first, self.last) > MAX_MONTHS:
            raise ValidationError(
                _l("Choose a period of %(months)d months or less", months=MAX_MONTHS)
            )
