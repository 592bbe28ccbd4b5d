"""The glossary: coordinators keep it; everyone reads it A to Z."""

import sqlalchemy as sa

from portal import db
from portal.briefings import glossary
from portal.briefings.models import GlossaryTerm
from tests import factories
from tests.conftest import post_form, sign_in_as


def stored(word):
    return db.session.scalar(sa.select(GlossaryTerm).where(GlossaryTerm.term == word))


def test_a_coordinator_adds_a_term_for_their_community(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/glossary/new",
        {
            "word": "Cannula",
            "explanation": "A thin tube put into a vein.",
            "say_instead": "drip tube",
            "language": "en",
            "scope": str(world["a"].id),
        },
    )
    assert response.headers["Location"].endswith("/glossary?letter=C")
    term = stored("Cannula")
    assert (term.community_id, term.initial, term.say_instead) == (world["a"].id, "C", "drip tube")
    page = client.get("/glossary?letter=C").get_data(as_text=True)
    assert "<dfn>Cannula</dfn>" in page and "Used by Alpha clinic" in page


def test_a_coordinator_cannot_add_terms_to_another_community(client, world):
    sign_in_as(client, world["people"]["other_coordinator"])
    response = post_form(
        client,
        "/glossary/new",
        {"word": "Ward", "explanation": "A room.", "language": "en", "scope": str(world["a"].id)},
    )
    assert response.status_code == 200 and stored("Ward") is None
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_the_same_term_twice_is_refused_and_the_words_are_kept(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/glossary/new",
        {
            "word": "ONCOLOGY",
            "explanation": "My kept explanation.",
            "language": "en",
            "scope": "site",
        },
    )
    page = response.get_data(as_text=True)
    assert "The glossary already explains “ONCOLOGY”." in page
    assert "My kept explanation." in page


def test_a_community_term_wins_over_the_site_wide_one(world):
    factories.make_term("oncology", "Cancer care, as we run it here.", community=world["a"])
    glossary.forget_terms()
    terms = glossary.terms_for(world["a"].id, "en")
    assert [(t.term, t.explanation) for t in terms] == [
        ("day unit", "Where you have treatment and go home."),
        ("oncology", "Cancer care, as we run it here."),
    ]
    assert [t.term for t in glossary.terms_for(world["b"].id, "en")] == ["oncology"]
    assert glossary.terms_for(world["a"].id, "cy") == []


def test_the_glossary_is_filed_by_first_letter(client, world):
    factories.make_term("Émile's test", "A word with an accent.")
    factories.make_term("2-week wait", "How long you wait to be seen.")
    page = client.get("/glossary").get_data(as_text=True)
    assert "<h2>#</h2>" in page and "<h2>D</h2>" in page and "<h2>E</h2>" in page
    letters = client.get("/glossary?letter=O").get_data(as_text=True)
    assert "<dfn>oncology</dfn>" in letters and "day unit" not in letters


def test_a_coordinator_changes_and_removes_a_term(client, world):
    term = world["terms"]["a"]
    sign_in_as(client, world["people"]["coordinator"])
    post_form(
        client,
        f"/glossary/{term.id}/edit",
        {
            "word": "day unit",
            "explanation": "Where you have treatment in one day.",
            "language": "en",
            "scope": str(world["a"].id),
        },
    )
    db.session.refresh(term)
    assert term.explanation == "Where you have treatment in one day."
    post_form(client, f"/glossary/{term.id}/delete")
    assert stored("day unit") is None
