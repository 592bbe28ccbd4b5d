"""Filters for the "you said, we did" board and the timeline, and the new timeline event form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from ..briefings.models import MEMBERS, PUBLIC
from ..communities import timeline
from ..forms import DateInputField, max_length, not_in_the_future, strip
from .labels import CHANGE_STATUS_LABELS, TIMELINE_KIND_LABELS


def _picked(field):
    """The field's value if it is one of its choices; anything else typed in the address
    is ignored."""
    if not field.data:
        return None
    # Read from the choices as given: rendering them as options costs more for a long list.
    found = any(str(value) == field.data for value, *_rest in field.choices)
    return field.data if found else None


class BoardFilterForm(FlaskForm):
    """Read from the query string: works as a plain GET form, without JavaScript."""

    class Meta:
        csrf = False

    community = SelectField(_l("Community"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(key, label) for key, label in CHANGE_STATUS_LABELS.items()],
        validators=[Optional()],
    )
    year = SelectField(_l("Year of the latest news"), validators=[Optional()])

    def chosen(self):
        year = _picked(self.year)
        return {
            "community_slug": _picked(self.community),
            "status": _picked(self.status),
            "year": int(year) if year else None,
        }


class TimelineFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), validators=[Optional()])
    kind = SelectField(
        _l("What happened"),
        choices=[SelectChoice("", _l("Everything"))]
        + [SelectChoice(key, label) for key, label in TIMELINE_KIND_LABELS.items()],
        validators=[Optional()],
    )

    def chosen(self):
        year = _picked(self.year)
        return {"year": int(year) if year else None, "kind": _picked(self.kind)}


EVENT_VISIBILITY_LABELS = {
    PUBLIC: _l("Everyone, on the community's public timeline"),
    MEMBERS: _l("Members of the community only"),
}


class EventForm(FlaskForm):
    kind = RadioField(
        _l("What kind of event was it?"),
        choices=[SelectChoice(kind, TIMELINE_KIND_LABELS[kind]) for kind in timeline.ADDED_KINDS],
        validators=[InputRequired(_l("Choose what kind of event it was"))],
    )
    title = StringField(
        _l("Title"),
        description=_l("For example: Evening clinic workshop with patients and staff"),
        validators=[DataRequired(_l("Enter a title")), max_length(200)],
        filters=[strip],
    )
    detail = TextAreaField(
        _l("Details (optional)"),
        description=_l("What happened, in a few plain sentences."),
        validators=[max_length(4000)],
        filters=[strip],
    )
    occurred_on = DateInputField(
        _l("When did it happen?"),
        description=_l("For example, 27 3 2026"),
        required=_l("Enter the date of the event"),
        validators=[not_in_the_future(_l("The date must be today or in the past"))],
    )
    visibility = RadioField(
        _l("Who can see it?"),
        choices=[SelectChoice(key, label) for key, label in EVENT_VISIBILITY_LABELS.items()],
        default=PUBLIC,
        validators=[InputRequired(_l("Choose who can see it"))],
    )
