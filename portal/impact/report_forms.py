"""Forms of the impact dashboard and report: the period, and the report's narrative."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from ..forms import PeriodForm, period_day, strip
from .annual_report import NARRATIVE_LIMIT


def _real_date(field):
    """A date from the year 1900 to 2999, so that the period before it is a date too."""
    if field.data and not 1900 <= field.data.year < 3000:
        raise ValidationError(_l("Enter a real date, for example 1/4/2026"))


class YearOrPeriodForm(PeriodForm):
    """The dashboard's period: one of the community's `years` (the first by default), or a
    first and a last day of the reader's own."""

    year = SelectField(_l("Year"), validate_choice=False, validators=[Optional()])
    start = period_day(
        _l("Or from (optional)"),
        _l("For example, 1/4/2026. Give both dates to choose your own period."),
    )
    end = period_day(_l("To (optional)"), _l("For example, 31/3/2027."))

    def __init__(self, formdata, years, **kwargs):
        super().__init__(formdata, year=str(years[0]), **kwargs)
        self.year.choices = [(str(year), str(year)) for year in years]

    def validate_year(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a year from the list"))

    def validate_start(self, field):
        _real_date(field)

    def validate_end(self, field):
        _real_date(field)
        super().validate_end(field)


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
