"""Demo consultations: proposals in every status, with questions, contributions, a change,
a withdrawal and a saved draft. Every step looks first, so it runs twice safely.

The services only let a proposal be answered while it is open "now", so proposals that
opened in the past (or closed already) are written with the services, then have their
window set directly, as `tests/factories.py` does.
"""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from .. import db, permissions
from ..accounts.models import User
from ..accounts.services import find_by_email
from ..briefings.models import Briefing
from ..communities import services as communities
from ..communities.models import PENDING
from ..consultations import contributions, services
from ..consultations.models import (
    ANONYMOUS,
    EXTENDED,
    MULTIPLE,
    NAMED,
    ONLINE,
    OPEN,
    PSEUDONYM,
    SCALE,
    SINGLE,
    TEXT,
    Contribution,
    ContributionRevision,
    Proposal,
    ProposalEvent,
)
from ..db import utcnow
from ..links import public_url
from . import briefings as briefings_demo
from . import consultations_review as demo_review

PROFESSIONAL = "professional@example.org"
COORDINATOR = "coordinator@example.org"
LAY = "lay@example.org"

# Lay partners the other demo modules do not provide: chemo-day-unit has only one active lay
# partner besides lay@example.org, and gp-cancer-leads has none.
# email, display name, pseudonym, community slug
PEOPLE = [
    ("carol.hughes@example.org", "Carol Hughes", "Silver Birch", "chemo-day-unit"),
    ("daniel.evans@example.org", "Daniel Evans", None, "chemo-day-unit"),
    ("nia.roberts@example.org", "Nia Roberts", None, "chemo-day-unit"),
    ("keith.walker@example.org", "Keith Walker", None, "gp-cancer-leads"),
    ("grace.adeyemi@example.org", "Grace Adeyemi", "Morning Lark", "gp-cancer-leads"),
]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
EASIER = [
    "Free parking",
    "Transport to and from the unit",
    "Food and drinks",
    "A quiet space to rest",
    "Childcare",
]
FIRST_CALL = ["Yes, a lot", "Yes, a little", "No", "I am not sure"]

EVENINGS = {
    "title": "Opening the day unit on weekday evenings",
    "summary": "We plan to open the day unit on some weekday evenings. "
    "You could have your treatment after work or school. "
    "Tell us which evenings would suit you.",
    "problem": "Many of you told us that day visits are hard. Some people lose a day's pay. "
    "Some carers have to take time off work. In the morning the unit is very busy, "
    "and people can wait a long time.",
    "change": "The unit would stay open until 8:30pm on some weekdays. Treatments that take "
    "less than three hours could be given in the evening. A nurse in charge and a doctor "
    "would be there every evening. We want to start with the evenings that suit most people.",
    "affects": "People who have chemotherapy at the day unit, and the people who bring them.",
}
EVENINGS_QUESTIONS = [
    {
        "kind": TEXT,
        "prompt": "What do you think about having treatment in the evening?",
        "hint": "Tell us what would be good, and what would be hard.",
        "required": True,
    },
    {
        "kind": SCALE,
        "prompt": "How much would evening appointments help you?",
        "hint": "1 means not at all. 5 means a lot.",
    },
    {"kind": SINGLE, "prompt": "Which evening would suit you best?", "options": WEEKDAYS},
    {
        "kind": MULTIPLE,
        "prompt": "What would make an evening visit easier?",
        "hint": "Choose all that apply.",
        "options": EASIER,
    },
]

BLOOD_TESTS = {
    "title": "Moving blood tests to the day before treatment",
    "summary": "Now, you have a blood test on the morning of your treatment. Then you wait for "
    "the result. We want you to have the test the day before, so your treatment starts sooner.",
    "problem": "People wait up to two hours for their blood test result before treatment can "
    "start. The waiting room is very full in the morning.",
    "change": "You would have your blood test the day before, at the day unit or at your GP "
    "surgery. We would check the result that evening. Your medicine would be ready when "
    "you arrive.",
    "affects": "Everyone who has chemotherapy at the day unit.",
}
BLOOD_TESTS_QUESTIONS = [
    {
        "kind": TEXT,
        "prompt": "Could you get to a blood test the day before your treatment?",
        "hint": "Tell us where you would go, and anything that would make it hard.",
        "required": True,
    },
    {
        "kind": SINGLE,
        "prompt": "Where would you rather have the blood test?",
        "options": [
            "At the day unit",
            "At my GP surgery",
            "At a clinic near my home",
            "I do not mind",
        ],
    },
]

OVERNIGHT = {
    "title": "Letting partners stay overnight after the birth",
    "summary": "We want one partner or helper to be able to stay on the ward at night after "
    "the birth. Tell us what would help, and what might worry you.",
    "problem": "At the moment, partners must go home at 10pm. Many parents told us the first "
    "night alone with a new baby was hard and frightening.",
    "change": "One partner or helper could stay the night with each new parent. They would "
    "have a chair that folds down into a bed. There would be simple rules to keep the ward "
    "calm and safe, such as quiet after 11pm.",
    "affects": "Parents who stay on the ward after the birth, their partners, and the other "
    "parents on the ward.",
}
OVERNIGHT_QUESTIONS = [
    {
        "kind": SCALE,
        "prompt": "How important is it to you that a partner or helper can stay the night?",
        "hint": "1 means not important. 5 means very important.",
        "required": True,
    },
    {
        "kind": TEXT,
        "prompt": "Would anything worry you about other people's partners staying on the ward?",
        "hint": "For example, privacy when you feed your baby.",
    },
]

FIRST_DAY = {
    "title": "A phone call from a midwife on your first day at home",
    "summary": "We want a midwife to phone every new parent on their first day at home. "
    "They would check how you and your baby are. Tell us if this would help you.",
    "problem": "Some parents do not see a midwife for two or three days after they go home. "
    "They told us they had questions and did not know who to ask.",
    "change": "A midwife would phone you on your first day at home. The call would take about "
    "15 minutes. You could ask for a video call, or for an interpreter.",
    "affects": "Everyone who goes home from the maternity unit with a new baby.",
}
FIRST_DAY_QUESTIONS = [
    {
        "kind": SINGLE,
        "prompt": "Would a phone call on your first day at home help you?",
        "options": FIRST_CALL,
        "required": True,
    },
    {
        "kind": TEXT,
        "prompt": "What would you want to talk about on the call?",
        "hint": "For example, feeding, sleep, or how you are feeling.",
    },
]

AFTER_REFERRAL = {
    "title": "A phone call from your practice after an urgent cancer referral",
    "summary": "When your GP sends you for urgent tests, we want someone from the practice to "
    "phone you within two days. They would check that you know what happens next.",
    "problem": "Some people do not know that the hospital will phone them. They miss the call, "
    "or they wait and worry without knowing who to ask.",
    "change": "A member of the practice team would phone you within two working days of the "
    "referral. They would tell you what tests you may have, and who will contact you. They "
    "would check the hospital has your right phone number.",
    "affects": "Everyone whose GP makes an urgent suspected cancer referral, and their families.",
}
AFTER_REFERRAL_QUESTIONS = [
    {
        "kind": TEXT,
        "prompt": "What would you want to ask on this call?",
        "required": True,
    },
    {
        "kind": SCALE,
        "prompt": "How helpful would this call be to you?",
        "hint": "1 means not helpful. 5 means very helpful.",
    },
]

# Answers follow the order of the questions: (text, scale, [chosen options]).
# email, identity, quote consent, days ago sent, answers
EVENINGS_CONTRIBUTIONS = [
    (
        "aled.morgan@example.org",
        NAMED,
        True,
        4,
        [
            (
                "Evening visits would help me a lot. I work in a shop and I lose a day's pay "
                "every time I come in. My wife could drive me after her work.",
                None,
                [],
            ),
            ("I would not have to take a day off.", 5, []),
            ("", None, ["Tuesday"]),
            ("", None, ["Free parking", "Food and drinks"]),
        ],
    ),
    (
        "carol.hughes@example.org",
        PSEUDONYM,
        True,
        3,
        [
            (
                "I am not sure. I feel very tired after my treatment, and driving home in "
                "the dark would worry me. If there was transport, I would try it.",
                None,
                [],
            ),
            ("It depends on getting home safely.", 3, []),
            ("", None, ["Monday"]),
            ("", None, ["Transport to and from the unit", "A quiet space to rest"]),
        ],
    ),
    (
        "daniel.evans@example.org",
        ANONYMOUS,
        False,
        2,
        [
            (
                "I have two young children, so evenings are hard because of bedtime. "
                "A Friday could work if my mum can come round.",
                None,
                [],
            ),
            ("", 2, []),
            ("", None, ["Friday"]),
            ("", None, ["Childcare", "Free parking"]),
        ],
    ),
    (
        "nia.roberts@example.org",
        NAMED,
        False,
        3,
        [
            ("Yes please. Thursday would be best for me.", None, []),
            ("", 4, []),
            ("", None, ["Thursday"]),
            ("", None, ["Free parking"]),
        ],
    ),
]
# Aled changes his answers two days ago; Nia takes hers back yesterday.
EVENINGS_CHANGE = (
    "aled.morgan@example.org",
    2,
    [
        (
            "Evening visits would help me a lot. I work in a shop and I lose a day's pay "
            "every time I come in. My wife could drive me after her work. I have thought "
            "more about it: I would like to see the same nurses I know from the day.",
            None,
            [],
        ),
        ("I would not have to take a day off.", 5, []),
        ("", None, ["Wednesday"]),
        ("", None, ["Free parking", "Food and drinks", "A quiet space to rest"]),
    ],
)
EVENINGS_WITHDRAWN = ("nia.roberts@example.org", 1)

FIRST_DAY_CONTRIBUTIONS = [
    (
        LAY,
        NAMED,
        True,
        50,
        [
            ("", None, ["Yes, a lot"]),
            (
                "Feeding. I had no idea if my baby was getting enough milk. A call on the "
                "first day would have stopped me worrying all night.",
                None,
                [],
            ),
        ],
    ),
    (
        "fatima.begum@example.org",
        PSEUDONYM,
        False,
        41,
        [
            ("", None, ["Yes, a lot"]),
            (
                "Please offer an interpreter without me having to ask. My mother-in-law had "
                "to explain things for me, and I did not want her to hear everything.",
                None,
                [],
            ),
        ],
    ),
]

AFTER_REFERRAL_CONTRIBUTIONS: list[tuple[Any, ...]] = [
    (
        "keith.walker@example.org",
        NAMED,
        True,
        1,
        [
            (
                "When I was referred, nobody told me the hospital would ring from a hidden "
                "number. I missed two calls. A call from the practice to say this would have "
                "helped, and I would ask how long the tests take.",
                None,
                [],
            ),
            ("It would have saved me a week of worry.", 5, []),
        ],
    ),
]
# email, answers as the form would send them (by question order), identity
AFTER_REFERRAL_DRAFT = (
    "grace.adeyemi@example.org",
    [["I would want to know how long I might wait, and who to call if"], ["4"]],
    ANONYMOUS,
)


def load(echo):
    """Create whatever demo consultation data is missing. The caller commits.

    The services queue notifications (views received, join decisions). Only a request
    delivers them as it ends; outside one they wait for the outbox worker, and nothing
    commits part-way through the load.
    """
    echo("Demo consultations:")
    now = utcnow()
    users = {}

    def user(email):
        if users.get(email) is None:  # not kept while missing: _load_people creates some
            users[email] = find_by_email(email)
        return users[email]

    chemo = communities.get_by_slug("chemo-day-unit")
    maternity = communities.get_by_slug("maternity-voices")
    gp = communities.get_by_slug("gp-cancer-leads")
    _load_people(echo, user)
    professional, coordinator = user(PROFESSIONAL), user(COORDINATOR)

    evening_briefing = db.session.scalar(
        sa.select(Briefing.id).where(
            Briefing.community_id == chemo.id,
            Briefing.original_id.is_(None),
            Briefing.title == briefings_demo.EVENING_TITLE,
        )
    )
    evenings, created = _proposal(
        echo, professional, chemo, EVENINGS, EVENINGS_QUESTIONS, briefing_ids=[evening_briefing]
    )
    if created:
        _set_window(evenings, opens=_at(now, -5, 9), closes=_at(now, 16, 17))
        evenings.outcome_due_on = (now + timedelta(days=45)).date()
    added = _contribute(evenings, EVENINGS_CONTRIBUTIONS, user, now)
    _change_and_withdraw(evenings, user, now)

    _proposal(echo, professional, chemo, BLOOD_TESTS, BLOOD_TESTS_QUESTIONS)

    overnight, created = _proposal(echo, coordinator, maternity, OVERNIGHT, OVERNIGHT_QUESTIONS)
    if created:
        overnight.opens_at, overnight.closes_at = _at(now, 7, 9), _at(now, 30, 17)
        services.publish(coordinator, overnight)

    first_day, created = _proposal(echo, coordinator, maternity, FIRST_DAY, FIRST_DAY_QUESTIONS)
    if created:
        # Answered while open "now", then moved back to the window it really had.
        _set_window(first_day, opens=_at(now, -1, 9), closes=_at(now, 1, 17))
        added += _contribute(first_day, FIRST_DAY_CONTRIBUTIONS, user, now)
        _set_window(first_day, opens=_at(now, -60, 9), closes=_at(now, -20, 17))
        # Its history: it was extended once, as staff do from the proposal page.
        db.session.add(
            ProposalEvent(
                proposal_id=first_day.id,
                kind=EXTENDED,
                reason="Families asked for more time after the half-term holiday.",
                old_closes_at=_at(now, -27, 17),
                new_closes_at=first_day.closes_at,
                actor_id=coordinator.id,
                created_at=_at(now, -30, 10),
            )
        )

    referral, created = _proposal(echo, professional, gp, AFTER_REFERRAL, AFTER_REFERRAL_QUESTIONS)
    if created:
        _set_window(referral, opens=_at(now, -3, 9), closes=_at(now, 25, 17))
    added += _contribute(referral, AFTER_REFERRAL_CONTRIBUTIONS, user, now)
    echo(f"  {added} contributions added")

    email, values, identity = AFTER_REFERRAL_DRAFT
    if _draft_missing(user(email), referral):
        data = {f"q{q.id}": v for q, v in zip(services.questions(referral), values, strict=True)}
        data["identity"] = [identity]
        contributions.save_draft(user(email), referral, data)
        echo(f"  saved    draft answers for {email}")
    demo_review.load(
        echo,
        evenings=evenings,
        chemo=chemo,
        first_day=first_day,
        maternity=maternity,
        professional=professional,
        coordinator=coordinator,
    )
    db.session.flush()


def _draft_missing(author, proposal):
    """True while the proposal is open and the person has neither a draft nor sent answers."""
    return (
        proposal.status() == OPEN
        and contributions.get_draft(author, proposal) is None
        and _contribution_of(author, proposal) is None
    )


def _at(now, days, hour):
    """`days` from now (negative: ago), on the hour."""
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _load_people(echo, user):
    """The extra demo lay partners, active in their community (joined with the services)."""
    password_hash = user("admin@example.org").password_hash
    coordinator = user(COORDINATOR)
    for email, name, pseudonym, slug in PEOPLE:
        person = user(email)
        if person is None:
            person = User(
                email=email,
                display_name=name,
                pseudonym=pseudonym,
                password_hash=password_hash,
                email_verified_at=utcnow(),
            )
            db.session.add(person)
            db.session.flush()
            echo(f"  created  {email}")
        community = communities.get_by_slug(slug)
        if permissions.membership(person, community) is not None:
            continue
        membership = communities.join(
            person,
            community,
            consent=True,
            use_pseudonym=bool(pseudonym),
            requests_url=public_url("communities.requests", slug=slug),
        )
        if membership.status == PENDING:
            communities.decide_requests(coordinator, community, [membership.id], approve=True)
        echo(f"  joined   {email} to {community.name}")


def _proposal(echo, author, community, words, questions, briefing_ids=()):
    """The proposal with this title in `community`, created with its questions if missing."""
    proposal = db.session.scalar(
        sa.select(Proposal).where(
            Proposal.community_id == community.id, Proposal.title == words["title"]
        )
    )
    if proposal is not None:
        echo(f"  present  proposal: {proposal.title} ({proposal.status()})")
        return proposal, False
    proposal = services.create(author, community, briefing_ids=briefing_ids, **words)
    for question in questions:
        services.save_question(author, proposal, **dict(question))
    echo(f"  created  proposal: {proposal.title}")
    return proposal, True


def _set_window(proposal, *, opens, closes):
    """Publish with a window in the past, as `services.publish` would have done then."""
    community = proposal.community
    report = services.check(proposal)
    if report.above(community.target_reading_age):
        raise RuntimeError(f"Demo summary reads above the target: {proposal.title}")
    proposal.opens_at, proposal.closes_at = opens, closes
    proposal.published_at = proposal.announced_at = opens
    proposal.reading_age = report.reading_age
    db.session.flush()


def _contribution_of(user, proposal):
    """The person's online contribution, withdrawn or not."""
    return db.session.scalar(
        sa.select(Contribution).where(
            Contribution.proposal_id == proposal.id,
            Contribution.author_id == user.id,
            Contribution.source == ONLINE,
        )
    )


def _contribute(proposal, planned, user, now):
    if proposal.status() != OPEN:  # answers can only be added while it is open
        return 0
    questions = services.questions(proposal)
    added = 0
    for email, identity, quote_consent, days_ago, answers in planned:
        author = user(email)
        if _contribution_of(author, proposal) is not None:
            continue
        contribution, _new = contributions.submit(
            author,
            proposal,
            questions,
            key=f"demo-{proposal.id}-{author.id}",
            identity=identity,
            quote_consent=quote_consent,
            answers=_by_question(questions, answers),
        )
        sent = _at(now, -days_ago, 10 + 3 * added)  # in the day, one after another
        contribution.submitted_at = contribution.updated_at = sent
        added += 1
    db.session.flush()
    return added


def _by_question(questions, answers):
    return {q.id: answer for q, answer in zip(questions, answers, strict=True)}


def _change_and_withdraw(proposal, user, now):
    """Aled changes his answers once; Nia withdraws hers. Only while the proposal is open."""
    if proposal.status() != OPEN:
        return
    questions = services.questions(proposal)
    email, days_ago, answers = EVENINGS_CHANGE
    author = user(email)
    contribution = _contribution_of(author, proposal)
    has_history = db.session.scalar(
        sa.select(ContributionRevision.id).where(
            ContributionRevision.contribution_id == contribution.id
        )
    )
    if not has_history and not contribution.is_withdrawn:
        contributions.change(
            author,
            contribution,
            proposal,
            questions,
            identity=contribution.identity,
            quote_consent=contribution.quote_consent,
            answers=_by_question(questions, answers),
        )
        changed = _at(now, -days_ago, 20)
        contribution.updated_at = changed
        for revision in contributions.revisions(contribution):
            revision.created_at = changed

    email, days_ago = EVENINGS_WITHDRAWN
    author = user(email)
    contribution = _contribution_of(author, proposal)
    if not contribution.is_withdrawn:
        contributions.withdraw(author, contribution, proposal)
        contribution.withdrawn_at = _at(now, -days_ago, 12)
    db.session.flush()
