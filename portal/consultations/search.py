"""Searching what contributions say, by whole words, from an index on both databases.

PostgreSQL matches `to_tsvector('simple', answers.text)` with `websearch_to_tsquery`,
from a GIN index on that expression. SQLite matches an FTS5 table over the answers'
text (rowid = answer id), which triggers on `answers` keep in step with every insert,
change and deletion. Both are built by the migration "answers searched by whole words".

The 'simple' configuration lower-cases words and does nothing else: contributions are
written in English, Welsh and Arabic, and English stemming or stop words would mangle
the other two. The FTS5 table keeps diacritics too (dŵr is not dwr), as 'simple' does.
"""

import re

import sqlalchemy as sa

from .. import db
from .models import Answer, Contribution

SEARCH_TABLE = "answers_search"  # SQLite: the FTS5 table (and its shadow tables)
SEARCH_INDEX = "ix_answers_text_search"  # PostgreSQL: the GIN expression index

# SQLite: up to this many matching answers, the inbox reads them and sorts the
# contributions found; beyond it, it looks through the contributions newest first.
# (At 100,000 contributions: a rare word in 1 ms instead of 100 ms, a common one in 4 ms
# instead of 35.)
FEW_ANSWERS = 2_000

SIMPLE: sa.ColumnClause[str] = sa.literal_column(
    "'simple'::regconfig"
)  # literal, so the index's expression matches
# A phrase in double quotes (its closing quote may be missing), or a run of other characters.
_PIECE = re.compile(r'"([^"]*)"?|([^\s"]+)')

_fts = sa.table(SEARCH_TABLE, sa.column("rowid"), sa.column("text"))


def has_words(typed):
    """True when what was typed holds a letter or digit: anything else is no search."""
    return any(character.isalnum() for character in typed or "")


def fts5_terms(typed):
    """What was typed as an FTS5 query that cannot fail: every word, or phrase in quotes,
    becomes one quoted string (its own quotes doubled), all of them required.

    FTS5 reads words such as OR, NOT and NEAR and characters such as `*`, `-`, `(` and `:`
    as its own syntax; inside quotes they are only text, which its tokenizer splits into
    words as it did the answers (so `don't` is the phrase "don t", as it was stored).
    """
    pieces = []
    for phrase, word in _PIECE.findall(typed or ""):
        piece = phrase or word
        if has_words(piece):
            pieces.append('"' + piece.replace('"', '""') + '"')
    return " AND ".join(pieces)


def answers_matching(typed):
    """A condition on Answer: its text holds the words typed. None when nothing was typed
    but spaces or punctuation, which filters nothing."""
    if not has_words(typed):
        return None
    typed = typed.replace("\x00", " ")  # PostgreSQL refuses NUL in text
    if db.session.get_bind().dialect.name == "postgresql":
        # websearch_to_tsquery accepts anything a person types: "a phrase", -word, a OR b.
        return sa.func.to_tsvector(SIMPLE, Answer.text).bool_op("@@")(
            sa.func.websearch_to_tsquery(SIMPLE, typed)
        )
    return Answer.id.in_(_fts5_hits(typed))


def _fts5_hits(typed):
    return sa.select(_fts.c.rowid).where(_fts.c.text.match(fts5_terms(typed)))


def contributions_matching(typed):
    """A condition on Contribution: one of its answers holds the words typed, and it is not
    hidden (a hidden contribution's words are not shown, so they are not found). None when
    there is nothing to search for."""
    answers = answers_matching(typed)
    if answers is None:
        return None
    if _few_on_sqlite(typed):
        # Read from the few answers found, rather than look for them in every contribution.
        found = Contribution.id.in_(sa.select(Answer.contribution_id).where(answers))
    else:
        # Look through the contributions, newest first, until a page of them is found.
        # PostgreSQL chooses between the two ways itself, from its statistics.
        found = sa.select(Answer.id).where(Answer.contribution_id == Contribution.id, answers)
        found = found.exists()
    return sa.and_(found, Contribution.hidden_at.is_(None))


def _few_on_sqlite(typed):
    """SQLite knows nothing of how many answers an FTS5 query finds: count them (up to
    FEW_ANSWERS and one, which takes a millisecond) to choose the faster way to read."""
    if db.session.get_bind().dialect.name != "sqlite":
        return False
    hits = _fts5_hits(typed.replace("\x00", " ")).limit(FEW_ANSWERS + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(hits)) <= FEW_ANSWERS


def include_name(name, type_, _parent_names):
    """For Alembic's comparisons: the search index and FTS5 tables are built by hand in the
    migration, not described by the models, so they are left out."""
    if type_ == "table":
        return name != SEARCH_TABLE and not name.startswith(SEARCH_TABLE + "_")
    if type_ == "index":
        return name != SEARCH_INDEX
    return True
