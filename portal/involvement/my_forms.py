"""Forms of a lay partner's own pages: how to be paid, equality monitoring, the statement's
period."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from .labels import EQUALITY_ANSWER_LABELS, EQUALITY_QUESTION_LABELS, PREFERENCE_LABELS
from .models import EQUALITY_QUESTIONS, PREFER_NOT_TO_SAY
from .my_queries import LONGEST_PERIOD

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class PreferenceForm(FlaskForm):
    preference = RadioField(
        _l("How would you like to be paid for taking part?"),
        choices=[SelectChoice(key, label) for key, label in PREFERENCE_LABELS.items()],
        validators=[InputRequired(_l("Choose how you would like to be paid"))],
    )


def _question(name):
    """One equality question. Leaving it unanswered counts as "Prefer not to say"."""
    return RadioField(
        EQUALITY_QUESTION_LABELS[name],
        choices=[
            SelectChoice(value, EQUALITY_ANSWER_LABELS[value])
            for value in (*EQUALITY_QUESTIONS[name], PREFER_NOT_TO_SAY)
        ],
        validate_choice=False,  # the service refuses an answer that is not offered
    )


class EqualityForm(FlaskForm):
    age_band = _question("age_band")
    gender = _question("gender")
    ethnic_group = _question("ethnic_group")
    disability = _question("disability")
    carer = _question("carer")
    consent = BooleanField(
        _l(
            "I agree that Chorus keeps these answers and uses them, added up with other "
            "people's, to see who takes part"
        ),
        description=_l("You can change or delete your answers at any time."),
    )

    def answers(self):
        return {name: self[name].data for name in EQUALITY_QUESTIONS}


class StatementForm(FlaskForm):
    """The statement's period, chosen in the address (no CSRF: it only reads)."""

    class Meta:
        csrf = False

    start = DateField(
        _l("From"),
        description=_l("For example, 6/4/2026"),
        format=DATE_FORMATS,
        validators=[Optional()],
    )
    end = DateField(
        _l("To"),
        description=_l("For example, 5/4/2027"),
        format=DATE_FORMATS,
        validators=[Optional()],
    )

    def validate_end(self, field):
        start = self.start.data
        if field.data is None or start is None:
            return
        if field.data < start:
            raise ValidationError(_l("The last day must be the same as or after the first day"))
        if field.data - start >= LONGEST_PERIOD:
            raise ValidationError(_l("Choose a period of one year or less"))

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
