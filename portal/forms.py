"""Form rendering: WTForms fields as NHS.UK components, and the error summary.

Templates call `field(form.name)` from `templates/macros/forms.html`; this
module gives them the error summary's list of links.
"""

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import Length, StopValidation, ValidationError

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


def error_list(form):
    """One entry per field in error, linking to the input the summary names."""
    return [
        {"text": field.errors[0], "href": f"#{field.id}"}
        for field in form
        if field.errors and field.type != "CSRFTokenField"
    ]


def init_app(app):
    app.jinja_env.globals.update(error_list=error_list)
