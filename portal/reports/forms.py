"""The dashboard's period: a first and a last month, chosen in the address (?start=&end=)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError

from .. import dates
from .charts import month_key, month_name
from .health import MAX_MONTHS, month_count, months_between

# The lists go back to January, this many years ago.
YEARS_BACK = 3


def parse_month(text):
    """A month written "2026-03" as the date of its first day, or None."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


class PeriodForm(FlaskForm):
    """No CSRF token: the form only reads, and its address can be bookmarked and shared."""

    class Meta:
        csrf = False

    start = SelectField(_l("From"), validate_choice=False)
    end = SelectField(_l("To"), validate_choice=False)

    def __init__(self, formdata, today=None, **kwargs):
        first, last = dates.twelve_whole_months_to(today)
        super().__init__(formdata, start=month_key(first), end=month_key(last), **kwargs)
        this_month = (today or dates.today()).replace(day=1)
        months = months_between(date(this_month.year - YEARS_BACK, 1, 1), this_month)
        choices = [(month_key(first_day), month_name(first_day)) for first_day, _last in months]
        self.start.choices = self.end.choices = list(reversed(choices))

    @property
    def first_month(self):
        return parse_month(self.start.data)

    @property
    def last_month(self):
        return parse_month(self.end.data)

    def _check_listed(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a month from the list"))

    def validate_start(self, field):
        self._check_listed(field)

    def validate_end(self, field):
        self._check_listed(field)
        if self.first_month is None or self.start.data not in dict(self.start.choices):
            return
        if self.last_month < self.first_month:
            raise ValidationError(_l("The last month must be the same as or after the first month"))
        if month_count(self.first_month, self.last_month) > MAX_MONTHS:
            raise ValidationError(
                _l("Choose a period of %(months)d months or less", months=MAX_MONTHS)
            )
