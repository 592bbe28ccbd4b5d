"""Proposal and question forms."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from .. import dates
from ..communities.forms import MultiCheckboxField
from ..forms import DateInputField, KeptForm, max_length, strip
from .models import (
    ACKNOWLEDGED,
    ANONYMOUS,
    MULTIPLE,
    NAMED,
    NEW,
    ONLINE,
    PSEUDONYM,
    RESPONDED,
    SCALE,
    SINGLE,
    TEXT,
)

KIND_LABELS = {
    TEXT: _l("Free text: people write their answer"),
    SCALE: _l("A scale from 1 to 5, with room for a comment"),
    SINGLE: _l("Choose one of a list"),
    MULTIPLE: _l("Choose any of a list"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "upcoming": _l("Opens soon"),
    "open": _l("Open for views"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
    "decided": _l("Decided"),
}


# The proposal's history: moves of its consultation window.
PROPOSAL_EVENT_LABELS = {
    "closed_early": _l("Closed early"),
    "extended": _l("Extended"),
    "paused": _l("Paused"),
    "resumed": _l("Taking views again"),
}


class UKTimeField(DateTimeLocalField):
    """A date and time typed in UK time (Europe/London), stored in UTC."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l("Enter a real date and time, for example 31/3/2027 17:00")
            ) from None
        if self.data is not None:
            zone = dates.zone()
            self.data = self.data.replace(tzinfo=zone)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            zone = dates.zone()
            return self.data.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        return ""


class ProposalForm(KeptForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title")), max_length(150)],
        filters=[strip],
    )
    summary = TextAreaField(
        _l("Summary in plain words"),
        description=_l("What you propose and why, in a few short sentences. Everyone reads this."),
        validators=[DataRequired(_l("Enter a summary")), max_length(1000)],
        filters=[strip],
    )
    problem = TextAreaField(
        _l("The problem today"),
        validators=[DataRequired(_l("Describe the problem today")), max_length(4000)],
        filters=[strip],
    )
    change = TextAreaField(
        _l("The change we propose"),
        validators=[DataRequired(_l("Describe the change you propose")), max_length(4000)],
        filters=[strip],
    )
    affects = TextAreaField(
        _l("Who it affects"),
        validators=[DataRequired(_l("Say who the change affects")), max_length(2000)],
        filters=[strip],
    )
    opens_at = UKTimeField(
        _l("Opens for views (optional)"),
        description=_l("UK time. Leave empty to open it as soon as you publish."),
        validators=[Optional()],
    )
    closes_at = UKTimeField(
        _l("Closes for views"),
        description=_l("UK time. Give people at least two weeks."),
        validators=[Optional()],
    )
    outcome_due_on = DateInputField(
        _l("When you will publish the outcome (optional)"),
        description=_l(
            "The day you plan to publish what you heard and the decision. "
            "The proposal page shows it. For example, 30 6 2027"
        ),
    )
    briefings = MultiCheckboxField(
        _l("Briefings that explain the background (optional)"), coerce=int
    )

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The closing time must be after the opening time"))

    def validate_outcome_due_on(self, field):
        closes = self.closes_at.data
        if field.data and closes and field.data <= closes.date():
            raise ValidationError(_l("The outcome date must be after the closing date"))


class QuestionForm(FlaskForm):
    prompt = StringField(
        _l("Question"),
        validators=[DataRequired(_l("Enter the question")), max_length(300)],
        filters=[strip],
    )
    hint = TextAreaField(
        _l("Help text (optional)"),
        validators=[max_length(1000)],
        filters=[strip],
    )
    kind = RadioField(
        _l("How people answer"),
        choices=[SelectChoice(key, label) for key, label in KIND_LABELS.items()],
        default=TEXT,
        validators=[InputRequired(_l("Select how people answer"))],
    )
    options = TextAreaField(
        _l("Choices (for a list)"),
        description=_l("One choice on each line, from 2 to 10."),
        validators=[max_length(2000)],
    )
    required = BooleanField(_l("People must answer this question"))
    added_note = TextAreaField(
        _l("Why you are adding it now"),
        description=_l("The proposal is already open. People who answered will see this note."),
        validators=[max_length(1000)],
        filters=[strip],
    )

    def validate_options(self, field):
        if self.kind.data in (SINGLE, MULTIPLE):
            choices = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
            if not 2 <= len(choices) <= 10:
                raise ValidationError(_l("Give between 2 and 10 choices, one on each line"))


class PublishForm(FlaskForm):
    override_reason = TextAreaField(
        _l("Reason for publishing above the target reading age"),
        validators=[max_length(1000)],
        filters=[strip],
    )


class WindowForm(FlaskForm):
    """Close early, extend, pause or resume a consultation: always with a reason."""

    closes_at = UKTimeField(
        _l("New closing date and time (UK time)"),
        description=_l("For example, 31/3/2027 17:00"),
        validators=[Optional()],
    )
    outcome_due_on = DateInputField(
        _l("New day for the outcome (optional)"),
        description=_l(
            "When you will publish what you heard and the decision, if that moves too. "
            "For example, 30 6 2027"
        ),
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("People who gave their views see this, so use plain words."),
        validators=[DataRequired(_l("Give the reason")), max_length(2000)],
        filters=[strip],
    )


class PublishHeardForm(FlaskForm):
    """Publish the "what we heard" summary: the button's CSRF token only."""


# Answering -----------------------------------------------------------------------------

SCALE_CHOICES = [
    SelectChoice("1", _l("1 (lowest)")),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
    SelectChoice("4", "4"),
    SelectChoice("5", _l("5 (highest)")),
]
IDENTITY_LABELS = {
    NAMED: _l("Show my name to the people who review views"),
    PSEUDONYM: _l("Show my pseudonym instead of my name"),
    ANONYMOUS: _l("Anonymous: reviewers will not see who I am"),
}


IDENTITY_SUMMARIES = {
    NAMED: _l("Reviewers see your name."),
    PSEUDONYM: _l("Reviewers see your pseudonym."),
    ANONYMOUS: _l("Reviewers do not see who you are."),
}


def _missing(question):
    return _l("Answer the question: %(question)s", question=question.prompt)


def _answer_validators(question):
    if question.required:
        return [InputRequired(_missing(question))]
    return [Optional()]


def contribution_form(questions, *, has_pseudonym, **kwargs):
    """A form with one field (two for a scale) for each question, plus identity and consent."""
    form_class = contribution_form_class(questions, has_pseudonym=has_pseudonym)
    return form_class(**kwargs)  # formdata: the request's form unless given


def contribution_form_class(questions, *, has_pseudonym, base=KeptForm):
    """The class behind `contribution_form`, to build on (offline input adds fields)."""

    class ContributionForm(base):
        submission_key = HiddenField()
        identity = RadioField(
            _l("Who can see that these are your views?"),
            choices=[
                SelectChoice(key, label)
                for key, label in IDENTITY_LABELS.items()
                if key != PSEUDONYM or has_pseudonym
            ],
            default=NAMED,
            validators=[InputRequired(_l("Choose who can see that these are your views"))],
        )
        quote_consent = BooleanField(
            _l("You may quote what I wrote in public, after removing anything that identifies me"),
            description=_l("A coordinator checks every quote before it is shown."),
        )

    for question in questions:
        name = f"q{question.id}"
        label = question.prompt
        if not question.required:
            label = _l("%(question)s (optional)", question=question.prompt)
        hint = question.hint or None
        if question.kind == TEXT:
            field = TextAreaField(
                label,
                description=hint,
                validators=[
                    DataRequired(_missing(question)) if question.required else Optional(),
                    max_length(10000),
                ],
                filters=[strip],
            )
        elif question.kind == SCALE:
            field = RadioField(
                label,
                description=hint,
                choices=SCALE_CHOICES,
                validators=_answer_validators(question),
            )
            setattr(
                ContributionForm,
                f"{name}_comment",
                TextAreaField(
                    _l("Tell us why (optional): %(question)s", question=question.prompt),
                    validators=[max_length(10000)],
                    filters=[strip],
                ),
            )
        elif question.kind == SINGLE:
            field = RadioField(
                label,
                description=hint,
                choices=[SelectChoice(str(i), o) for i, o in enumerate(question.options)],
                validators=_answer_validators(question),
            )
        else:
            field = MultiCheckboxField(
                label,
                description=hint,
                choices=[SelectChoice(str(i), o) for i, o in enumerate(question.options)],
                validators=[InputRequired(_missing(question))] if question.required else [],
            )
        setattr(ContributionForm, name, field)
    return ContributionForm


def answers_from(form, questions):
    """{question id: (text, scale, choices)} from a validated contribution form."""
    answers = {}
    for question in questions:
        value = form[f"q{question.id}"].data
        if question.kind == TEXT:
            answers[question.id] = (value or "", None, [])
        elif question.kind == SCALE:
            comment = form[f"q{question.id}_comment"].data or ""
            answers[question.id] = (comment, int(value) if value else None, [])
        elif question.kind == SINGLE:
            chosen = [question.options[int(value)]] if value not in (None, "", "None") else []
            answers[question.id] = ("", None, chosen)
        else:
            answers[question.id] = ("", None, [question.options[int(v)] for v in value or []])
    return answers


def form_data_of(questions, answers):
    """Form data (field name: value) for stored answers, to fill the form to change them."""
    data = {}
    for question in questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        name = f"q{question.id}"
        if question.kind == TEXT:
            data[name] = answer.text
        elif question.kind == SCALE:
            data[name] = str(answer.scale) if answer.scale else None
            data[f"{name}_comment"] = answer.text
        elif question.kind == SINGLE:
            chosen = [str(i) for i, o in enumerate(question.options) if o in answer.choices]
            data[name] = chosen[0] if chosen else None
        else:
            data[name] = [str(i) for i, o in enumerate(question.options) if o in answer.choices]
    return data


# Reviewing -----------------------------------------------------------------------------

REVIEW_STATUS_LABELS = {
    NEW: _l("New"),
    ACKNOWLEDGED: _l("Acknowledged"),
    RESPONDED: _l("Replied to"),
}
# What a contributor sees of where their views are.
PROGRESS_LABELS = {
    NEW: _l("Received"),
    ACKNOWLEDGED: _l("Read by the team"),
    RESPONDED: _l("Replied to"),
}
REVIEW_EVENT_LABELS = {
    "acknowledged": _l("acknowledged"),
    "responded": _l("replied to"),
    "themed": _l("theme added"),
    "unthemed": _l("theme taken off"),
    "hidden": _l("hidden"),
    "shown": _l("shown again"),
}
SOURCE_LABELS = {
    ONLINE: _l("Online"),
    "meeting": _l("Meeting"),
    "phone": _l("Phone call"),
    "letter": _l("Letter"),
    "email": _l("Email"),
    "paper_survey": _l("Survey on paper"),
}


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    community = SelectField(_l("Community"), validators=[Optional()])
    proposal = SelectField(_l("Proposal"), validators=[Optional()])
    question = SelectField(_l("Question"), validators=[Optional()])
    theme = SelectField(_l("Theme"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(k, v) for k, v in REVIEW_STATUS_LABELS.items()],
        validators=[Optional()],
    )
    source = SelectField(
        _l("Source"),
        choices=[SelectChoice("", _l("Any source"))]
        + [SelectChoice(k, v) for k, v in SOURCE_LABELS.items()],
        validators=[Optional()],
    )
    q = StringField(
        _l("Search the answers"),
        description=_l("Finds whole words. Put a phrase in quotes."),
        filters=[strip],
    )
    overdue = BooleanField(_l("Only overdue (no reply yet)"))
    quote = BooleanField(_l("Only views that may be quoted and have no approved quote"))
    sort = SelectField(
        _l("Order"),
        choices=[
            SelectChoice("newest", _l("Newest first")),
            SelectChoice("oldest", _l("Oldest first")),
        ],
        validators=[Optional()],
    )


class BulkForm(FlaskForm):
    selected = MultiCheckboxField(_l("Contributions"), coerce=int)
    action = RadioField(
        _l("What to do with the selected contributions"),
        choices=[
            SelectChoice("acknowledge", _l("Acknowledge")),
            SelectChoice("theme", _l("Add a theme")),
            SelectChoice("reply", _l("Send a reply")),
            SelectChoice("link", _l("Link to a decision or change")),
        ],
        validators=[InputRequired(_l("Choose what to do"))],
    )
    theme = StringField(
        _l("Theme (for “Add a theme”)"),
        description=_l("An existing theme of the proposal, or a new one."),
        id="bulk-theme",  # the inbox's filters, on the same page, have a "theme" field too
        validators=[max_length(80)],
        filters=[strip],
    )
    reply = TextAreaField(
        _l("Reply (for “Send a reply”)"),
        description=_l("Each person sees this reply with their contribution and is told about it."),
        validators=[max_length(5000)],
        filters=[strip],
    )

    def validate_selected(self, field):
        if not field.data:
            raise ValidationError(_l("Select at least one contribution"))

    def validate_theme(self, field):
        if self.action.data == "theme" and not field.data:
            raise ValidationError(_l("Enter a theme"))

    def validate_reply(self, field):
        if self.action.data == "reply" and not field.data:
            raise ValidationError(_l("Write your reply"))


class ReplyForm(KeptForm):
    reply = TextAreaField(
        _l("Your reply"),
        description=_l("The person sees it with their contribution and is told about it."),
        validators=[DataRequired(_l("Write your reply")), max_length(5000)],
        filters=[strip],
    )


class ThemesForm(FlaskForm):
    themes = MultiCheckboxField(_l("Themes"), coerce=int)
    new_theme = StringField(
        _l("New theme (optional)"), validators=[max_length(80)], filters=[strip]
    )


class RenameThemeForm(FlaskForm):
    name = StringField(
        _l("New name"),
        validators=[DataRequired(_l("Enter a name")), max_length(80)],
        filters=[strip],
    )


# Moderation and offline input --------------------------------------------------------------


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with it?"),
        description=_l("For example: it names a member of staff, or it is offensive."),
        validators=[DataRequired(_l("Say what is wrong with it")), max_length(2000)],
        filters=[strip],
    )


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Why you are hiding it"),
        description=_l(
            "The author is told this reason. The contribution is kept and still counts."
        ),
        validators=[DataRequired(_l("Give the reason for hiding it")), max_length(2000)],
        filters=[strip],
    )


class QuoteForm(FlaskForm):
    text = TextAreaField(
        _l("The quote, as the public will read it"),
        description=_l(
            "Take out names, dates, places and anything else that could identify anyone."
        ),
        validators=[DataRequired(_l("Write the quote")), max_length(2000)],
        filters=[strip],
    )


class OfflineFields(FlaskForm):
    source = SelectField(
        _l("Where the views came from"),
        choices=[SelectChoice(k, v) for k, v in SOURCE_LABELS.items() if k != ONLINE],
        validators=[InputRequired(_l("Choose where the views came from"))],
    )
    source_date = DateField(
        _l("When they were given"),
        format=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[InputRequired(_l("Enter the date, for example 31/3/2027"))],
    )
    member_email = StringField(
        _l("Email address of the member (optional)"),
        description=_l("Leave empty for unnamed lay partners, such as a group at a meeting."),
        validators=[Optional(), max_length(254)],
        filters=[strip],
    )
    people_count = IntegerField(
        _l("How many people (for unnamed lay partners)"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500")),
        ],
    )


def offline_form(questions, **kwargs):
    """The answers form with where, when and from whom the views came."""
    return contribution_form_class(questions, has_pseudonym=True, base=OfflineFields)(**kwargs)
