"""Forms of the impact dashboard and report: the period, and the report's narrative."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from ..forms import strip
from .reports import NARRATIVE_LIMIT

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _real_date(field):
    """A date from the year 1900 to 2999, so that the period before it is a date too."""
    if field.data and not 1900 <= field.data.year < 3000:
        raise ValidationError(_l("Enter a real date, for example 1/4/2026"))


class PeriodForm(FlaskForm):
    """A year, or a start and an end date, chosen in the address (no CSRF: it only reads)."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), validate_choice=False, validators=[Optional()])
    start = DateField(
        _l("Or from (optional)"),
        description=_l("For example, 1/4/2026. Give both dates to choose your own period."),
        format=DATE_FORMATS,
        validators=[Optional()],
    )
    end = DateField(
        _l("To (optional)"),
        description=_l("For example, 31/3/2027."),
        format=DATE_FORMATS,
        validators=[Optional()],
    )

    def validate_year(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a year from the list"))

    def validate_start(self, field):
        _real_date(field)

    def validate_end(self, field):
        _real_date(field)
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The last day must be the same as or after the first day"))

    def validate(self, extra_validators=None):
        """Both dates or neither: an empty date skips its own validators, so check here."""
        valid = super().validate(extra_validators)
        for given, missing, message in (
            (self.start, self.end, _l("Enter the last day of the period")),
            (self.end, self.start, _l("Enter the first day of the period")),
        ):
            if given.data and missing.data is None and not missing.errors:
                missing.errors.append(message)
                valid = False
        return valid


def _narrative(label, hint):
    return TextAreaField(
        label,
        description=hint,
        validators=[
            Length(
                max=NARRATIVE_LIMIT,
                message=_l("Shorten this part to %(max)d characters or fewer. It has %(length)d."),
            )
        ],
        filters=[strip],
    )


class NarrativeForm(FlaskForm):
    """The six parts of the GRIPP2 short form, each explained in plain words."""

    aim = _narrative(
        _l("1. Aim"),
        _l("What did you want lay partners to help with this year? Say it in a sentence or two."),
    )
    methods = _narrative(
        _l("2. Methods"),
        _l(
            "How were lay partners involved? Say who took part, how they were invited, "
            "and how they gave their views: online, at meetings, by phone or by letter."
        ),
    )
    results_positive = _narrative(
        _l("3a. Results: what went well"),
        _l(
            "What changed for the better because of lay partners? Name the decisions "
            "and service changes they shaped."
        ),
    )
    results_negative = _narrative(
        _l("3b. Results: what did not go well"),
        _l(
            "What did not work, or had a bad effect? Include views that were not taken up, "
            "and say why."
        ),
    )
    discussion = _narrative(
        _l("4. Discussion"),
        _l(
            "How much did lay partners change the service overall? "
            "Say what the figures in the report show, and what they do not."
        ),
    )
    reflections = _narrative(
        _l("5. Reflections"),
        _l(
            "Looking back, what would you do differently next time? "
            "What could others learn from how you worked?"
        ),
    )
