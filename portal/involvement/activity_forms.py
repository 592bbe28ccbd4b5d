"""Forms of the coordinators' involvement pages and the site admins' payment rates."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from ..communities.forms import MultiCheckboxField
from ..forms import DateInputField, max_length, not_in_the_future, strip
from .labels import ACTIVITY_KIND_LABELS, UNIT_LABELS
from .money import parse_amount

MOST_RATE = 10000  # pounds, as services.add_rate allows


def _choices(labels):
    return [SelectChoice(key, label) for key, label in labels.items()]


class ActivityForm(FlaskForm):
    kind = RadioField(
        _l("What kind of activity was it?"),
        choices=_choices(ACTIVITY_KIND_LABELS),
        validators=[InputRequired(_l("Choose what kind of activity it was"))],
    )
    title = StringField(
        _l("Title"),
        description=_l("For example: patient panel, March meeting."),
        validators=[DataRequired(_l("Enter a title for the activity")), max_length(150)],
        filters=[strip],
    )
    held_on = DateInputField(
        _l("Date"),
        description=_l("For example, 27 3 2026"),
        required=_l("Enter the date of the activity"),
    )
    time_hours = IntegerField(
        _l("Hours"),
        validators=[
            Optional(),
            NumberRange(min=0, max=24, message=_l("Enter the hours as a number from 0 to 24")),
        ],
    )
    time_minutes = IntegerField(
        _l("Minutes"),
        validators=[
            Optional(),
            NumberRange(min=0, max=59, message=_l("Enter the minutes as a number from 0 to 59")),
        ],
    )
    proposal_id = SelectField(_l("Proposal it was about (optional)"), default="")
    notes = TextAreaField(
        _l("Notes (optional)"),
        description=_l("Only coordinators see these."),
        validators=[max_length(4000)],
        filters=[strip],
    )

    def validate(self, extra_validators=None):
        """Hours and minutes are each optional, but together they must make a time."""
        valid = super().validate(extra_validators)
        if self.time_hours.errors or self.time_minutes.errors:
            return False
        if not 1 <= self.total_minutes() <= 24 * 60:
            self.time_hours.errors.append(_l("Enter the time spent, from 1 minute to 24 hours"))
            return False
        return valid

    def total_minutes(self):
        return (self.time_hours.data or 0) * 60 + (self.time_minutes.data or 0)


class AttendanceForm(FlaskForm):
    people = MultiCheckboxField(
        _l("Who took part?"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    attended = RadioField(
        _l("Did they attend?"),
        choices=[
            SelectChoice("attended", _l("They attended the training")),
            SelectChoice("offered", _l("It was offered to them, but they have not attended")),
        ],
        default="attended",
        validators=[InputRequired(_l("Say whether they attended"))],
    )


class PayForm(FlaskForm):
    paid_on = DateInputField(
        _l("Date paid"),
        default=date.today,
        required=_l("Enter the date it was paid"),
        validators=[not_in_the_future(_l("The date it was paid must be today or in the past"))],
    )
    reference = StringField(
        _l("Payment reference"),
        validators=[DataRequired(_l("Enter the payment reference")), max_length(80)],
        filters=[strip],
    )


class ActivityFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), validate_choice=False, validators=[Optional()])
    kind = SelectField(
        _l("Kind of activity"),
        choices=[SelectChoice("", _l("All kinds"))] + _choices(ACTIVITY_KIND_LABELS),
        validate_choice=False,
        validators=[Optional()],
    )


def _money(_form, field):
    value = parse_amount(field.data)
    if value is None or not 0 <= value <= MOST_RATE:
        raise ValidationError(_l("Enter an amount from £0 to £10,000, in pounds and pence"))


class RateForm(FlaskForm):
    kind = SelectField(
        _l("Kind of activity"),
        choices=_choices(ACTIVITY_KIND_LABELS),
        validators=[InputRequired(_l("Choose the kind of activity"))],
    )
    unit = RadioField(
        _l("The amount is paid"),
        choices=_choices(UNIT_LABELS),
        validators=[InputRequired(_l("Choose what the rate is paid per"))],
    )
    amount = StringField(
        _l("Amount, in pounds"),
        description=_l("For example, 25.00"),
        validators=[DataRequired(_l("Enter the amount")), _money],
        filters=[strip],
    )
    effective_from = DateInputField(
        _l("Starts on"),
        description=_l(
            "Activities on or after this date are paid at this rate. For example, 1 4 2026"
        ),
        required=_l("Enter the date the rate starts"),
    )
    note = TextAreaField(
        _l("Note (optional)"),
        description=_l("For example, where the rate comes from."),
        validators=[max_length(1000)],
        filters=[strip],
    )

    def amount_value(self):
        return parse_amount(self.amount.data)
