"""Expense claims, their receipts, and who may fetch them."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from werkzeug.datastructures import FileStorage

from portal import permissions
from portal.communities.services import NotAllowed, Refused
from portal.involvement import expenses, receipts

PDF = b"%PDF-1.4\n% receipt\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def upload(data, name="receipt.pdf"):
    return FileStorage(stream=io.BytesIO(data), filename=name)


def claim_fields(**changes):
    fields = {
        "category": "travel",
        "amount": Decimal("12.40"),
        "spent_on": date.today() - timedelta(days=2),
        "description": "Bus to the meeting and back",
    }
    fields.update(changes)
    return fields


def test_a_lay_partner_claims_with_a_receipt_kept_outside_the_web_root(app, world):
    claim = expenses.submit(
        world["people"]["lay"],
        world["a"],
        receipt=upload(PDF, "../../bus ticket.pdf"),
        **claim_fields(),
    )
    assert claim.status == "submitted" and claim.amount == Decimal("12.40")
    assert claim.receipt_name == "bus ticket.pdf"
    assert claim.receipt_type == "application/pdf"
    stored = receipts.path_of(claim.receipt_file)
    assert stored.read_bytes() == PDF
    assert str(stored).startswith(app.config["RECEIPTS_FOLDER"])
    assert "static" not in str(stored)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 pretending", "receipt.pdf", "PDF, JPG or PNG"),
        (b"<svg onload=alert(1)>", "receipt.png", "PDF, JPG or PNG"),
        (b"", "receipt.pdf", "empty"),
        (PDF + b"x" * (5 * 1024 * 1024), "big.pdf", "smaller than 5 MB"),
    ],
)
def test_wrong_empty_and_oversize_receipts_are_refused(world, data, name, message):
    with pytest.raises(Refused, match=message):
        expenses.submit(
            world["people"]["lay"], world["a"], receipt=upload(data, name), **claim_fields()
        )


def test_a_replaced_receipt_is_deleted_only_once_the_change_is_committed(world, session):
    lay = world["people"]["lay"]
    claim = expenses.submit(lay, world["a"], receipt=upload(PNG, "first.png"), **claim_fields())
    session.commit()
    first = receipts.path_of(claim.receipt_file)
    expenses.change(lay, claim, world["a"], receipt=upload(PDF, "second.pdf"), **claim_fields())
    assert first.is_file()  # until the change is saved, the claim may still need it
    session.commit()
    assert not first.exists()
    assert receipts.path_of(claim.receipt_file).read_bytes() == PDF


def test_a_receipt_whose_claim_is_not_saved_is_not_kept(world, session):
    lay = world["people"]["lay"]
    claim = expenses.submit(lay, world["a"], receipt=upload(PNG, "first.png"), **claim_fields())
    session.commit()
    first = receipts.path_of(claim.receipt_file)
    expenses.change(lay, claim, world["a"], receipt=upload(PDF, "second.pdf"), **claim_fields())
    second = receipts.path_of(claim.receipt_file)
    session.rollback()
    assert not second.exists()  # the claim that named it was never saved
    assert first.is_file()  # and the one still named is kept


def test_stored_names_with_path_tricks_are_never_opened(world):
    claim = expenses.submit(
        world["people"]["lay"], world["a"], receipt=upload(PNG, "a.png"), **claim_fields()
    )
    assert receipts.path_of(claim.receipt_file) is not None
    for trick in ("../config.py", "..\\secret", ".hidden", "", None, "/etc/passwd"):
        assert receipts.path_of(trick) is None


def test_only_the_owner_and_coordinators_may_see_a_receipt(world):
    claim = expenses.submit(world["people"]["lay"], world["a"], **claim_fields())
    people, a = world["people"], world["a"]
    assert permissions.can_see_receipt(people["lay"], claim, a)
    assert permissions.can_see_receipt(people["coordinator"], claim, a)
    for role in ("professional", "other_coordinator", "admin"):
        assert not permissions.can_see_receipt(people[role], claim, a)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": "holiday"}, "spent on"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("2000.01")}, "amount"),
        ({"amount": None}, "amount"),
        ({"spent_on": date.today() + timedelta(days=1)}, "past"),
        ({"description": " "}, "what the money was for"),
    ],
)
def test_a_claim_needs_a_category_an_amount_a_past_date_and_a_reason(world, changes, message):
    with pytest.raises(Refused, match=message):
        expenses.submit(world["people"]["lay"], world["a"], **claim_fields(**changes))


def test_only_lay_partners_of_the_community_claim(world):
    for role in ("professional", "other_coordinator", "admin"):
        with pytest.raises(NotAllowed):
            expenses.submit(world["people"][role], world["a"], **claim_fields())


def test_a_claim_is_approved_in_part_with_a_reason_then_paid_and_fixed(world):
    lay, coordinator, a = world["people"]["lay"], world["people"]["coordinator"], world["a"]
    claim = expenses.submit(lay, a, **claim_fields(category="carer_cover", amount=Decimal("40")))
    expenses.change(lay, claim, a, **claim_fields(category="carer_cover", amount=Decimal("45")))
    with pytest.raises(Refused, match="why only part"):
        expenses.decide(coordinator, claim, a, decision="part", approved_amount=Decimal("30"))
    with pytest.raises(Refused, match="less than the claim"):
        expenses.decide(
            coordinator, claim, a, decision="part", approved_amount=Decimal("45"), reason="x"
        )
    expenses.decide(
        coordinator,
        claim,
        a,
        decision="part",
        approved_amount=Decimal("30"),
        reason="Carer cover is paid for 3 hours at £10.",
    )
    assert (claim.status, claim.approved_amount) == ("part_approved", Decimal("30.00"))
    with pytest.raises(Refused, match="cannot be changed"):
        expenses.change(lay, claim, a, **claim_fields(amount=Decimal("99")))
    with pytest.raises(Refused, match="decided already"):
        expenses.decide(coordinator, claim, a, decision="approve")
    expenses.mark_paid(coordinator, claim, a, paid_on=date.today(), reference="EXP-7")
    assert claim.status == "paid" and claim.amount == Decimal("45.00")


def test_a_rejection_needs_a_reason(world):
    lay, coordinator, a = world["people"]["lay"], world["people"]["coordinator"], world["a"]
    claim = expenses.submit(lay, a, **claim_fields())
    with pytest.raises(Refused, match="why the claim is rejected"):
        expenses.decide(coordinator, claim, a, decision="reject", reason="")
    expenses.decide(coordinator, claim, a, decision="reject", reason="No meeting that day.")
    assert claim.status == "rejected" and claim.approved_amount is None
    with pytest.raises(Refused):
        expenses.mark_paid(coordinator, claim, a, paid_on=date.today(), reference="X")
