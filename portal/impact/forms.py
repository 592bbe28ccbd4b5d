"""Forms for recording decisions and service changes, and linking lay input to them."""

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

from ..briefings.models import PUBLIC
from ..communities.forms import MultiCheckboxField
from ..forms import DateInputField, KeptForm, max_length, not_in_the_future, strip
from .labels import (
    CHANGE_STATUS_LABELS,
    DECISION_KIND_LABELS,
    EFFECT_LABELS,
    VISIBILITY_LABELS,
    WORKED_LABELS,
)
from .models import NOT_ADOPTED

INFLUENCE_ACTION_LABELS = {
    "created": _l("Linked"),
    "changed": _l("Changed"),
    "removed": _l("Removed"),
}


def _choices(labels):
    return [SelectChoice(key, label) for key, label in labels.items()]


# Decisions ------------------------------------------------------------------------------


def _owner_field(label):
    return SelectField(
        label,
        description=_l("A professional or coordinator of the community."),
        validators=[DataRequired(_l("Choose who is accountable"))],
    )


def _not_before_start(form, field):
    start = form.starts_on.data
    if field.data is not None and start is not None and field.data < start:
        raise ValidationError(_l("The target date must be on or after the start date"))


class DecisionForm(KeptForm):
    kind = RadioField(
        _l("Type of decision"),
        choices=_choices(DECISION_KIND_LABELS),
        validators=[InputRequired(_l("Choose what was decided"))],
    )
    summary = TextAreaField(
        _l("What was decided"),
        description=_l("In plain words. Everyone who can see the decision reads this."),
        validators=[DataRequired(_l("Say what was decided")), max_length(4000)],
        filters=[strip],
    )
    reasons = TextAreaField(
        _l("Why it was decided"),
        description=_l("Say what the views of lay partners changed, and what else was weighed."),
        validators=[DataRequired(_l("Say why it was decided")), max_length(4000)],
        filters=[strip],
    )
    decided_by = StringField(
        _l("Who decided"),
        description=_l("A committee, a role or a person. For example: the clinical board."),
        validators=[DataRequired(_l("Say who decided")), max_length(150)],
        filters=[strip],
    )
    decided_on = DateInputField(
        _l("Date of the decision"),
        description=_l("For example, 27 3 2026"),
        required=_l("Enter the date of the decision"),
        validators=[not_in_the_future(_l("The date of the decision must be today or in the past"))],
    )
    owner_id = _owner_field(_l("Who is accountable for carrying it out"))
    target_on = DateInputField(
        _l("Target date"),
        description=_l("When it should be carried out. For example, 27 3 2027"),
        required=_l("Enter the target date"),
    )
    visibility = RadioField(
        _l("Who can see the decision"),
        choices=_choices(VISIBILITY_LABELS),
        default=PUBLIC,
        validators=[InputRequired(_l("Choose who can see the decision"))],
    )


# Service changes ------------------------------------------------------------------------


class ChangeForm(KeptForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title")), max_length(150)],
        filters=[strip],
    )
    description = TextAreaField(
        _l("What changes, in plain words"),
        description=_l("Say what people who use the service will notice."),
        validators=[DataRequired(_l("Describe the change in plain words")), max_length(4000)],
        filters=[strip],
    )
    service_area = StringField(
        _l("Service area"),
        validators=[DataRequired(_l("Enter the service area")), max_length(80)],
        filters=[strip],
    )
    visibility = RadioField(
        _l("Who can see the change"),
        choices=_choices(VISIBILITY_LABELS),
        default=PUBLIC,
        validators=[InputRequired(_l("Choose who can see the change"))],
    )
    owner_id = _owner_field(_l("Who is accountable for the change"))
    starts_on = DateInputField(
        _l("Start date"),
        description=_l("For example, 27 3 2026"),
        required=_l("Enter the start date"),
    )
    target_on = DateInputField(
        _l("Target date"),
        description=_l("When it should be done. For example, 27 3 2027"),
        required=_l("Enter the target date"),
        validators=[_not_before_start],
    )
    decisions = MultiCheckboxField(_l("Decisions it carries out (optional)"), coerce=int)
    parent_id = SelectField(
        _l("Part of a bigger change (optional)"),
        description=_l("Its progress then counts towards the bigger change."),
        default="",
    )
    weight = IntegerField(
        _l("Share of the bigger change (optional)"),
        description=_l(
            "From 1 to 100. Leave empty to count every part the same. "
            "Only used when it is part of a bigger change."
        ),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=100, message=_l("Enter a weight from 1 to 100, or leave it empty")
            ),
        ],
    )
    evaluation_due = DateInputField(
        _l("When to check whether it worked (optional)"),
        description=_l("For example, 27 3 2027. The coordinators get a reminder on that day."),
    )
    note = TextAreaField(
        _l("A first note (optional)"),
        description=_l("Shown in the change's history."),
        validators=[max_length(2000)],
        filters=[strip],
    )


class MoveForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=_choices(CHANGE_STATUS_LABELS),
        validators=[InputRequired(_l("Choose a status"))],
    )
    progress = IntegerField(
        _l("Progress, as a percentage (optional)"),
        description=_l("From 0 to 100. Leave empty to keep it, or 100 when it is done."),
        validators=[
            Optional(),
            NumberRange(min=0, max=100, message=_l("Enter progress from 0 to 100")),
        ],
    )
    note = TextAreaField(
        _l("What happened"),
        description=_l("A short note for the change's history."),
        validators=[DataRequired(_l("Say what happened, in a short note")), max_length(2000)],
        filters=[strip],
    )
    occurred_on = DateInputField(
        _l("When it happened (optional)"),
        description=_l("Leave empty for today. For example, 27 3 2026"),
        validators=[not_in_the_future(_l("The date must be today or in the past"))],
    )


class MilestoneForm(FlaskForm):
    title = StringField(
        _l("Milestone"),
        validators=[DataRequired(_l("Enter a title for the milestone")), max_length(150)],
        filters=[strip],
    )
    due_on = DateInputField(
        _l("Date"),
        description=_l("For example, 27 3 2026"),
        required=_l("Enter the date of the milestone"),
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[max_length(2000)],
        filters=[strip],
    )


class EvaluationForm(KeptForm):
    worked = RadioField(
        _l("Did it work?"),
        choices=_choices(WORKED_LABELS),
        validators=[InputRequired(_l("Say whether the change worked"))],
    )
    measured = TextAreaField(
        _l("What was measured"),
        description=_l("For example: waiting times before and after, or what patients told us."),
        validators=[DataRequired(_l("Say what was measured")), max_length(4000)],
        filters=[strip],
    )
    learned = TextAreaField(
        _l("What was learned"),
        validators=[DataRequired(_l("Say what was learned")), max_length(4000)],
        filters=[strip],
    )


# Influence ------------------------------------------------------------------------------


def _effect_field():
    return RadioField(
        _l("What effect did it have?"),
        choices=_choices(EFFECT_LABELS),
        validators=[InputRequired(_l("Choose what effect it had"))],
    )


def _rationale_field():
    return TextAreaField(
        _l("Why (the reason)"),
        description=_l(
            "Needed for “Not adopted”. The people who gave these views are sent this reason, "
            "so write it for them."
        ),
        validators=[max_length(2000)],
        filters=[strip],
    )


def _reason_needed(form, field):
    if form.effect.data == NOT_ADOPTED and not field.data:
        raise ValidationError(_l("Say why it was not adopted, in plain words"))


class LinkForm(FlaskForm):
    target = SelectField(
        _l("The decision or change it influenced"),
        validators=[DataRequired(_l("Choose the decision or change it influenced"))],
    )
    effect = _effect_field()
    rationale = _rationale_field()
    validate_rationale = _reason_needed


class InfluenceForm(FlaskForm):
    effect = _effect_field()
    rationale = _rationale_field()
    validate_rationale = _reason_needed
