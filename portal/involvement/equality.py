"""Optional equality monitoring: asked with a clear reason and separate consent, shown only
added up, with any group of fewer than five people hidden."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import db
from ..communities.services import Refused
from ..db import utcnow
from .models import EQUALITY_QUESTIONS, PREFER_NOT_TO_SAY, EqualityAnswers

SMALLEST_SHOWN = 5


def answers_of(user):
    return db.session.get(EqualityAnswers, user.id)


def save(user, *, consent, **answers):
    """Keep the person's answers, only with their explicit consent; changeable at any time."""
    if not consent:
        raise Refused(_l("Tick the box to agree, or leave these questions unanswered"))
    chosen = {}
    for question, options in EQUALITY_QUESTIONS.items():
        value = answers.get(question) or PREFER_NOT_TO_SAY
        if value != PREFER_NOT_TO_SAY and value not in options:
            raise Refused(_l("Choose one of the answers given"))
        chosen[question] = value
    found = answers_of(user)
    if found is None:
        found = EqualityAnswers(user_id=user.id)
        db.session.add(found)
    for question, value in chosen.items():
        setattr(found, question, value)
    found.consented_at = found.consented_at or utcnow()
    found.updated_at = utcnow()
    db.session.flush()
    return found


def delete(user):
    """Delete the answers and the consent: nothing of them is kept."""
    db.session.execute(sa.delete(EqualityAnswers).where(EqualityAnswers.user_id == user.id))
    db.session.flush()


def suppress(count):
    """A count to show: None (shown as "fewer than 5") for 1 to 4 people."""
    return None if 0 < count < SMALLEST_SHOWN else count


def make_up(user_ids):
    """{question: [(answer, count or None)]} over these people who consented.

    `user_ids` is a select of user ids (so the people are counted in SQL). One
    statement, whatever the number of people: the people's answers are read once,
    then counted by each question. A group of fewer than five shows as None (and
    one more when needed, see `_hidden_small_groups`); when fewer than five
    answered, every group does.
    """
    people = sa.select(EqualityAnswers).where(EqualityAnswers.user_id.in_(user_ids)).cte("people")
    everyone = sa.select(
        sa.literal("", sa.String).label("question"),
        sa.literal("", sa.String).label("answer"),
        sa.func.count().label("people"),
    ).select_from(people)
    by_question = [
        sa.select(sa.literal(question, sa.String), people.c[question], sa.func.count()).group_by(
            people.c[question]
        )
        for question in EQUALITY_QUESTIONS
    ]
    counts = {}
    for question, answer, number in db.session.execute(sa.union_all(everyone, *by_question)):
        counts[(question, answer)] = number
    answered = counts.get(("", ""), 0)
    found = {
        question: _hidden_small_groups(
            [
                (option, counts.get((question, option), 0))
                for option in (*options, PREFER_NOT_TO_SAY)
            ],
            answered,
        )
        for question, options in EQUALITY_QUESTIONS.items()
    }
    return suppress(answered), found


def _hidden_small_groups(groups, answered):
    """Hide groups under five; when only one is hidden, hide the next smallest too, so that
    it cannot be worked out by taking the others from the total."""
    if answered < SMALLEST_SHOWN:
        return [(option, None if count else 0) for option, count in groups]
    hidden = {option for option, count in groups if suppress(count) is None}
    if len(hidden) == 1:
        shown = sorted(
            (count, option) for option, count in groups if count and option not in hidden
        )
        if shown:
            hidden.add(shown[0][1])
    return [(option, None if option in hidden else count) for option, count in groups]
