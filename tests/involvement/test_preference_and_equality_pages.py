"""A lay partner's payment preference and optional equality monitoring, on their profile."""

import pytest

from portal import db
from portal.involvement import equality, services
from portal.involvement.models import EqualityAnswers, PaymentPreference
from tests.conftest import post_form, sign_in_as


def stored_answers(user):
    db.session.expire_all()  # pages write in their own session
    return db.session.get(EqualityAnswers, user.id)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/profile/payment"),
        ("post", "/profile/payment"),
        ("get", "/profile/equality"),
        ("post", "/profile/equality"),
        ("post", "/profile/equality/delete"),
    ],
)
def test_anonymous_people_are_asked_to_sign_in(client, world, method, path):
    response = client.get(path) if method == "get" else post_form(client, path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_profile_links_to_both_pages_and_the_menu_to_my_involvement(client, world):
    sign_in_as(client, world["people"]["lay"])
    page = client.get("/profile").get_data(as_text=True)
    assert "How you would like to be paid" in page and "Pay me" in page
    assert 'href="/profile/payment"' in page
    assert "Equality monitoring (optional)" in page and "Not answered" in page
    assert 'href="/profile/equality"' in page
    assert 'href="/my/involvement"' in page and "My involvement" in page


# Payment preference ----------------------------------------------------------------------


def test_the_preference_page_explains_benefits_and_who_sees_the_choice(app, client, world):
    sign_in_as(client, world["people"]["lay"])
    page = client.get("/profile/payment").get_data(as_text=True)
    assert f'href="{app.config["BENEFITS_ADVICE_URL"]}"' in page
    assert "Payments can affect some benefits" in page
    assert "Only you and the coordinators of your communities can see your choice." in page
    assert "you can still claim back your expenses" in page
    for words in ("Pay me", "Give me a voucher instead", "I do not want to be paid"):
        assert words in page
    assert "I cannot be paid" in page and "you work in the public sector" in page
    assert 'value="paid" checked' in page  # what happens when nobody chose


def test_a_lay_partner_chooses_how_to_be_paid(client, world):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(client, "/profile/payment", {"preference": "cannot_be_paid"})
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    db.session.expire_all()
    assert db.session.get(PaymentPreference, lay.id).preference == "cannot_be_paid"
    page = client.get("/profile").get_data(as_text=True)
    assert "I cannot be paid" in page and "How you would like to be paid is saved." in page
    assert 'value="cannot_be_paid" checked' in client.get("/profile/payment").get_data(as_text=True)


def test_a_made_up_preference_is_refused(client, world):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(client, "/profile/payment", {"preference": "gold bars"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert services.preference_of(lay.id) == "paid"


# Equality monitoring ------------------------------------------------------------------------


def test_the_equality_page_says_why_first_and_offers_prefer_not_to_say(client, world):
    sign_in_as(client, world["people"]["lay"])
    page = client.get("/profile/equality").get_data(as_text=True)
    why = page.index("Why we ask")
    assert why < page.index("Age") < page.index("I agree that Chorus keeps these answers")
    assert "who is missing" in page and "fewer than 5 people is hidden" in page
    assert "change or delete your answers at any time" in page
    assert page.count("Prefer not to say") == 5
    assert "Delete my answers" not in page


def test_without_consent_nothing_is_kept_and_the_answers_stay_chosen(client, world):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(client, "/profile/equality", {"age_band": "45_54", "carer": "yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Tick the box to agree, or leave these questions unanswered" in page
    assert 'value="45_54" checked' in page and 'name="carer" type="radio" value="yes" checked' in (
        page
    )
    assert stored_answers(lay) is None


def test_answers_are_kept_with_consent_then_changed_and_deleted(client, world):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(
        client,
        "/profile/equality",
        {"age_band": "45_54", "gender": "woman", "carer": "yes", "consent": "y"},
    )
    assert response.status_code == 302
    answers = stored_answers(lay)
    assert (answers.age_band, answers.gender, answers.carer, answers.disability) == (
        "45_54",
        "woman",
        "yes",
        "prefer_not_to_say",
    )
    page = client.get("/profile/equality").get_data(as_text=True)
    assert "Your answers are saved." in page and 'value="45_54" checked' in page
    assert 'name="consent" type="checkbox" value="y" checked' in page
    assert "Delete my answers" in page
    assert "Answered" in client.get("/profile").get_data(as_text=True)

    post_form(client, "/profile/equality", {"age_band": "55_64", "consent": "y"})
    assert stored_answers(lay).age_band == "55_64"

    response = post_form(client, "/profile/equality/delete")
    assert response.status_code == 302
    assert stored_answers(lay) is None
    page = client.get("/profile/equality").get_data(as_text=True)
    assert "Your equality answers are deleted." in page and "Delete my answers" not in page


def test_a_made_up_answer_is_refused(client, world):
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    response = post_form(client, "/profile/equality", {"gender": "robot", "consent": "y"})
    assert response.status_code == 400
    assert "Choose one of the answers given" in response.get_data(as_text=True)
    assert stored_answers(lay) is None


def test_nobody_else_sees_a_persons_answers(client, world):
    lay, coordinator = world["people"]["lay"], world["people"]["coordinator"]
    equality.save(lay, consent=True, age_band="75_over")
    sign_in_as(client, coordinator)
    page = client.get("/profile/equality").get_data(as_text=True)
    assert 'value="75_over" checked' not in page and "Delete my answers" not in page
    post_form(client, "/profile/equality/delete")
    assert stored_answers(lay).age_band == "75_over"
