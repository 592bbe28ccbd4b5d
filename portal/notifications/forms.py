from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from .preferences import DELIVERIES, DELIVERY_LABELS, TOPICS


class PreferencesForm(FlaskForm):
    """A delivery per topic, and when digests are sent. Fields are added per topic below."""

    digest_hour = SelectField(
        _l("Time of day for digests"),
        description=_l("UK time. Daily digests come at this time, weekly ones on the day below."),
        coerce=int,
        choices=[SelectChoice(hour, f"{hour:02d}:00") for hour in range(24)],
        validators=[InputRequired(_l("Choose a time of day for digests"))],
    )
    digest_weekday = SelectField(
        _l("Day for weekly digests"),
        coerce=int,
        validators=[InputRequired(_l("Choose a day for weekly digests"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = get_day_names("wide", locale=str(get_locale()))
        self.digest_weekday.choices = [SelectChoice(day, days[day]) for day in range(7)]

    @property
    def topic_fields(self):
        return [self[topic] for topic in TOPICS]


for _topic, (_label, _hint) in TOPICS.items():
    setattr(
        PreferencesForm,
        _topic,
        RadioField(
            _label,
            description=_hint,
            choices=[SelectChoice(value, DELIVERY_LABELS[value]) for value in DELIVERIES],
            validators=[
                InputRequired(_l("Choose how we tell you about “%(topic)s”", topic=_label))
            ],
        ),
    )
