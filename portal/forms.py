"""Form pieces every domain shares: WTForms fields as NHS.UK components, the period a
page shows, and the error summary.

Templates call `field(form.name)` from `templates/macros/forms.html`; this
module gives them the error summary's list of links.
"""

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import DateField, Field
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from . import dates, held


class KeptForm(FlaskForm):
    """A form of long text. Shown on its page after its text was held (see `portal.held`),
    it is filled with what was typed instead of being blank or showing stored values.
    Views mark the URL it is sent to with `held.keeps_text`."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if request.method == "GET" and (formdata is _Auto or formdata is None):
                kept = held.held_data()
                if kept is not None and _sent_by(form, kept):
                    return kept
            return super().wrap_formdata(form, formdata)


def _sent_by(form, fields):
    """Whether the fields were sent by this form (a date's boxes are `<name>-day`...)."""
    names = {field.name for field in form}
    return any(key in names or key.rsplit("-", 1)[0] in names for key in fields)


def strip(value):
    """A field filter: typed text without spaces at either end."""
    return value.strip() if isinstance(value, str) else value


def max_length(length):
    """A length limit with a plain message."""
    return Length(max=length, message=_l("Must be %(max)d characters or fewer", max=length))


class DateInputField(Field):
    """A date typed as day, month and year in three boxes (the NHS.UK date input).

    The boxes are named `<name>-day`, `<name>-month` and `<name>-year`. What was
    typed is kept in `parts`, so a page in error shows it again. `required` is the
    message for an empty date; without it the date is optional.
    """

    PARTS = ("day", "month", "year")

    def __init__(self, label=None, validators=None, required=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.parts = dict.fromkeys(self.PARTS, "")

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data
        if isinstance(data, date):
            self.parts = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        if formdata is None:
            return
        typed = {part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.PARTS}
        if not any(typed.values()) and not any(f"{self.name}-{p}" in formdata for p in self.PARTS):
            return  # not on the submitted form: keep the default
        self.parts = typed
        self.raw_data = [f"{typed['year']}-{typed['month']}-{typed['day']}"]
        self.data = None
        if any(typed.values()):
            try:
                self.data = self._parse(typed)
            except ValueError as error:
                self.process_errors.append(error.args[0])

    @staticmethod
    def _parse(typed):
        if not all(typed.values()):
            raise ValueError(_l("Enter a full date, with the day, the month and the year"))
        if not all(value.isdigit() for value in typed.values()):
            raise ValueError(_l("Enter a real date, for example 27 3 2026"))
        if len(typed["year"]) != 4:
            raise ValueError(_l("Enter the year as 4 numbers, for example 2026"))
        try:
            return date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
        except ValueError:
            raise ValueError(_l("Enter a real date, for example 27 3 2026")) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            if self.required:
                raise StopValidation(self.required)
            raise StopValidation()

    def _value(self):
        return self.data.isoformat() if isinstance(self.data, date) else ""


def not_in_the_future(message):
    def check(_form, field):
        if field.data is not None and field.data > dates.today():
            raise ValidationError(message)

    return check


# A day of a period, as a date box sends it (2026-04-01) or as people type it (1/4/2026).
DAY_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def period_day(label, description, required=None):
    """A first or last day of a period. `required` is the message for an empty day; without
    it the day is optional."""
    return DateField(
        label,
        description=description,
        format=DAY_FORMATS,
        validators=[DataRequired(required) if required else Optional()],
    )


class PeriodForm(FlaskForm):
    """A first and a last day, chosen in the address (?start=&end=). No CSRF token: the form
    only reads, and its address can be bookmarked and shared.

    `default` is the (first, last) the page shows when the address names neither. A page
    that offers something else (a year as well, or months) subclasses it and sets only
    what differs: its fields, its messages, and `first` and `last` if they are not the
    fields' dates.
    """

    class Meta:
        csrf = False

    ORDER_MESSAGE = _l("The last day must be the same as or after the first day")

    start = period_day(
        _l("From"), _l("For example, 1/4/2026"), required=_l("Enter the first day of the period")
    )
    end = period_day(
        _l("To"), _l("For example, 30/4/2026"), required=_l("Enter the last day of the period")
    )

    def __init__(self, formdata, default=None, **kwargs):
        if default is not None:
            kwargs = {"start": default[0], "end": default[1], **kwargs}
        super().__init__(formdata, **kwargs)

    @property
    def first(self):
        """The period's first day, or None."""
        return self.start.data

    @property
    def last(self):
        """The period's last day, or None."""
        return self.end.data

    def validate_end(self, field):
        if self.first is not None and self.last is not None and self.last < self.first:
            raise ValidationError(self.ORDER_MESSAGE)

    def validate(self, extra_validators=None):
        """Both ends or neither. An optional day left empty skips its own validators, so a
        period given one end is refused here (a required day has said so already)."""
        valid = super().validate(extra_validators)
        for given, missing, message in (
            (self.start, self.end, _l("Enter the last day of the period")),
            (self.end, self.start, _l("Enter the first day of the period")),
        ):
            if given.data and missing.data is None and not missing.errors:
                missing.errors.append(message)
                valid = False
        return valid


def error_list(form):
    """One entry per field in error, linking to the input the summary names."""
    return [
        {"text": field.errors[0], "href": f"#{field.id}"}
        for field in form
        if field.errors and field.type != "CSRFTokenField"
    ]


def init_app(app):
    app.jinja_env.globals.update(error_list=error_list)
