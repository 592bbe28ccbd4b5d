"""Expense claim pages: claiming with a receipt, deciding, marking paid, fetching the receipt,
and who may see or do each."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import db
from portal.involvement import expenses, receipts
from portal.involvement.models import ExpenseClaim
from tests import factories
from tests.conftest import post_form, sign_in_as

PDF = b"%PDF-1.4\n% bus ticket\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def claim_form(**changes):
    today = date.today()
    data = {
        "category": "travel",
        "amount": "12.40",
        "spent_on-day": str(today.day),
        "spent_on-month": str(today.month),
        "spent_on-year": str(today.year),
        "description": "Bus to the meeting and back",
        "activity_id": "",
    }
    data.update(changes)
    return data


def claim_fields(**changes):
    fields = {
        "category": "travel",
        "amount": Decimal("12.40"),
        "spent_on": date.today(),
        "description": "Bus to the meeting and back",
    }
    fields.update(changes)
    return fields


def receipt(data=PDF, name="bus ticket.pdf"):
    return (io.BytesIO(data), name)


def claims_of(user):
    db.session.expire_all()  # pages write in their own session
    return db.session.scalars(
        sa.select(ExpenseClaim).where(ExpenseClaim.user_id == user.id).order_by(ExpenseClaim.id)
    ).all()


@pytest.fixture
def claim(world):
    """A travel claim of £12.40 by A's lay partner, with a PDF receipt."""
    from werkzeug.datastructures import FileStorage

    upload = FileStorage(stream=io.BytesIO(PDF), filename="bus ticket.pdf")
    return expenses.submit(world["people"]["lay"], world["a"], receipt=upload, **claim_fields())


@pytest.fixture
def other_lay(world, make_user):
    person = make_user(display_name="Other Partner")
    factories.make_membership(person, world["a"])
    return person


# Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("lay", 200),
        ("professional", 403),
        ("coordinator", 403),
        ("other_coordinator", 403),
        ("admin", 403),
        ("requester", 403),
    ],
)
def test_only_active_lay_partners_of_the_community_may_claim(client, world, role, status):
    sign_in_as(client, world["people"][role])
    assert client.get("/communities/alpha/expenses/new").status_code == status
    response = post_form(client, "/communities/alpha/expenses/new", claim_form())
    assert response.status_code == (302 if status == 200 else status)


def test_an_unknown_community_has_no_claim_form(client, world):
    sign_in_as(client, world["people"]["lay"])
    assert client.get("/communities/nowhere/expenses/new").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/communities/alpha/expenses/new",
        "/expenses/{id}",
        "/expenses/{id}/edit",
        "/expenses/{id}/receipt",
    ],
)
def test_anonymous_people_are_asked_to_sign_in(client, claim, path):
    response = client.get(path.format(id=claim.id))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("lay", 200),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("professional", 404),
        ("admin", 404),
        ("other_lay", 404),
    ],
)
def test_a_claim_and_its_receipt_are_for_the_owner_and_coordinators_only(
    client, world, claim, other_lay, role, status
):
    person = other_lay if role == "other_lay" else world["people"][role]
    sign_in_as(client, person)
    assert client.get(f"/expenses/{claim.id}").status_code == status
    assert client.get(f"/expenses/{claim.id}/receipt").status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("lay", 403), ("other_coordinator", 404), ("professional", 404), ("other_lay", 404)],
)
def test_only_the_communitys_coordinators_decide_and_mark_paid(
    client, world, claim, other_lay, role, status
):
    sign_in_as(client, other_lay if role == "other_lay" else world["people"][role])
    decided = post_form(client, f"/expenses/{claim.id}/decision", {"decision-decision": "approve"})
    assert decided.status_code == status
    paid = post_form(client, f"/expenses/{claim.id}/paid", {"pay-reference": "X"})
    assert paid.status_code == status
    assert claims_of(world["people"]["lay"])[0].status == "submitted"


def test_only_the_owner_changes_a_claim(client, world, claim, other_lay):
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get(f"/expenses/{claim.id}/edit").status_code == 403
    sign_in_as(client, other_lay)
    assert client.get(f"/expenses/{claim.id}/edit").status_code == 404


def test_an_unknown_claim_is_not_found(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get("/expenses/999999").status_code == 404
    assert client.get("/expenses/999999/receipt").status_code == 404


# Claiming -------------------------------------------------------------------------------------


def test_the_claim_form_says_what_receipts_are_taken(client, world):
    sign_in_as(client, world["people"]["lay"])
    page = client.get("/communities/alpha/expenses/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" accept=".pdf,.jpg,.jpeg,.png"' in page
    assert "A PDF, JPG or PNG file, up to 5 MB." in page
    assert 'inputmode="decimal"' in page
    for words in ("Travel", "Carer cover", "Childcare"):
        assert words in page
    assert "Choose the receipt file again" not in page


def test_a_claim_may_name_an_activity_the_person_attended(client, world, meeting):
    from portal.involvement import services

    lay, coordinator, a = world["people"]["lay"], world["people"]["coordinator"], world["a"]
    activity = meeting["activity"]
    other = services.create_activity(
        coordinator, a, kind="workshop", title="Not there", held_on=date(2026, 5, 2), minutes=60
    )
    services.record_attendance(coordinator, activity, a, [lay.id])
    sign_in_as(client, lay)
    page = client.get("/communities/alpha/expenses/new").get_data(as_text=True)
    assert "Patient panel" in page and "Not there" not in page
    response = post_form(
        client, "/communities/alpha/expenses/new", claim_form(activity_id=str(other.id))
    )
    assert response.status_code == 400 and claims_of(lay) == []
    post_form(client, "/communities/alpha/expenses/new", claim_form(activity_id=str(activity.id)))
    assert claims_of(lay)[0].activity_id == activity.id
    assert "Patient panel" in client.get(f"/expenses/{claims_of(lay)[0].id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "Enter the amount as a number, for example 12.50"),
        ("1e3", "Enter the amount as a number, for example 12.50"),
        ("1.234", "with 2 numbers after the point at most"),
        ("-5", "The amount must be more than £0"),
        ("0", "The amount must be more than £0"),
        ("2000.01", "The amount must be £2,000 or less"),
        ("", "Enter how much you spent"),
    ],
)
def test_a_bad_amount_is_explained_and_everything_typed_is_kept(client, world, amount, message):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(
        client,
        "/communities/alpha/expenses/new",
        claim_form(
            amount=amount,
            category="carer_cover",
            description="Sitter for my mum, 3 hours",
            receipt=receipt(),
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert f'value="{amount}"' in page if amount else 'name="amount" type="text"' in page
    assert 'value="carer_cover" checked' in page
    assert "Sitter for my mum, 3 hours</textarea>" in page
    assert f'name="spent_on-year" type="text" inputmode="numeric" value="{date.today().year}"' in (
        page
    )
    assert "Choose the receipt file again" in page
    assert claims_of(lay) == []


def test_a_date_in_the_future_is_refused(client, world):
    sign_in_as(client, world["people"]["lay"])
    tomorrow = date.today() + timedelta(days=1)
    response = post_form(
        client,
        "/communities/alpha/expenses/new",
        claim_form(
            **{
                "spent_on-day": str(tomorrow.day),
                "spent_on-month": str(tomorrow.month),
                "spent_on-year": str(tomorrow.year),
            }
        ),
    )
    assert response.status_code == 400
    assert "must be today or in the past" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"GIF89a pretending", "receipt.png", "The receipt must be a PDF, JPG or PNG file"),
        (b"MZ\x90\x00 a program", "receipt.pdf", "The receipt must be a PDF, JPG or PNG file"),
        (b"<svg onload=alert(1)>", "receipt.jpg", "The receipt must be a PDF, JPG or PNG file"),
        (PDF + b"x" * 2048, "big.pdf", "The receipt must be smaller than"),
    ],
)
def test_a_wrong_fake_or_oversize_receipt_is_refused(
    app, client, world, monkeypatch, data, name, message
):
    monkeypatch.setitem(app.config, "RECEIPT_MAX_BYTES", 1024)
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(
        client, "/communities/alpha/expenses/new", claim_form(receipt=receipt(data, name))
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and "Choose the receipt file again" in page
    assert 'href="#receipt"' in page  # the error summary leads to the file input
    assert "Bus to the meeting and back</textarea>" in page
    assert claims_of(lay) == []


def test_the_receipt_comes_back_exactly_as_sent_as_a_download(client, world):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(
        client,
        "/communities/alpha/expenses/new",
        claim_form(receipt=receipt(PNG, "../../ticket photo.png")),
    )
    claim = claims_of(lay)[0]
    assert response.headers["Location"] == f"/expenses/{claim.id}"
    assert receipts.path_of(claim.receipt_file).read_bytes() == PNG
    page = client.get(f"/expenses/{claim.id}").get_data(as_text=True)
    assert "Download ticket photo.png" in page
    download = client.get(f"/expenses/{claim.id}/receipt")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Type"] == "image/png"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "ticket photo.png" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get(f"/expenses/{claim.id}/receipt").data == PNG


def test_a_claim_without_a_receipt_has_nothing_to_download(client, world):
    lay = world["people"]["lay"]
    claim = expenses.submit(lay, world["a"], **claim_fields())
    sign_in_as(client, lay)
    assert "No receipt" in client.get(f"/expenses/{claim.id}").get_data(as_text=True)
    assert client.get(f"/expenses/{claim.id}/receipt").status_code == 404


def test_the_owner_changes_a_claim_until_it_is_decided(client, world, claim):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    page = client.get(f"/expenses/{claim.id}").get_data(as_text=True)
    assert "Change this claim" in page and "Decide on the claim" not in page
    form = client.get(f"/expenses/{claim.id}/edit").get_data(as_text=True)
    assert 'value="12.40"' in form and "You sent bus ticket.pdf." in form
    response = post_form(client, f"/expenses/{claim.id}/edit", claim_form(amount="14.80"))
    assert response.status_code == 302
    changed = claims_of(lay)[0]
    assert changed.amount == Decimal("14.80") and changed.receipt_name == "bus ticket.pdf"

    expenses.decide(world["people"]["coordinator"], changed, world["a"], decision="approve")
    db.session.commit()
    page = client.get(f"/expenses/{claim.id}").get_data(as_text=True)
    assert "Change this claim" not in page
    response = client.get(f"/expenses/{claim.id}/edit", follow_redirects=True)
    assert "cannot be changed" in response.get_data(as_text=True)
    post_form(client, f"/expenses/{claim.id}/edit", claim_form(amount="99"))
    assert claims_of(lay)[0].amount == Decimal("14.80")


# Deciding and paying ------------------------------------------------------------------------


def test_travel_and_carer_cover_approved_in_part_with_a_reason_the_owner_sees(client, world):
    """The Judged-by story: a lay partner claims travel and carer cover; the coordinator
    approves travel in full and carer cover in part, with a reason the lay partner reads."""
    lay, coordinator = world["people"]["lay"], world["people"]["coordinator"]
    sign_in_as(client, lay)
    post_form(client, "/communities/alpha/expenses/new", claim_form(receipt=receipt()))
    post_form(
        client,
        "/communities/alpha/expenses/new",
        claim_form(category="carer_cover", amount="45", description="Carer for my dad, 4 hours"),
    )
    travel, carer = claims_of(lay)

    sign_in_as(client, coordinator)
    page = client.get(f"/expenses/{carer.id}").get_data(as_text=True)
    assert "Claimed by" in page and "Lay Person" in page and "Decide on the claim" in page
    assert "Change this claim" not in page and "Mark the claim paid" not in page
    response = post_form(
        client,
        f"/expenses/{carer.id}/decision",
        {"decision-decision": "part", "decision-approved_amount": "30"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say why only part of the claim is approved" in page and 'value="30"' in page
    response = post_form(
        client,
        f"/expenses/{carer.id}/decision",
        {
            "decision-decision": "part",
            "decision-approved_amount": "45.00",
            "decision-reason": "Too much",
        },
    )
    assert response.status_code == 400
    assert "less than the claim" in response.get_data(as_text=True)
    response = post_form(
        client,
        f"/expenses/{carer.id}/decision",
        {
            "decision-decision": "part",
            "decision-approved_amount": "30",
            "decision-reason": "Carer cover is paid at £10 an hour, for 3 hours.",
        },
    )
    assert response.status_code == 302
    post_form(client, f"/expenses/{travel.id}/decision", {"decision-decision": "approve"})
    page = client.get(f"/expenses/{carer.id}").get_data(as_text=True)
    assert "Mark the claim paid" in page and "Decide on the claim" not in page

    sign_in_as(client, lay)
    page = client.get(f"/expenses/{carer.id}").get_data(as_text=True)
    assert "Approved in part" in page and "£45.00" in page and "£30.00" in page
    assert "Carer cover is paid at £10 an hour, for 3 hours." in page
    assert "Decide on the claim" not in page and "Mark the claim paid" not in page
    mine = client.get("/my/involvement").get_data(as_text=True)
    assert "Approved in part" in mine and f'href="/expenses/{carer.id}"' in mine
    assert "Approved" in mine and f'href="/expenses/{travel.id}"' in mine


def test_a_rejection_needs_a_reason(client, world, claim):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(client, f"/expenses/{claim.id}/decision", {"decision-decision": "reject"})
    assert response.status_code == 400
    assert "Say why the claim is rejected" in response.get_data(as_text=True)
    response = post_form(client, f"/expenses/{claim.id}/decision", {})
    assert "Choose a decision" in response.get_data(as_text=True)
    post_form(
        client,
        f"/expenses/{claim.id}/decision",
        {"decision-decision": "reject", "decision-reason": "There was no meeting that day."},
    )
    stored = claims_of(world["people"]["lay"])[0]
    assert (stored.status, stored.reason) == ("rejected", "There was no meeting that day.")


def test_an_approved_claim_is_marked_paid_with_a_date_and_reference(client, world, claim):
    coordinator = world["people"]["coordinator"]
    expenses.decide(coordinator, claim, world["a"], decision="approve")
    db.session.commit()
    sign_in_as(client, coordinator)
    response = post_form(client, f"/expenses/{claim.id}/paid", {"pay-reference": "EXP-12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the date it was paid" in page and 'value="EXP-12"' in page
    today = date.today()
    response = post_form(
        client,
        f"/expenses/{claim.id}/paid",
        {
            "pay-paid_on-day": str(today.day),
            "pay-paid_on-month": str(today.month),
            "pay-paid_on-year": str(today.year),
            "pay-reference": "EXP-12",
        },
    )
    assert response.status_code == 302
    sign_in_as(client, world["people"]["lay"])
    page = client.get(f"/expenses/{claim.id}").get_data(as_text=True)
    assert "Paid on" in page and "EXP-12" in page and "Mark the claim paid" not in page


def test_a_decision_sent_twice_or_paying_too_early_changes_nothing(client, world, claim):
    sign_in_as(client, world["people"]["coordinator"])
    early = post_form(client, f"/expenses/{claim.id}/paid", {"pay-reference": "EXP-1"})
    assert early.status_code == 302
    assert "Only an approved claim can be marked paid." in client.get(
        f"/expenses/{claim.id}"
    ).get_data(as_text=True)
    post_form(client, f"/expenses/{claim.id}/decision", {"decision-decision": "approve"})
    again = post_form(
        client,
        f"/expenses/{claim.id}/decision",
        {"decision-decision": "reject", "decision-reason": "Changed my mind"},
        follow_redirects=True,
    )
    assert "This claim has been decided already." in again.get_data(as_text=True)
    stored = claims_of(world["people"]["lay"])[0]
    assert (stored.status, stored.reason, stored.paid_on) == ("approved", "", None)
