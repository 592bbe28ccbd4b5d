"""Account forms. Messages say what to do, in plain words."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from .passwords import MAX_LENGTH, MIN_LENGTH, is_common

LANGUAGE_CHOICES = [
    SelectChoice("en", "English"),
    SelectChoice("cy", "Cymraeg"),
    SelectChoice("ar", "العربية"),
]


def _email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ],
        filters=[lambda value: value.strip() if value else value],
    )


def _not_common(_form, field):
    if field.data and is_common(field.data):
        raise ValidationError(_l("This password is too easy to guess. Choose a different password"))


def _new_password_field(label):
    return PasswordField(
        label,
        description=_l(
            "Use %(min)d characters or more. A few unrelated words make a strong password.",
            min=MIN_LENGTH,
        ),
        validators=[
            InputRequired(_l("Enter a password")),
            Length(
                min=MIN_LENGTH,
                message=_l("Password must be %(min)d characters or more", min=MIN_LENGTH),
            ),
            Length(
                max=MAX_LENGTH,
                message=_l("Password must be %(max)d characters or fewer", max=MAX_LENGTH),
            ),
            _not_common,
        ],
    )


def _display_name_field():
    return StringField(
        _l("Display name"),
        description=_l("Other members see this name, unless you choose to use your pseudonym."),
        validators=[
            DataRequired(_l("Enter a display name")),
            Length(max=80, message=_l("Display name must be 80 characters or fewer")),
        ],
        filters=[lambda value: value.strip() if value else value],
    )


def _pseudonym_field():
    return StringField(
        _l("Pseudonym (optional)"),
        description=_l(
            "A made-up name you can use instead of your display name when you give feedback."
        ),
        validators=[
            Optional(),
            Length(max=80, message=_l("Pseudonym must be 80 characters or fewer")),
        ],
        filters=[lambda value: value.strip() or None if value else None],
    )


def _language_field():
    return RadioField(
        _l("Preferred language"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(_l("Select the language you prefer"))],
    )


# Made before the other fields, so the error summary lists it first, as the page does.
_REGISTER_EMAIL = _email_field()


class NewAccountForm(FlaskForm):
    """A new account's details, when the email address is already known (an invitation)."""

    display_name = _display_name_field()
    pseudonym = _pseudonym_field()
    password = _new_password_field(_l("Create a password"))
    locale = _language_field()


class RegisterForm(NewAccountForm):
    email = _REGISTER_EMAIL


class SignInForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password"))])


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password"))]
    )
    new_password = _new_password_field(_l("New password"))


class ProfileForm(FlaskForm):
    display_name = _display_name_field()
    pseudonym = _pseudonym_field()
    locale = _language_field()
    notifications = RadioField(
        _l("How should we send you notifications?"),
        description=_l("Emails about your account and password are always sent."),
        choices=[
            SelectChoice("email", _l("By email and in Chorus")),
            SelectChoice("in_app", _l("In Chorus only")),
        ],
        validators=[InputRequired(_l("Select how we should send you notifications"))],
    )


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for one-button actions."""
