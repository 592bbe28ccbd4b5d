"""Briefing and glossary forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from ..communities.forms import MultiCheckboxField
from ..forms import KeptForm, max_length, strip
from .models import MEMBERS, PUBLIC

VISIBILITY_LABELS = {
    PUBLIC: _l("Everyone, including people who are not members"),
    MEMBERS: _l("Members of this community only"),
}
PART_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "body": _l("Briefing"),
    "easy_read": _l("Easy read summary"),
}


class PlainDateField(DateField):
    """A date in the browser's date picker (sent as year-month-day), with a plain error."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a real date, for example 31/3/2027")) from None


class BriefingForm(KeptForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title")), max_length(150)],
        filters=[strip],
    )
    summary = TextAreaField(
        _l("Summary"),
        description=_l("One short paragraph: what this is about and why it matters to readers."),
        validators=[DataRequired(_l("Enter a summary")), max_length(600)],
        filters=[strip],
    )
    body = TextAreaField(
        _l("Briefing"),
        description=_l(
            "Written in Markdown. Start a line with ## for a heading and with - for a "
            "list. Put a link in [words](https://address). Pictures are not shown."
        ),
        validators=[DataRequired(_l("Enter the briefing")), max_length(50000)],
        filters=[strip],
    )
    easy_read = TextAreaField(
        _l("Easy read summary (optional)"),
        description=_l("Short sentences, one idea in each. Put each sentence on its own line."),
        validators=[max_length(3000)],
        filters=[strip],
    )
    visibility = RadioField(
        _l("Who can read it"),
        choices=[SelectChoice(key, label) for key, label in VISIBILITY_LABELS.items()],
        default=PUBLIC,
        validators=[InputRequired(_l("Select who can read it"))],
    )
    review_by = PlainDateField(
        _l("Review by (optional)"),
        format=["%Y-%m-%d", "%d/%m/%Y"],
        description=_l("The date by which someone should check it is still right."),
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    linked = MultiCheckboxField(_l("Related briefings (optional)"), coerce=int)


class PublishForm(FlaskForm):
    change_note = StringField(
        _l("What changed in this version"),
        description=_l("For example: First version, or Added the new opening times."),
        validators=[DataRequired(_l("Say what changed in this version")), max_length(300)],
        filters=[strip],
    )
    override_reason = TextAreaField(
        _l("Reason for publishing above the target reading age"),
        description=_l("Readers will see this reason in the version history."),
        validators=[max_length(1000)],
        filters=[strip],
    )


class TranslationForm(FlaskForm):
    language = SelectField(_l("Language"), validators=[InputRequired(_l("Select a language"))])


class FeedbackForm(FlaskForm):
    useful = RadioField(
        _l("Was this briefing useful?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(_l("Select yes or no"))],
    )
    comment = TextAreaField(
        _l("Tell us more (optional)"),
        description=_l("Do not include personal or medical details."),
        validators=[max_length(1000)],
        filters=[strip],
    )


class BriefingSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search briefings"), filters=[strip])
    community = SelectField(_l("Community"), validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])


class CompareForm(FlaskForm):
    class Meta:
        csrf = False

    old = SelectField(_l("Compare version"), coerce=int)
    new = SelectField(_l("with version"), coerce=int)


class GlossaryTermForm(FlaskForm):
    word = StringField(
        _l("Term"),
        description=_l("The word or phrase as it appears in briefings."),
        validators=[DataRequired(_l("Enter the term")), max_length(80)],
        filters=[strip],
    )
    explanation = TextAreaField(
        _l("Plain explanation"),
        description=_l("One or two short sentences a reader of 11 would understand."),
        validators=[DataRequired(_l("Enter a plain explanation")), max_length(400)],
        filters=[strip],
    )
    say_instead = StringField(
        _l("Say instead (optional)"),
        description=_l("A plainer word to use, if there is one."),
        validators=[max_length(80)],
        filters=[strip],
    )
    language = SelectField(_l("Language of the term"))
    scope = SelectField(_l("Where it applies"))


class GlossaryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    language = SelectField(_l("Language"), validators=[Optional()])
