"""Demo impact: two consultations from earlier in the year, decided, with the service changes
they led to, the links that show which views shaped what, quotes, a community timeline and an
impact report. Every step looks first, so it runs twice safely.

The services date what they write today. What happened months ago is written with the services
(as it would have been then), then dated back: `_back_then` moves the dates of the rows a step
wrote, and the consultations' windows are set as in `portal/demo/consultations.py`.
"""

from contextlib import contextmanager
from datetime import date, timedelta

import sqlalchemy as sa

from .. import db
from ..accounts.services import find_by_email
from ..briefings.models import MEMBERS, PUBLIC
from ..communities import services as communities
from ..communities import timeline
from ..communities.timeline import TimelineEvent
from ..consultations import moderation, review
from ..consultations import services as consultations
from ..consultations.models import (
    ANONYMOUS,
    NAMED,
    PSEUDONYM,
    SCALE,
    TEXT,
    Contribution,
    Quote,
    ReviewEvent,
)
from ..db import utcnow
from ..impact import annual_report, events, influence, services
from ..impact.models import (
    ADAPTED,
    ADOPTED,
    APPROVED_WITH_CHANGES,
    IMPLEMENTED,
    IN_PROGRESS,
    INFORMED,
    NOT_ADOPTED,
    PLANNED,
    STOPPED,
    WORKED,
    ChangeStatusEntry,
    Influence,
    InfluenceRevision,
)
from . import consultations as consultations_demo

PROFESSIONAL, COORDINATOR, LAY = (
    consultations_demo.PROFESSIONAL,
    consultations_demo.COORDINATOR,
    consultations_demo.LAY,
)

FIRST_TREATMENT = {
    "title": "Getting ready for your first treatment",
    "summary": "We want to help you feel ready for your first day of chemotherapy. "
    "Tell us what you wish you had known before you came.",
    "problem": "Many people told us their first day was frightening. They did not know what "
    "the unit looked like, how long they would stay, or what to bring. The booklet we send "
    "is long and hard to read.",
    "change": "We could make a short film of the unit, write a one-page leaflet with pictures, "
    "and ask a nurse to phone you the week before. We want to know what would help most.",
    "affects": "Everyone starting chemotherapy at the day unit, and the people who come with them.",
}
FIRST_TREATMENT_QUESTIONS = [
    {
        "kind": TEXT,
        "prompt": "What do you wish you had known before your first treatment?",
        "hint": "For example, what the unit is like, how long it takes, or what to bring.",
        "required": True,
    },
    {
        "kind": SCALE,
        "prompt": "How ready did you feel for your first treatment?",
        "hint": "1 means not ready at all. 5 means fully ready.",
    },
]
# email, identity, quote consent, days ago sent, how ready (scale), what they wished (text).
# At most four a day: the consultations demo spaces one day's answers three hours apart.
FIRST_TREATMENT_CONTRIBUTIONS = [
    (LAY, NAMED, True, 295, 1, "Before my first treatment I had no idea what the unit looked "
     "like or how long I would be there. My husband Peter and I sat in the car park for an hour "
     "because I was scared to go in. A short film of the unit, and someone to ring me the week "
     "before, would have helped."),
    ("aled.morgan@example.org", NAMED, True, 295, 2, "Tell me how long the first visit takes. "
     "I told my boss at the shop I would be back by lunch, and I was there until five. I nearly "
     "lost my job over it."),
    ("carol.hughes@example.org", PSEUDONYM, True, 295, 2, "The booklet was 30 pages long. I "
     "could not take it in, I was too worried. One page with pictures would be better, and a "
     "list of what to bring."),
    ("daniel.evans@example.org", ANONYMOUS, False, 290, 3, "I wanted my children to see where "
     "I go, so they would worry less. They pictured a hospital ward full of beds."),
    ("nia.roberts@example.org", NAMED, False, 290, 3, "My first letter came only two days "
     "before the treatment. Please send it sooner, so I can sort out work and lifts."),
]  # fmt: skip
FORUM = (
    "At the patient forum, seven people said the first day was the most frightening. Three "
    "asked to visit the unit on a Saturday before their treatment starts. Two said the signs "
    "from the car park were confusing."
)

VISITING = {
    "title": "Visiting times on the postnatal ward",
    "summary": "We want to change visiting times on the postnatal ward. "
    "Tell us what works for you and your family, and what does not.",
    "problem": "Parents told us the ward is busy all day. Some could not rest. Others said the "
    "times are confusing, and that their other children could not visit when they wanted.",
    "change": "We could bring in a quiet hour each afternoon, make the times the same on every "
    "ward, and show them in more languages. We want to hear what would help before we decide.",
    "affects": "Parents on the postnatal ward, their partners and families, and ward staff.",
}
VISITING_QUESTIONS = [
    {
        "kind": TEXT,
        "prompt": "What would you change about visiting times?",
        "hint": "For example, times for children, or time to rest.",
        "required": True,
    },
    {
        "kind": SCALE,
        "prompt": "How well did the visiting times work for you?",
        "hint": "1 means not well at all. 5 means very well.",
    },
]
VISITING_CONTRIBUTIONS = [
    (LAY, NAMED, True, 195, 2, "My older daughter could only visit for an hour in the "
     "afternoon. She was upset that she could not see her new brother at bedtime. Please let "
     "brothers and sisters visit in the evening too."),
    ("fatima.begum@example.org", PSEUDONYM, False, 190, 2, "I needed to sleep in the "
     "afternoon, but there were visitors all the time, for every bed. Please have a quiet time "
     "when visitors wait outside."),
]  # fmt: skip
LETTER = (
    "The visiting times on the ward were not the same as the times on the website, and the "
    "sign was only in English. My husband's family could not read it. Please make the times "
    "the same everywhere, in more languages."
)

# Each proposal's decision: days ago, and the words.
DECISIONS = {
    FIRST_TREATMENT["title"]: (
        250,
        {
            "summary": "We will help people get ready for their first treatment in three ways: "
            "a film tour of the unit, a one-page leaflet with pictures, and a phone call from a "
            "nurse the week before. We will also make the signs from the car park clearer.",
            "reasons": "Most people told us the first day was frightening because they did not "
            "know what to expect. These changes answer what people asked for most, and the unit "
            "can pay for them. We could not open the unit on Saturdays for visits, because there "
            "are no staff at weekends.",
            "decided_by": "Chemotherapy day unit management meeting",
        },
    ),
    VISITING["title"]: (
        150,
        {
            "summary": "We will bring in a quiet rest hour every afternoon, and show visiting "
            "times in six languages on every ward. Children can still visit from 2pm to 5pm.",
            "reasons": "Parents asked for time to rest, and for times that are clear and the "
            "same everywhere. We kept children's visits to the afternoon, because evenings are "
            "busy with checks and feeds, and many parents asked for the ward to be calm at night.",
            "decided_by": "Maternity services governance group",
        },
    ),
}

# Service changes, parents before their parts. history: (days ago, status, progress, note);
# the first entry is the change being planned. milestones: (days from now, title).
CHANGES = [
    {
        "community": "chemo-day-unit",
        "decided": FIRST_TREATMENT["title"],
        "title": "Getting ready for your first treatment",
        "description": "Three changes so that people know what to expect before their first "
        "chemotherapy: a film tour, an easy-read leaflet and a phone call from a nurse.",
        "history": [
            (245, PLANNED, 0, "Agreed at the management meeting, in three parts."),
            (220, IN_PROGRESS, 0, "Work started on all three parts."),
        ],
        "milestones": [(60, "All three parts in place for every new patient")],
    },
    {
        "community": "chemo-day-unit",
        "decided": FIRST_TREATMENT["title"],
        "parent": "Getting ready for your first treatment",
        "weight": 2,
        "title": "A film tour of the day unit",
        "description": "A five-minute film that shows the unit, the chairs, the nurses and what "
        "happens on the day. The link is in every first appointment letter.",
        "history": [
            (245, PLANNED, 0, "Patients asked to see the unit before their first day."),
            (220, IN_PROGRESS, 30, "Two patients helped us write the script."),
            (190, IN_PROGRESS, 70, "Filming done on a quiet afternoon."),
            (160, IMPLEMENTED, 100, "The film is on the hospital website and in the letters."),
        ],
        "milestones": [(-215, "Script agreed with patients"), (-160, "Film on the website")],
        "evaluation": (
            40,
            WORKED,
            "We asked 48 people at their first visit. 39 had watched the film, and 35 of them "
            "said they felt less worried. Calls to the unit the day before a first treatment "
            "fell from about 12 a week to 5.",
            "The film helps most when it comes with the appointment letter. Some people have no "
            "internet, so we now show it in the waiting room and can post a DVD.",
        ),
    },
    {
        "community": "chemo-day-unit",
        "decided": FIRST_TREATMENT["title"],
        "parent": "Getting ready for your first treatment",
        "weight": 1,
        "title": "An easy-read leaflet for your first visit",
        "description": "One page with pictures: what happens on the day, how long it may take, "
        "and what to bring. It replaces the long booklet.",
        "evaluation_due": -10,
        "history": [
            (245, PLANNED, 0, "People said the booklet was too long to take in."),
            (
                200,
                IN_PROGRESS,
                50,
                "Five patients tested a first draft. They asked for bigger pictures.",
            ),
            (120, IMPLEMENTED, 100, "The leaflet is sent with every first appointment letter."),
        ],
        "milestones": [(-200, "Leaflet tested with patients"), (-125, "Leaflet printed")],
    },
    {
        "community": "chemo-day-unit",
        "decided": FIRST_TREATMENT["title"],
        "parent": "Getting ready for your first treatment",
        "weight": 2,
        "title": "A phone call from a nurse the week before your first treatment",
        "description": "A nurse phones you the week before to say what will happen, how long "
        "it may take, and to answer your questions.",
        "evaluation_due": 120,
        "history": [
            (245, PLANNED, 0, "Patients asked for someone to ring them before the first day."),
            (90, IN_PROGRESS, 20, "Nurses started calling new patients on Mondays and Tuesdays."),
            (30, IN_PROGRESS, 60, "The calls now reach about 6 in 10 new patients."),
        ],
        "milestones": [(-95, "Phone script tested"), (45, "A call for every new patient")],
    },
    {
        "community": "chemo-day-unit",
        "decided": FIRST_TREATMENT["title"],
        "title": "Clearer signs from the car park to the day unit",
        "description": "New signs from the main car park to the day unit, checked by patients "
        "before they go up.",
        "history": [
            (60, PLANNED, 0, "The estates team will design the signs with patients."),
        ],
        "milestones": [(30, "Sign designs checked by patients"), (90, "New signs up")],
    },
    {
        "community": "chemo-day-unit",
        "decided": FIRST_TREATMENT["title"],
        "title": "A welcome pack posted before your first treatment",
        "description": "A pack with a map, a parking permit and a notebook, posted with the "
        "first letter.",
        "history": [
            (245, PLANNED, 0, "Suggested by staff as well as patients."),
            (220, IN_PROGRESS, 20, "We designed the pack with the day unit team."),
            (
                150,
                STOPPED,
                20,
                "Posting the packs cost more than planned, and the film and "
                "leaflet now give the same information. We spent the money on the film instead.",
            ),
        ],
        "milestones": [(-210, "Pack designed")],
    },
    {
        "community": "maternity-voices",
        "decided": VISITING["title"],
        "title": "A quiet rest hour on the postnatal ward",
        "description": "From 1pm to 2pm every day, visitors wait in the day room so that "
        "parents and babies can rest.",
        "evaluation_due": 20,
        "history": [
            (145, PLANNED, 0, "Parents asked for time to rest in the afternoon."),
            (130, IN_PROGRESS, 50, "Trying it on Ward 3 first."),
            (100, IMPLEMENTED, 100, "The rest hour now runs on both postnatal wards."),
        ],
        "milestones": [(-130, "Trial on Ward 3"), (-100, "Rest hour on both wards")],
    },
    {
        "community": "maternity-voices",
        "decided": VISITING["title"],
        "title": "Visiting times shown in six languages",
        "description": "The same visiting times on every ward and on the website, on posters "
        "in English, Welsh, Arabic, Bengali, Polish and Urdu.",
        "history": [
            (145, PLANNED, 0, "One set of times, clear to every family."),
            (60, IN_PROGRESS, 40, "Translations done. The posters are being printed."),
        ],
        "milestones": [(15, "Posters on every ward")],
    },
    {
        "community": "maternity-voices",
        "decided": VISITING["title"],
        "visibility": MEMBERS,
        "title": "Midwives' handover moved outside the rest hour",
        "description": "The afternoon handover between midwives moves to 2pm, so the rest hour "
        "stays quiet. Shared with members while staff are asked.",
        "history": [
            (140, PLANNED, 0, "Staff side to be asked before the rota changes."),
            (120, IN_PROGRESS, 50, "Trying the new handover time on the day shift."),
        ],
        "milestones": [(30, "New rota agreed")],
    },
]

# (proposal title, theme or email of the contribution or key of the recorded views,
#  change title or None for the proposal's decision, effect, rationale)
THEMES = {
    FIRST_TREATMENT["title"]: {
        "Knowing what to expect": [LAY, "daniel.evans@example.org", "demo-first-treatment-forum"],
        "Planning the day": ["aled.morgan@example.org"],
        "Easy-read information": ["carol.hughes@example.org"],
        "Visiting before the first day": ["demo-first-treatment-forum"],
    },
    VISITING["title"]: {
        "Children visiting": [LAY],
        "Time to rest": ["fatima.begum@example.org"],
        "Clear visiting times": ["demo-visiting-letter"],
    },
}
LINKS = [
    (
        FIRST_TREATMENT["title"],
        "theme:Knowing what to expect",
        "Getting ready for your first treatment",
        INFORMED,
        "Most people said the first day was frightening because they did not know what to "
        "expect. All three parts of this change answer that.",
    ),
    (
        FIRST_TREATMENT["title"],
        "theme:Knowing what to expect",
        "A film tour of the day unit",
        ADOPTED,
        "People asked to see the unit before their first day. The film shows it.",
    ),
    (
        FIRST_TREATMENT["title"],
        LAY,
        "A phone call from a nurse the week before your first treatment",
        ADOPTED,
        "You asked for someone to ring you the week before. A nurse now does.",
    ),
    (
        FIRST_TREATMENT["title"],
        "theme:Planning the day",
        "A phone call from a nurse the week before your first treatment",
        ADAPTED,
        "The nurse tells you how long your first visit may take. We cannot promise a time to "
        "finish, because it depends on your blood test.",
    ),
    (
        FIRST_TREATMENT["title"],
        "theme:Easy-read information",
        "An easy-read leaflet for your first visit",
        ADOPTED,
        "People said the booklet was too long. The new leaflet is one page, with pictures.",
    ),
    (
        FIRST_TREATMENT["title"],
        "theme:Easy-read information",
        "A welcome pack posted before your first treatment",
        INFORMED,
        "People asked for a list of what to bring. We first tried to send it in a welcome pack.",
    ),
    (
        FIRST_TREATMENT["title"],
        "daniel.evans@example.org",
        "A film tour of the day unit",
        INFORMED,
        "We made the film so that families can watch it together at home.",
    ),
    (
        FIRST_TREATMENT["title"],
        "demo-first-treatment-forum",
        "Clearer signs from the car park to the day unit",
        INFORMED,
        "People at the forum said the signs from the car park were confusing.",
    ),
    (
        FIRST_TREATMENT["title"],
        "theme:Visiting before the first day",
        None,
        NOT_ADOPTED,
        "We could not open the unit on Saturdays for visits, because there are no staff at "
        "weekends. The film shows the unit instead, and you can ask to look round on a weekday "
        "afternoon.",
    ),
    (
        VISITING["title"],
        "theme:Children visiting",
        None,
        NOT_ADOPTED,
        "Children can still visit from 2pm to 5pm every day, weekends too. We did not add "
        "evening visits, because evenings are busy with checks and feeds, and many parents "
        "asked for the ward to be calm at night.",
    ),
    (
        VISITING["title"],
        "theme:Time to rest",
        "A quiet rest hour on the postnatal ward",
        ADOPTED,
        "Parents asked for time to rest. Visitors now wait outside from 1pm to 2pm.",
    ),
    (
        VISITING["title"],
        "theme:Time to rest",
        "Midwives' handover moved outside the rest hour",
        INFORMED,
        "The handover moved so that the rest hour stays quiet.",
    ),
    (
        VISITING["title"],
        "demo-visiting-letter",
        "Visiting times shown in six languages",
        ADOPTED,
        "The letter asked for the same times everywhere, in more languages.",
    ),
]
# Redacted extracts of views that shaped public changes, by authors who agreed to be quoted.
QUOTES = [
    (
        FIRST_TREATMENT["title"],
        LAY,
        "I had no idea what the unit looked like or how long I would be there. … A short film "
        "of the unit, and someone to ring me the week before, would have helped.",
    ),
    (
        FIRST_TREATMENT["title"],
        "aled.morgan@example.org",
        "Tell me how long the first visit takes. I told my boss I would be back by lunch, and "
        "I was there until five.",
    ),
    (
        FIRST_TREATMENT["title"],
        "carol.hughes@example.org",
        "The booklet was 30 pages long. I could not take it in. One page with pictures would "
        "be better.",
    ),
]

# Added by the coordinator: community slug, kind, days ago, public, title, detail.
EVENTS = [
    (
        "chemo-day-unit",
        timeline.MEETING,
        285,
        True,
        "Patient forum: your first day of treatment",
        "Seven patients and carers told the unit team what would have helped before their "
        "first treatment.",
    ),
    (
        "maternity-voices",
        timeline.MEETING,
        175,
        True,
        "Open meeting on visiting times",
        "Twelve parents and three midwives talked about visiting times on the postnatal ward.",
    ),
    (
        "chemo-day-unit",
        timeline.PRESENTATION,
        130,
        True,
        "Our film tour shown at the regional cancer conference",
        "Two patients from the group presented the film and how they made it with staff.",
    ),
    (
        "chemo-day-unit",
        timeline.AWARD,
        45,
        True,
        "Highly commended in the hospital's patient experience awards",
        "For the film tour and the easy-read leaflet, made with patients.",
    ),
    (
        "chemo-day-unit",
        timeline.MEETING,
        12,
        False,
        "Planning meeting for evening opening",
        "Members agreed how to read and group the views on opening in the evening.",
    ),
]

REPORT = {
    "aim": "To make chemotherapy visits shorter, calmer and easier to plan, by asking "
    "patients and carers what would help and acting on what they say.",
    "methods": "We asked people what would have helped before their first treatment, online "
    "and at a patient forum. Staff grouped the views into themes. The unit's management "
    "meeting decided what to do, and we linked each change to the views that shaped it. Two "
    "patients helped to write and present the film tour.",
    "results_positive": "People's views led to a film tour of the unit, an easy-read leaflet "
    "and a phone call from a nurse before the first treatment. After the film came in, fewer "
    "people phoned the unit worried the day before. The group was highly commended in the "
    "hospital's patient experience awards.",
    "results_negative": "We could not offer visits on Saturdays, because there are no staff at "
    "weekends. The welcome pack cost too much to post, so we stopped it. At first, people "
    "without the internet could not watch the film at home.",
    "discussion": "Asking people early, and telling them what happened to their views, made "
    "the changes better. The leaflet was much clearer once patients had tested it. The nurse "
    "phone call is taking longer to set up than we hoped, because we are short of nurses.",
    "reflections": "We need to hear from more people who do not use the internet, and from "
    "more carers. Next year we will hold some meetings in the evening and in community "
    "centres, and check every change with the people it is for.",
}


def load(echo):
    """Create whatever demo impact data is missing. The caller commits.

    Outcome notifications wait for the outbox worker, as in the consultations demo.
    """
    echo("Demo impact:")
    now = utcnow()
    professional, coordinator = find_by_email(PROFESSIONAL), find_by_email(COORDINATOR)
    chemo = communities.get_by_slug("chemo-day-unit")
    maternity = communities.get_by_slug("maternity-voices")
    first_treatment = _consultation(
        echo,
        professional,
        chemo,
        FIRST_TREATMENT,
        FIRST_TREATMENT_QUESTIONS,
        FIRST_TREATMENT_CONTRIBUTIONS,
        offline=("meeting", "demo-first-treatment-forum", FORUM, 7, 285),
        window=(300, 270),
        now=now,
    )
    visiting = _consultation(
        echo,
        coordinator,
        maternity,
        VISITING,
        VISITING_QUESTIONS,
        VISITING_CONTRIBUTIONS,
        offline=("letter", "demo-visiting-letter", LETTER, 1, 185),
        window=(200, 170),
        now=now,
    )
    proposals = {p.title: (p, c) for p, c in ((first_treatment, chemo), (visiting, maternity))}
    if all(services.decision_of(p) for p, _c in proposals.values()):
        echo("  present  decisions, service changes and influence links")
    else:
        _impact(echo, proposals, professional, coordinator, now)
    _events(echo, coordinator, now)
    _report(echo, chemo, coordinator)
    db.session.flush()


@contextmanager
def _back_then(when):
    """Date the rows that the services write inside the block `when`, not now."""
    dated = {
        TimelineEvent: {"occurred_at": when, "created_at": when},
        ChangeStatusEntry: {"occurred_on": when.date(), "created_at": when},
        Influence: {"created_at": when, "updated_at": when},
        InfluenceRevision: {"created_at": when},
        ReviewEvent: {"created_at": when},
        Quote: {"approved_at": when},
    }
    last = {model: db.session.scalar(sa.select(sa.func.max(model.id))) or 0 for model in dated}
    yield
    db.session.flush()
    for model, values in dated.items():
        db.session.execute(sa.update(model).where(model.id > last[model]).values(**values))


def _consultation(echo, author, community, words, questions, planned, *, offline, window, now):
    """A proposal that was open months ago, with views given online and recorded from elsewhere.

    Answered while open "now", then moved back to the window it really had.
    """
    proposal, created = consultations_demo._proposal(echo, author, community, words, questions)
    if not created:
        return proposal
    at = consultations_demo._at
    consultations_demo._set_window(proposal, opens=at(now, -1, 9), closes=at(now, 1, 17))
    for day in sorted({row[3] for row in planned}, reverse=True):
        same_day = [
            (email, identity, consent, days_ago, [(text, None, []), ("", scale, [])])
            for email, identity, consent, days_ago, scale, text in planned
            if days_ago == day
        ]
        consultations_demo._contribute(proposal, same_day, find_by_email, now)
    source, key, text, people, days_ago = offline
    first_question = consultations.questions(proposal)[0]
    recorded = moderation.record_offline(
        find_by_email(COORDINATOR),
        proposal,
        consultations.questions(proposal),
        source=source,
        source_date=(now - timedelta(days=days_ago)).date(),
        people_count=people,
        answers={first_question.id: (text, None, [])},
        key=key,
    )
    recorded.submitted_at = recorded.updated_at = at(now, -days_ago + 1, 11)
    opens, closes = window
    consultations_demo._set_window(proposal, opens=at(now, -opens, 9), closes=at(now, -closes, 17))
    timeline.record(
        community.id,
        timeline.PROPOSAL_OPENED,
        proposal.title,
        subject_id=proposal.id,
        occurred_at=proposal.opens_at,
        actor=author,
    )
    return proposal


def _source(proposal, name):
    """The contribution an entry names: by its author's email, or by its recorded views' key."""
    condition = (
        Contribution.idempotency_key == name
        if name.startswith("demo-")
        else Contribution.author_id == find_by_email(name).id
    )
    return db.session.scalar(
        sa.select(Contribution).where(Contribution.proposal_id == proposal.id, condition)
    )


def _impact(echo, proposals, professional, coordinator, now):
    """Themes, decisions, changes with their history, links and quotes, each on its day."""
    at = consultations_demo._at
    for title, (proposal, _community) in proposals.items():
        days_ago, words = DECISIONS[title]
        with _back_then(at(now, -days_ago - 10, 14)):
            for name, sources in THEMES[title].items():
                theme = review.theme_named(proposal, name)
                contributions = [_source(proposal, s) for s in sources]
                review.add_theme(professional, contributions, theme)
        decided = at(now, -days_ago, 16)
        with _back_then(decided):
            decision = services.record_decision(
                professional,
                proposal,
                decided_on=decided.date(),
                kind=APPROVED_WITH_CHANGES,
                owner_id=professional.id,
                target_on=decided.date() + timedelta(days=120),
                **words,
            )
        decision.created_at = decision.updated_at = proposal.decided_at = decided
    changes = {}
    for planned in CHANGES:
        changes[planned["title"]] = _change(planned, changes, proposals, professional, now)
    for title, source, target, effect, rationale in LINKS:
        proposal, community = proposals[title]
        days_ago = DECISIONS[title][0]
        kind, _, name = source.partition(":")
        with _back_then(at(now, -days_ago + 5, 17)):
            influence.link(
                professional,
                proposal,
                target=f"change:{changes[target].id}"
                if target
                else f"decision:{services.decision_of(proposal).id}",
                effect=effect,
                rationale=rationale,
                theme=review.theme_named(proposal, name) if kind == "theme" else None,
                contributions=[] if kind == "theme" else [_source(proposal, source)],
            )
    for title, source, text in QUOTES:
        proposal, community = proposals[title]
        with _back_then(at(now, -DECISIONS[title][0] + 20, 10)):
            moderation.approve_quote(coordinator, _source(proposal, source), text)
    echo(
        f"  created  {len(DECISIONS)} decisions, {len(changes)} service changes, "
        f"{len(LINKS)} influence links and {len(QUOTES)} quotes"
    )


def _change(planned, changes, proposals, actor, now):
    """A service change carrying out a decision, with its dated history, milestones and
    evaluation."""
    at = consultations_demo._at
    proposal, community = proposals[planned["decided"]]
    history = planned["history"]
    days_ago, _status, _progress, note = history[0]
    parent = changes.get(planned.get("parent"))
    due = planned.get("evaluation_due")
    with _back_then(at(now, -days_ago, 15)):
        change = services.create_change(
            actor,
            community,
            decision_ids=[services.decision_of(proposal).id],
            note=note,
            title=planned["title"],
            description=planned["description"],
            service_area=community.service_area,
            visibility=planned.get("visibility", PUBLIC),
            parent_id=parent.id if parent else None,
            weight=planned.get("weight"),
            evaluation_due=date.today() + timedelta(days=due) if due is not None else None,
            owner_id=actor.id,
            starts_on=at(now, -days_ago, 15).date(),
            target_on=at(now, -days_ago, 15).date() + timedelta(days=90),
        )
    change.created_at = change.updated_at = at(now, -days_ago, 15)
    change.status_on = change.created_at.date()
    for days_ago, status, progress, note in history[1:]:
        when = at(now, -days_ago, 15)
        with _back_then(when):
            services.move_change(
                actor,
                change,
                status=status,
                note=note,
                progress=progress,
                occurred_on=when.date(),
            )
        change.updated_at = when
    for days, title in planned.get("milestones", []):
        services.add_milestone(
            actor, change, due_on=date.today() + timedelta(days=days), title=title
        )
    if "evaluation" in planned:
        days_ago, worked, measured, learned = planned["evaluation"]
        when = at(now, -days_ago, 15)
        with _back_then(when):
            evaluation = services.record_evaluation(
                actor, change, worked=worked, measured=measured, learned=learned
            )
        evaluation.recorded_on = change.status_on = when.date()
        evaluation.updated_at = change.updated_at = when
    db.session.flush()
    return change


def _events(echo, coordinator, now):
    """What the coordinator added to the timelines: meetings, a presentation and an award."""
    added = 0
    for slug, kind, days_ago, public, title, detail in EVENTS:
        community = communities.get_by_slug(slug)
        exists = db.session.scalar(
            sa.select(TimelineEvent.id).where(
                TimelineEvent.community_id == community.id,
                TimelineEvent.kind == kind,
                TimelineEvent.title == title,
            )
        )
        if exists is not None:
            continue
        events.new_event(
            coordinator,
            community,
            kind=kind,
            title=title,
            detail=detail,
            occurred_on=(now - timedelta(days=days_ago)).date(),
            public=public,
        )
        added += 1
    db.session.flush()
    echo(f"  {added} timeline events added")


def _report(echo, community, coordinator):
    """The coordinator's account of this year's impact (GRIPP2 short form)."""
    year = date.today().year
    if annual_report.narrative_of(community, year) is not None:
        echo(f"  present  impact report for {year}")
        return
    annual_report.save_narrative(coordinator, community, year, **REPORT)
    echo(f"  created  impact report for {year}")
