"""Expense claims: a lay partner claims back what taking part cost; a coordinator decides.

A claim can be changed by its owner until a coordinator decides. Then it is
fixed: approved in full, approved in part with a reason, or rejected with a
reason, and later marked paid.
"""

from flask_babel import lazy_gettext as _l

from .. import dates, db, outbox, permissions
from ..accounts.models import User
from ..communities.services import Refused, require
from ..db import utcnow
from ..health import summaries
from ..links import public_url
from . import money, receipts
from .models import (
    CLAIM_APPROVED,
    CLAIM_PAID,
    EXPENSE_CATEGORIES,
    PART_APPROVED,
    REJECTED,
    SUBMITTED,
    ExpenseClaim,
    InvolvementActivity,
)

MOST = 2000  # pounds: a claim above this is a mistake or needs another route


def get(claim_id):
    return db.session.get(ExpenseClaim, claim_id)


def _check(community, fields):
    category = fields.get("category")
    if category not in EXPENSE_CATEGORIES:
        raise Refused(_l("Choose what the money was spent on"))
    amount = fields.get("amount")
    if amount is None or amount <= 0 or amount > MOST:
        raise Refused(_l("Enter an amount from £0.01 to £2,000, in pounds and pence"))
    spent_on = fields.get("spent_on")
    if spent_on is None:
        raise Refused(_l("Enter the date you spent the money"))
    if spent_on > dates.today():
        raise Refused(_l("The date you spent the money must be today or in the past"))
    description = (fields.get("description") or "").strip()
    if not description:
        raise Refused(_l("Say what the money was for"))
    if len(description) > 2000:
        raise Refused(_l("Shorten the description to 2000 characters or fewer"))
    activity_id = fields.get("activity_id") or None
    if activity_id is not None:
        activity = db.session.get(InvolvementActivity, activity_id)
        if activity is None or activity.community_id != community.id:
            raise Refused(_l("Choose an activity of this community"))
    return {
        "category": category,
        "amount": money.pence(amount),
        "spent_on": spent_on,
        "description": description,
        "activity_id": activity_id,
    }


def submit(user, community, *, receipt=None, **fields):
    """A new claim by an active lay partner of the community, with an optional receipt."""
    require(permissions.can_claim_expenses(user, community))
    values = _check(community, fields)
    claim = ExpenseClaim(community_id=community.id, user_id=user.id, **values)
    if receipt is not None and receipt.filename:
        claim.receipt_file, claim.receipt_name, claim.receipt_type = receipts.store(receipt)
    db.session.add(claim)
    db.session.flush()
    return claim


def change(user, claim, community, *, receipt=None, **fields):
    """The owner changes a claim nobody has decided on yet."""
    if claim.user_id != user.id:
        raise Refused(_l("This is not your claim."))
    if claim.status != SUBMITTED:
        raise Refused(_l("A coordinator has decided on this claim, so it cannot be changed."))
    values = _check(community, fields)
    for name, value in values.items():
        setattr(claim, name, value)
    if receipt is not None and receipt.filename:
        old = claim.receipt_file
        claim.receipt_file, claim.receipt_name, claim.receipt_type = receipts.store(receipt)
        receipts.remove_after_commit(old)
    db.session.flush()
    return claim


def decide(actor, claim, community, *, decision, approved_amount=None, reason=""):
    """Approve in full, approve part (with the amount and a reason), or reject (with a reason)."""
    require(permissions.can_manage_involvement(actor, community))
    if claim.status != SUBMITTED:
        raise Refused(_l("This claim has been decided already."))
    reason = (reason or "").strip()
    if decision == "approve":
        claim.status, claim.approved_amount, reason = CLAIM_APPROVED, claim.amount, ""
    elif decision == "part":
        if approved_amount is None or not 0 < approved_amount < claim.amount:
            raise Refused(_l("Enter the amount approved: more than £0 and less than the claim"))
        if not reason:
            raise Refused(_l("Say why only part of the claim is approved"))
        claim.status, claim.approved_amount = PART_APPROVED, money.pence(approved_amount)
    elif decision == "reject":
        if not reason:
            raise Refused(_l("Say why the claim is rejected"))
        claim.status, claim.approved_amount = REJECTED, None
    else:
        raise Refused(_l("Choose a decision"))
    claim.reason = reason
    claim.decided_by_id = actor.id
    claim.decided_at = utcnow()
    db.session.flush()
    _tell(claim)
    return claim


def mark_paid(actor, claim, community, *, paid_on, reference):
    require(permissions.can_manage_involvement(actor, community))
    if claim.status not in (CLAIM_APPROVED, PART_APPROVED):
        raise Refused(_l("Only an approved claim can be marked paid."))
    reference = (reference or "").strip()
    if paid_on is None:
        raise Refused(_l("Enter the date it was paid"))
    if paid_on > dates.today():
        raise Refused(_l("The date it was paid must be today or in the past"))
    if not reference:
        raise Refused(_l("Enter the payment reference"))
    claim.status, claim.paid_on, claim.reference = CLAIM_PAID, paid_on, reference[:80]
    summaries.claim_paid(claim)
    db.session.flush()
    _tell(claim)
    return claim


def _tell(claim):
    person = db.session.get(User, claim.user_id) if claim.user_id else None
    if person is not None:
        outbox.queue(
            person,
            "claim_status",
            link=public_url("involvement.claim", claim_id=claim.id),
            claim=claim,
        )
