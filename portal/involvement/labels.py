"""Words shown for the involvement vocabulary, translated once per language (see `Labels`)."""

from flask_babel import lazy_gettext as _l

from ..i18n import Labels
from .models import (
    ACCEPTED,
    APPROVED,
    CANNOT_BE_PAID,
    CARER_COVER,
    CHILDCARE,
    CLAIM_APPROVED,
    CLAIM_PAID,
    DAY,
    DECLINE,
    DECLINED,
    DOCUMENT_REVIEW,
    EVENT,
    HALF_DAY,
    INTERVIEW_PANEL,
    MEETING,
    OFFERED,
    OTHER,
    OTHER_EXPENSE,
    PAID,
    PART_APPROVED,
    PAYMENT_PAID,
    PER_HOUR,
    PER_TASK,
    PREFER_NOT_TO_SAY,
    REJECTED,
    SUBMITTED,
    TRAINING,
    TRAVEL,
    VOUCHER,
    WORKSHOP,
)

ACTIVITY_KIND_LABELS = {
    MEETING: _l("Meeting"),
    DOCUMENT_REVIEW: _l("Document review"),
    INTERVIEW_PANEL: _l("Interview panel"),
    WORKSHOP: _l("Workshop"),
    TRAINING: _l("Training"),
    EVENT: _l("Event"),
    OTHER: _l("Other"),
}
UNIT_LABELS = {
    PER_HOUR: _l("per hour"),
    HALF_DAY: _l("per half day"),
    DAY: _l("per day"),
    PER_TASK: _l("per task"),
}
PREFERENCE_LABELS = {
    PAID: _l("Pay me"),
    VOUCHER: _l("Give me a voucher instead"),
    DECLINE: _l("I do not want to be paid"),
    CANNOT_BE_PAID: _l("I cannot be paid"),
}
PREFERENCE_HINTS = {
    PAID: _l("Paid into your bank account."),
    VOUCHER: _l("A shopping voucher of the same value."),
    DECLINE: _l("You take part without payment. Your expenses can still be paid."),
    CANNOT_BE_PAID: _l(
        "For example, you work in the public sector, or payment could affect your benefits. "
        "Your expenses can still be paid."
    ),
}
PAYMENT_STATUS_LABELS = {
    OFFERED: _l("Offered"),
    ACCEPTED: _l("Accepted"),
    DECLINED: _l("Declined"),
    APPROVED: _l("Approved"),
    PAYMENT_PAID: _l("Paid"),
}
EXPENSE_CATEGORY_LABELS = {
    TRAVEL: _l("Travel"),
    CARER_COVER: _l("Carer cover"),
    CHILDCARE: _l("Childcare"),
    OTHER_EXPENSE: _l("Other"),
}
CLAIM_STATUS_LABELS = {
    SUBMITTED: _l("Waiting for a decision"),
    CLAIM_APPROVED: _l("Approved"),
    PART_APPROVED: _l("Approved in part"),
    REJECTED: _l("Rejected"),
    CLAIM_PAID: _l("Paid"),
}
EQUALITY_QUESTION_LABELS = {
    "age_band": _l("Age"),
    "gender": _l("Gender"),
    "ethnic_group": _l("Ethnic group"),
    "disability": _l("Do you have a disability or long-term health condition?"),
    "carer": _l("Do you look after someone who needs help because of illness, disability or age?"),
}
EQUALITY_ANSWER_LABELS = {
    "under_25": _l("Under 25"),
    "25_34": _l("25 to 34"),
    "35_44": _l("35 to 44"),
    "45_54": _l("45 to 54"),
    "55_64": _l("55 to 64"),
    "65_74": _l("65 to 74"),
    "75_over": _l("75 or over"),
    "woman": _l("Woman"),
    "man": _l("Man"),
    "non_binary": _l("Non-binary"),
    "other": _l("Another way"),
    "asian": _l("Asian or Asian British"),
    "black": _l("Black, Black British, Caribbean or African"),
    "mixed": _l("Mixed or multiple ethnic groups"),
    "white": _l("White"),
    "yes": _l("Yes"),
    "no": _l("No"),
    PREFER_NOT_TO_SAY: _l("Prefer not to say"),
}

LABELS = {
    "activity_kind_labels": Labels(ACTIVITY_KIND_LABELS),
    "unit_labels": Labels(UNIT_LABELS),
    "preference_labels": Labels(PREFERENCE_LABELS),
    "preference_hints": Labels(PREFERENCE_HINTS),
    "payment_status_labels": Labels(PAYMENT_STATUS_LABELS),
    "expense_category_labels": Labels(EXPENSE_CATEGORY_LABELS),
    "claim_status_labels": Labels(CLAIM_STATUS_LABELS),
    "equality_question_labels": Labels(EQUALITY_QUESTION_LABELS),
    "equality_answer_labels": Labels(EQUALITY_ANSWER_LABELS),
}
