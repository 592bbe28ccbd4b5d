"""Searching the review inbox: whole words from an index, whatever a reviewer types."""

import pytest
import sqlalchemy as sa
from alembic import command

from portal import db
from portal.accounts.models import User
from portal.cli import alembic_config
from portal.consultations import contributions, moderation, review, search, services
from portal.consultations.models import Answer, Contribution
from tests import factories
from tests.conftest import sign_in_as

SAID = {
    "bus": "The bus stops at 6pm.",
    "parking": "Parking is hard in the evening.",
    "welsh": "Mae'r meddyg teulu yn garedig iawn.",
    "arabic": "المستشفى بعيد عن بيتي",
    "quotes": 'I don\'t like the "new" car park (really).',
}

NEVER_FAIL = [
    '"',
    '""',
    '"unclosed phrase',
    'a"b',
    "-",
    "-bus",
    "bus -parking",
    "OR",
    "bus OR",
    "OR OR OR",
    "NOT",
    "AND",
    "NEAR(bus stops)",
    "*",
    "bus*",
    "(",
    ")",
    "((bus)",
    "'",
    "O'Brien",
    ":",
    "text:bus",
    "^bus",
    "&|!<->",
    "\\",
    "%",
    "_",
    "{bus}",
    "bus +",
    "x\x00y",
    ";DROP TABLE answers;--",
    "مستشفى؟",
    "dŵr",
    "Mae'r",
]
ONLY_PUNCTUATION = ['"', '""', "-", "*", "(", ")", "'", ":", "&|!<->", "\\", "%", "_", "   "]


@pytest.fixture
def said(world, make_user, make_membership):
    """One contribution to the open proposal of A for each text of SAID."""
    proposal, a = world["proposals"]["open"], world["a"]
    questions = services.questions(proposal)
    made = {}
    for key, words in SAID.items():
        person = make_user(email=f"{key}@example.org")
        make_membership(person, a)
        answers = {questions[0].id: (words, None, []), questions[1].id: ("", 3, [])}
        made[key] = factories.make_contribution(proposal, a, person, answers=answers)
    return made


def found(world, typed):
    """The keys of SAID whose contributions the professional's inbox search finds."""
    query = review.inbox_query(world["people"]["professional"], search=typed)
    return {row.id for row in db.session.execute(query)}


def keys(said, ids):
    return {key for key, contribution in said.items() if contribution.id in ids}


@pytest.mark.parametrize("few", [search.FEW_ANSWERS, 0])
def test_a_word_finds_the_contributions_that_hold_it_and_no_others(world, said, few, monkeypatch):
    monkeypatch.setattr(search, "FEW_ANSWERS", few)  # SQLite: both ways of reading
    assert keys(said, found(world, "bus")) == {"bus"}
    assert keys(said, found(world, "BUS")) == {"bus"}
    assert keys(said, found(world, "bus stops")) == {"bus"}  # every word
    assert keys(said, found(world, "bus evening")) == set()
    assert keys(said, found(world, "bu")) == set()  # whole words only
    assert keys(said, found(world, "evening")) == {"parking"}
    assert keys(said, found(world, "meddyg")) == {"welsh"}
    assert keys(said, found(world, "المستشفى")) == {"arabic"}
    assert keys(said, found(world, "don't")) == {"quotes"}
    assert keys(said, found(world, '"stops at"')) == {"bus"}  # a phrase, in its order
    assert keys(said, found(world, '"at stops"')) == set()
    assert keys(said, found(world, '"new"')) == {"quotes"}


@pytest.mark.parametrize("typed", NEVER_FAIL)
def test_whatever_is_typed_never_causes_an_error(world, said, typed):
    found(world, typed)  # no database error


@pytest.mark.parametrize("typed", ONLY_PUNCTUATION)
def test_only_punctuation_filters_nothing(world, said, typed):
    assert found(world, typed) == found(world, "")


def test_fts5_terms_are_quoted_words_and_phrases():
    assert search.fts5_terms('bus OR "stops at" -car NEAR(') == (
        '"bus" AND "OR" AND "stops at" AND "-car" AND "NEAR("'
    )
    assert search.fts5_terms('a"b') == '"a" AND "b"'
    assert search.fts5_terms('say ""hello""') == '"say" AND "hello"'
    assert search.fts5_terms("* ( ' -") == ""


def _index_matches_answers():
    """SQLite: the FTS5 table holds exactly the answers' words (an integrity check with
    rank 1 compares it with the answers table); PostgreSQL keeps its index itself."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    db.session.execute(
        sa.text("INSERT INTO answers_search (answers_search, rank) VALUES ('integrity-check', 1)")
    )


def test_a_changed_answer_is_found_by_its_new_words_only(world, said):
    proposal, contribution = world["proposals"]["open"], said["bus"]
    questions = services.questions(proposal)
    contributions.change(
        db.session.get(User, contribution.author_id),
        contribution,
        proposal,
        questions,
        identity="named",
        quote_consent=False,
        answers={questions[0].id: ("The train is better.", None, []), questions[1].id: ("", 2, [])},
    )
    assert keys(said, found(world, "bus")) == set()
    assert keys(said, found(world, "train")) == {"bus"}
    _index_matches_answers()


def test_deleted_answers_are_no_longer_found(world, said):
    proposal = world["proposals"]["open"]
    questions = services.questions(proposal)
    db.session.execute(sa.delete(Answer).where(Answer.contribution_id == said["parking"].id))
    db.session.execute(sa.delete(Contribution).where(Contribution.id == said["welsh"].id))
    assert keys(said, found(world, "evening")) == set()
    assert keys(said, found(world, "meddyg")) == set()
    # A new answer that takes a deleted answer's id is found by its own words only.
    top = db.session.scalar(sa.select(sa.func.max(Answer.id)))
    db.session.execute(sa.delete(Answer).where(Answer.id == top))
    db.session.execute(
        sa.insert(Answer).values(
            id=top, contribution_id=said["parking"].id, question_id=questions[0].id, text="Trams"
        )
    )
    assert keys(said, found(world, "trams")) == {"parking"}
    assert keys(said, found(world, "parking")) == set()
    _index_matches_answers()


def test_search_works_after_the_unique_constraints_are_renamed(
    world, said, make_user, make_membership, _transaction
):
    """Renaming the unique constraints (and back) keeps every answer and the search index,
    and on SQLite the triggers that keep the index in step with new answers."""
    answers = db.session.scalar(sa.select(sa.func.count()).select_from(Answer))
    config = alembic_config(_transaction)
    command.downgrade(config, "cca7771c92f1")
    command.upgrade(config, "head")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == answers
    _index_matches_answers()
    assert keys(said, found(world, "bus")) == {"bus"}
    proposal, a = world["proposals"]["open"], world["a"]
    questions = services.questions(proposal)
    person = make_user(email="later@example.org")
    make_membership(person, a)
    answers_later = {questions[0].id: ("The tram is late.", None, []), questions[1].id: ("", 1, [])}
    later = factories.make_contribution(proposal, a, person, answers=answers_later)
    assert found(world, "tram") == {later.id}
    _index_matches_answers()


def test_hidden_contributions_are_not_found(world, said):
    contribution = said["bus"]
    moderation.hide(world["people"]["coordinator"], contribution, "It names a nurse.")
    assert keys(said, found(world, "bus")) == set()
    assert said["bus"].id in found(world, "")  # still in the inbox, without a search


def test_the_inbox_page_searches_and_says_how(client, world, said):
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get("/review?q=meddyg").get_data(as_text=True)
    assert "Finds whole words. Put a phrase in quotes." in page
    assert "meddyg teulu yn garedig" in page and SAID["bus"] not in page
    odd = client.get("/review?q=%22(-OR*%27").get_data(as_text=True)
    assert "No contributions match" in odd


@pytest.mark.postgresql_only
def test_postgresql_reads_the_matching_answers_from_the_gin_index(world, said):
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    query = sa.select(Answer.id).where(search.answers_matching("bus"))
    sql = query.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {sql}")))
    assert search.SEARCH_INDEX in plan, plan
