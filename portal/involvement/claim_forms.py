"""Forms of expense claims: the claim itself, a coordinator's decision, and marking it paid."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, StopValidation, ValidationError

from ..forms import DateInputField, max_length, not_in_the_future, strip
from . import expenses, money
from .labels import EXPENSE_CATEGORY_LABELS

# What a typed sum of money may hold: "£1,200.50", "12.5", "-3" (refused later as below £0.01).
MONEY_CHARACTERS = set("0123456789.,£- ")
TOO_MANY_PENCE = re.compile(r"[^.]*\.\d{3,}")


class AmountField(StringField):
    """Pounds and pence typed as text ("12.50", "£12.50", "1,200"), kept as typed.

    `amount` is the `Decimal` it means, or None.
    """

    @property
    def amount(self):
        return money.parse_amount(self.data)


def check_amount(field, required, most=None):
    """A clear message for each way a typed amount can be wrong."""
    text = (field.data or "").strip()
    if not text:
        raise StopValidation(required)
    value = field.amount if set(text) <= MONEY_CHARACTERS else None
    if value is None:
        if set(text) <= MONEY_CHARACTERS and TOO_MANY_PENCE.fullmatch(text):
            raise ValidationError(
                _l("Enter the amount in pounds and pence, with 2 numbers after the point at most")
            )
        raise ValidationError(_l("Enter the amount as a number, for example 12.50"))
    if value <= 0:
        raise ValidationError(_l("The amount must be more than £0"))
    if most is not None and value > most:
        raise ValidationError(_l("The amount must be £2,000 or less"))


class ClaimForm(FlaskForm):
    category = RadioField(
        _l("What did you spend the money on?"),
        choices=[SelectChoice(key, label) for key, label in EXPENSE_CATEGORY_LABELS.items()],
        validators=[InputRequired(_l("Choose what the money was spent on"))],
    )
    amount = AmountField(
        _l("How much, in pounds"),
        description=_l("For example, 12.50"),
        filters=[strip],
    )
    spent_on = DateInputField(
        _l("When did you spend it?"),
        description=_l("For example, 27 3 2026"),
        required=_l("Enter the date you spent the money"),
        validators=[
            not_in_the_future(_l("The date you spent the money must be today or in the past"))
        ],
    )
    description = TextAreaField(
        _l("What was it for?"),
        description=_l("For example: the bus to the panel meeting and back."),
        validators=[DataRequired(_l("Say what the money was for")), max_length(2000)],
        filters=[strip],
    )
    activity_id = SelectField(_l("Which activity was it for? (optional)"), default="")
    receipt = FileField(_l("Receipt (optional)"))

    def validate_amount(self, field):
        check_amount(field, _l("Enter how much you spent"), most=expenses.MOST)

    def fields(self):
        """What the service `expenses.submit` or `expenses.change` takes."""
        return {
            "category": self.category.data,
            "amount": self.amount.amount,
            "spent_on": self.spent_on.data,
            "description": self.description.data,
            "activity_id": int(self.activity_id.data) if self.activity_id.data else None,
            "receipt": self.receipt.data or None,
        }


DECISION_LABELS = {
    "approve": _l("Approve in full"),
    "part": _l("Approve part of the claim"),
    "reject": _l("Reject the claim"),
}


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Your decision"),
        choices=[SelectChoice(key, label) for key, label in DECISION_LABELS.items()],
        validators=[InputRequired(_l("Choose a decision"))],
    )
    approved_amount = AmountField(
        _l("Amount approved, in pounds (only to approve part)"),
        description=_l("For example, 8.00"),
        filters=[strip],
    )
    reason = TextAreaField(
        _l("Reason (needed to approve part or to reject)"),
        description=_l("The person who claimed is sent this reason, so write it for them."),
        validators=[max_length(2000)],
        filters=[strip],
    )

    def validate_approved_amount(self, field):
        if self.decision.data == "part":
            check_amount(field, _l("Enter the amount approved"))

    def validate_reason(self, field):
        if field.data:
            return
        if self.decision.data == "part":
            raise ValidationError(_l("Say why only part of the claim is approved"))
        if self.decision.data == "reject":
            raise ValidationError(_l("Say why the claim is rejected"))


class PayForm(FlaskForm):
    paid_on = DateInputField(
        _l("Date it was paid"),
        description=_l("For example, 27 3 2026"),
        required=_l("Enter the date it was paid"),
        validators=[not_in_the_future(_l("The date it was paid must be today or in the past"))],
    )
    reference = StringField(
        _l("Payment reference"),
        description=_l("From the bank or the finance team, so the payment can be traced."),
        validators=[DataRequired(_l("Enter the payment reference")), max_length(80)],
        filters=[strip],
    )
