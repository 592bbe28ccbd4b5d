"""Demo review work: themes, replies, views from a meeting and a phone call, a report,
a hidden contribution and an approved quote. Each step looks first, so it runs twice safely."""

from datetime import timedelta

import sqlalchemy as sa

from .. import db
from ..accounts.models import User
from ..consultations import moderation, review, services
from ..consultations.models import Contribution, Quote, Report, Response
from ..db import utcnow

THEMES = {
    "aled.morgan@example.org": ["Time off work", "Getting here"],
    "carol.hughes@example.org": ["Getting here"],
    "daniel.evans@example.org": ["Feeling safe in the evening"],
}
REPLY = (
    "Thank you for telling us about losing a day's pay. We are asking the hospital "
    "whether evening parking can be free for patients."
)
QUOTE = "Evening visits would help me a lot. I lose a day's pay every time I come in."
MEETING = (
    "At the patient forum, six people said evenings would help. Two asked for a later bus. "
    "One asked for a quiet room."
)
PHONE = "A carer rang to say an evening clinic would help her mother, who works shifts."
REPORT = "This names a nurse on the ward. Please check it."
HIDE_REASON = "It included another patient's details. We have kept it, but it is not shown."


def _of(proposal, email):
    return db.session.scalar(
        sa.select(Contribution)
        .join(User, User.id == Contribution.author_id)
        .where(Contribution.proposal_id == proposal.id, User.email == email)
    )


def load(echo, *, evenings, chemo, first_day, maternity, professional, coordinator):
    """Review the demo's chemo evenings proposal and moderate the closed maternity one."""
    if review.proposal_themes(evenings.id):
        echo("  present  review work")
        return
    for email, names in THEMES.items():
        contribution = _of(evenings, email)
        if contribution is not None:
            for name in names:
                review.add_theme(professional, [contribution], review.theme_named(evenings, name))
    aled = _of(evenings, "aled.morgan@example.org")
    carol = _of(evenings, "carol.hughes@example.org")
    if aled is not None:
        review.respond(professional, [aled], REPLY)
        moderation.approve_quote(coordinator, aled, QUOTE)
    if carol is not None:
        review.acknowledge(professional, [carol])
        moderation.report(professional, carol, REPORT)
    questions = services.questions(evenings)
    text = next(q for q in questions if q.kind == "text")
    moderation.record_offline(
        coordinator,
        evenings,
        questions,
        source="meeting",
        source_date=(utcnow() - timedelta(days=2)).date(),
        people_count=6,
        answers={text.id: (MEETING, None, [])},
        key="demo-meeting",
    )
    moderation.record_offline(
        coordinator,
        evenings,
        questions,
        source="phone",
        source_date=(utcnow() - timedelta(days=1)).date(),
        answers={text.id: (PHONE, None, [])},
        key="demo-phone",
    )
    fatima = _of(first_day, "fatima.begum@example.org")
    if fatima is not None and fatima.hidden_at is None:
        moderation.report(professional, fatima, "It mentions another patient.")
        moderation.hide(coordinator, fatima, HIDE_REASON)
    counts = [
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Response, Quote, Report)
    ]
    echo(f"  created  review work: {counts[0]} replies, {counts[1]} quotes, {counts[2]} reports")
