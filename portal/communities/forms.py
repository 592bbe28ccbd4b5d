"""Community forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import KeptForm
from .models import (
    CONTACT_METHODS,
    COORDINATOR,
    INVITE,
    LAY_PARTNER,
    NEEDS,
    OPEN,
    PROFESSIONAL,
    REQUEST,
    STATUSES,
)

VISIBILITY_LABELS = {
    OPEN: _l("Open: anyone can join"),
    REQUEST: _l("On request: a coordinator approves each request"),
    INVITE: _l("By invitation only"),
}
ROLE_LABELS = {
    LAY_PARTNER: _l("Lay partner"),
    PROFESSIONAL: _l("Professional"),
    COORDINATOR: _l("Coordinator"),
}
STATUS_LABELS = {
    "invited": _l("Invited"),
    "pending": _l("Waiting for approval"),
    "active": _l("Member"),
    "declined": _l("Request declined"),
    "left": _l("Left"),
    "removed": _l("Removed"),
}
NEED_LABELS = {
    "large_print": _l("Large print"),
    "easy_read": _l("Easy read"),
    "bsl_interpreter": _l("British Sign Language (BSL) interpreter"),
    "hearing_loop": _l("Hearing loop"),
    "braille": _l("Braille"),
    "audio": _l("Audio recordings"),
    "interpreter": _l("A spoken language interpreter"),
    "step_free": _l("Step-free access to meetings"),
}
CONTACT_LABELS = {
    "email": _l("Email"),
    "phone": _l("Phone call"),
    "text_message": _l("Text message"),
    "post": _l("Letter by post"),
}


def _choices(labels, keys):
    return [SelectChoice(key, labels[key]) for key in keys]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (rendered as NHS.UK checkboxes)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CommunityForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Enter the community's name")),
            Length(max=120, message=_l("Name must be 120 characters or fewer")),
        ],
        filters=[_strip],
    )
    slug = StringField(
        _l("Web address name (optional)"),
        description=_l("Letters, numbers and hyphens. Leave empty to make one from the name."),
        validators=[Optional(), Length(max=80, message=_l("Must be 80 characters or fewer"))],
        filters=[_strip],
    )
    purpose = TextAreaField(
        _l("Purpose"),
        description=_l("One or two short sentences in plain language: what this community does."),
        validators=[
            DataRequired(_l("Enter the community's purpose")),
            Length(max=300, message=_l("Purpose must be 300 characters or fewer")),
        ],
        filters=[_strip],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Length(max=5000, message=_l("Must be 5000 characters or fewer"))],
        filters=[_strip],
    )
    service_area = StringField(
        _l("Service area"),
        description=_l("For example: Cancer care, Mental health, Maternity"),
        validators=[
            DataRequired(_l("Enter the service area")),
            Length(max=80, message=_l("Must be 80 characters or fewer")),
        ],
        filters=[_strip],
    )
    visibility = RadioField(
        _l("Who can join"),
        choices=_choices(VISIBILITY_LABELS, (OPEN, REQUEST, INVITE)),
        validators=[InputRequired(_l("Select who can join"))],
    )
    target_reading_age = IntegerField(
        _l("Target reading age for documents"),
        description=_l("The NHS aims for 9 to 11. Most communities use 11."),
        default=11,
        validators=[
            InputRequired(_l("Enter a reading age, like 11")),
            NumberRange(min=7, max=18, message=_l("Enter a reading age from 7 to 18")),
        ],
    )
    role_description = TextAreaField(
        _l("The lay partner role"),
        description=_l(
            "What we ask of lay partners and what they can expect: time, meetings, "
            "payment or expenses."
        ),
        validators=[
            DataRequired(_l("Describe the lay partner role")),
            Length(max=5000, message=_l("Must be 5000 characters or fewer")),
        ],
        filters=[_strip],
    )


class WaysToRespondForm(KeptForm):
    """The ways, other than online, that a community takes views on its proposals."""

    respond_by_post = TextAreaField(
        _l("Address to write to (optional)"),
        description=_l("Leave empty if you do not take views by post."),
        validators=[Length(max=1000, message=_l("Must be 1000 characters or fewer"))],
        filters=[_strip],
    )
    respond_by_phone = StringField(
        _l("Phone number and when to call (optional)"),
        description=_l("For example: 0300 123 4567, Monday to Friday, 9am to 5pm"),
        validators=[Length(max=200, message=_l("Must be 200 characters or fewer"))],
        filters=[_strip],
    )
    respond_in_person = TextAreaField(
        _l("Meetings or drop-in sessions (optional)"),
        description=_l("Where and when people can give their views in person."),
        validators=[Length(max=2000, message=_l("Must be 2000 characters or fewer"))],
        filters=[_strip],
    )


class AppointCoordinatorForm(FlaskForm):
    email = EmailField(
        _l("Email address of their Chorus account"),
        validators=[
            DataRequired(_l("Enter an email address")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ],
        filters=[_strip],
    )


class DirectoryForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name or purpose"), filters=[_strip])
    service_area = SelectField(_l("Service area"), validators=[Optional()])
    can_join = BooleanField(_l("Only show communities I can join"))


class JoinForm(FlaskForm):
    consent = BooleanField(_l("I agree to how Chorus records and uses my contributions"))
    name_choice = RadioField(
        _l("How other members see you"),
        choices=[
            SelectChoice("display_name", _l("By my display name")),
            SelectChoice("pseudonym", _l("By my pseudonym")),
        ],
        default="display_name",
        validators=[Optional()],
    )

    def __init__(self, *args, needs_consent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_consent = needs_consent

    def validate_consent(self, field):
        if self.needs_consent and not field.data:
            raise ValidationError(_l("Agree to how we use your information, or choose not to join"))


def _contact_check(form, field):
    if form.preferred_contact.data in ("phone", "text_message") and not field.data:
        raise ValidationError(_l("Enter a phone number, or choose another way to contact you"))


class NeedsForm(FlaskForm):
    needs = MultiCheckboxField(
        _l("What do you need from us?"),
        description=_l("Select all that apply. You can change these at any time."),
        choices=_choices(NEED_LABELS, NEEDS),
        validators=[Optional()],
    )
    interpreter_language = StringField(
        _l("If you need an interpreter, which language? (optional)"),
        validators=[Length(max=80, message=_l("Must be 80 characters or fewer"))],
        filters=[_strip],
    )
    other_needs = TextAreaField(
        _l("Anything else we should know? (optional)"),
        validators=[Length(max=1000, message=_l("Must be 1000 characters or fewer"))],
        filters=[_strip],
    )
    preferred_contact = RadioField(
        _l("How should we contact you?"),
        choices=_choices(CONTACT_LABELS, CONTACT_METHODS),
        default="email",
        validators=[InputRequired(_l("Select how we should contact you"))],
    )
    phone = StringField(
        _l("Phone number (optional)"),
        validators=[Length(max=40, message=_l("Must be 40 characters or fewer")), _contact_check],
        filters=[_strip],
    )
    carer_name = StringField(
        _l("Name of a carer to copy in (optional)"),
        validators=[Length(max=120, message=_l("Must be 120 characters or fewer"))],
        filters=[_strip],
    )
    carer_contact = StringField(
        _l("Carer's email or phone (optional)"),
        validators=[Length(max=254, message=_l("Must be 254 characters or fewer"))],
        filters=[_strip],
    )


class InviteForm(FlaskForm):
    emails = TextAreaField(
        _l("Email addresses"),
        description=_l("One address on each line. You can invite up to 50 people at once."),
        validators=[DataRequired(_l("Enter at least one email address"))],
    )
    role = RadioField(
        _l("Role"),
        choices=_choices(ROLE_LABELS, (LAY_PARTNER, PROFESSIONAL, COORDINATOR)),
        default=LAY_PARTNER,
        validators=[InputRequired(_l("Select a role"))],
    )
    message = TextAreaField(
        _l("Personal message (optional)"),
        validators=[Length(max=2000, message=_l("Must be 2000 characters or fewer"))],
        filters=[_strip],
    )

    def validate_emails(self, field):
        from email_validator import EmailNotValidError, validate_email

        addresses = [a.strip() for a in field.data.replace(",", "\n").splitlines() if a.strip()]
        if len(addresses) > 50:
            raise ValidationError(_l("You can invite up to 50 people at once"))
        for address in addresses:
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                raise ValidationError(
                    _l("%(email)s is not a valid email address", email=address)
                ) from None
        self.addresses = addresses


class DecideForm(FlaskForm):
    selected = MultiCheckboxField(_l("Requests"), coerce=int)
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("decline", _l("Decline"))],
        validators=[InputRequired(_l("Select approve or decline"))],
    )
    message = TextAreaField(
        _l("Message to the people you selected (optional)"),
        validators=[Length(max=1000, message=_l("Must be 1000 characters or fewer"))],
        filters=[_strip],
    )

    def validate_selected(self, field):
        if not field.data:
            raise ValidationError(_l("Select at least one request"))


class RoleForm(FlaskForm):
    role = RadioField(
        _l("Role"),
        choices=_choices(ROLE_LABELS, (LAY_PARTNER, PROFESSIONAL, COORDINATOR)),
        validators=[InputRequired(_l("Select a role"))],
    )


class RemoveForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for removing"),
        description=_l("The member will see this reason."),
        validators=[
            DataRequired(_l("Enter the reason for removing this member")),
            Length(max=1000, message=_l("Must be 1000 characters or fewer")),
        ],
        filters=[_strip],
    )


class MemberFilterForm(FlaskForm):
    class Meta:
        csrf = False

    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("All roles"))]
        + _choices(ROLE_LABELS, (LAY_PARTNER, PROFESSIONAL, COORDINATOR)),
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s, STATUS_LABELS[s]) for s in STATUSES],
        default="active",
        validators=[Optional()],
    )
