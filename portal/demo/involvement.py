"""Demo involvement: a year of activities across the communities, paid at example rates that
changed once, with payments in every state, expense claims, training records and consented
equality answers. Every step looks first, so it runs twice safely.

Everything is written with the services, acting as the demo admin, coordinator or lay
partner, as it would have happened then; the services date what they write today, so
`_back_then` moves the rows a step wrote to the day it really happened.

The extra lay partners below are made up for the demo. They give meetings six people and the
community health dashboard groups of five or more; they are not real people.
"""

import io
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from .. import db, outbox, permissions
from ..accounts.models import User
from ..accounts.services import find_by_email
from ..communities import services as communities
from ..communities.models import ACTIVE, PENDING, ConsentRecord, Membership, MembershipEvent
from ..consultations.models import Proposal
from ..db import utcnow
from ..involvement import equality, expenses, services
from ..involvement.models import (
    CANNOT_BE_PAID,
    DECLINE,
    DOCUMENT_REVIEW,
    EVENT,
    HALF_DAY,
    INTERVIEW_PANEL,
    MEETING,
    OFFERED,
    OTHER,
    PAID,
    PER_HOUR,
    PER_TASK,
    PREFER_NOT_TO_SAY,
    TRAINING,
    VOUCHER,
    WORKSHOP,
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
    PaymentPreference,
    PaymentRate,
)
from ..links import public_url

ADMIN, COORDINATOR = "admin@example.org", "coordinator@example.org"
CHEMO, MATERNITY, CRISIS = "chemo-day-unit", "maternity-voices", "mental-health-crisis"
DIABETES, GP = "childrens-diabetes", "gp-cancer-leads"

# Made-up demo lay partners (not real people): email, display name.
DEMO_PEOPLE = {
    "helen": ("helen.carter@example.org", "Helen Carter"),
    "david": ("david.osei@example.org", "David Osei"),
    "linda": ("linda.brooks@example.org", "Linda Brooks"),
    "brian": ("brian.hall@example.org", "Brian Hall"),
    "rhys": ("rhys.davies@example.org", "Rhys Davies"),
    "chloe": ("chloe.bennett@example.org", "Chloe Bennett"),
    "ayesha": ("ayesha.khan@example.org", "Ayesha Khan"),
    "mohammed": ("mohammed.iqbal@example.org", "Mohammed Iqbal"),
    "sarah": ("sarah.lloyd@example.org", "Sarah Lloyd"),
    "piotr": ("piotr.nowak@example.org", "Piotr Nowak"),
}
# Lay partners the other demo modules made.
KNOWN_PEOPLE = {
    "margaret": "lay@example.org",
    "aled": "aled.morgan@example.org",
    "carol": "carol.hughes@example.org",
    "daniel": "daniel.evans@example.org",
    "nia": "nia.roberts@example.org",
    "fatima": "fatima.begum@example.org",
    "samir": "samir.haddad@example.org",
    "ruth": "ruth.okafor@example.org",
    "keith": "keith.walker@example.org",
    "grace": "grace.adeyemi@example.org",
}

# When each person joined each community, in days ago. Memberships made later than this
# by the other demo modules are dated back, so nobody takes part before they joined.
JOINED = {
    "margaret": {CHEMO: 420, MATERNITY: 410},
    "aled": {CHEMO: 400},
    "carol": {CHEMO: 390},
    "daniel": {CHEMO: 390},
    "nia": {CHEMO: 380},
    "fatima": {MATERNITY: 400},
    "samir": {CRISIS: 420},
    "ruth": {DIABETES: 400},
    "keith": {GP: 390},
    "grace": {GP: 380},
    "helen": {CHEMO: 370, GP: 360},
    "david": {CHEMO: 365, CRISIS: 365},
    "linda": {CHEMO: 360, MATERNITY: 300},
    "brian": {CHEMO: 370, CRISIS: 370},
    "rhys": {CRISIS: 368},
    "chloe": {MATERNITY: 355, DIABETES: 340},
    "ayesha": {MATERNITY: 280, DIABETES: 280},
    "mohammed": {CHEMO: 250, CRISIS: 265},
    "sarah": {CHEMO: 200, MATERNITY: 200},
    "piotr": {CHEMO: 150, CRISIS: 150},
}
# Who left, and when (days ago), after taking part for most of the year.
LEFT = {("brian", CRISIS): 60}

RATE_NOTE = "Example rate only: each organisation sets its own rates."
# kind, unit, amount. The meeting rate went up once during the year (see `_rates`).
RATES = [
    (MEETING, PER_HOUR, "25.00"),
    (DOCUMENT_REVIEW, PER_TASK, "40.00"),
    (INTERVIEW_PANEL, HALF_DAY, "75.00"),
    (WORKSHOP, HALF_DAY, "75.00"),
    (TRAINING, HALF_DAY, "50.00"),
    (EVENT, PER_HOUR, "20.00"),
    (OTHER, PER_HOUR, "20.00"),
]
NEW_MEETING_RATE = (
    "30.00",
    "Example rate only: each organisation sets its own rates. Meetings now pay £30 an hour, "
    "up from £25, after lay partners told us the old rate did not cover their time.",
)

PAID_BY_ONE = {"margaret": PAID, "aled": PAID, "linda": PAID, "fatima": PAID, "ruth": PAID}
PREFERENCES = {
    **PAID_BY_ONE,
    "carol": VOUCHER,
    "chloe": VOUCHER,
    "daniel": DECLINE,  # takes part as a volunteer
    "helen": CANNOT_BE_PAID,  # works for the council, a public-sector employer
    "samir": CANNOT_BE_PAID,  # protecting his benefits
}

NOT_SAID = PREFER_NOT_TO_SAY
# Consented equality answers: age band, gender, ethnic group, disability, carer.
# Aled, Keith and Joan chose not to answer.
EQUALITY = {
    "margaret": ("65_74", "woman", "white", "yes", "yes"),
    "carol": ("55_64", "woman", "white", "no", "yes"),
    "daniel": ("35_44", "man", "white", "no", "yes"),
    "nia": ("45_54", "woman", "white", "no", "no"),
    "helen": ("55_64", "woman", "white", "yes", "no"),
    "david": ("45_54", "man", "black", "no", "no"),
    "linda": ("65_74", "woman", "white", "yes", "yes"),
    "mohammed": ("35_44", "man", "asian", NOT_SAID, "no"),
    "sarah": ("25_34", "woman", "white", "no", "yes"),
    "piotr": ("45_54", "man", "white", "no", "no"),
    "brian": (NOT_SAID, NOT_SAID, NOT_SAID, NOT_SAID, NOT_SAID),
    "fatima": ("25_34", "woman", "asian", "no", "no"),
    "samir": ("35_44", "man", "other", "yes", "no"),
    "ruth": ("35_44", "woman", "black", "no", "yes"),
    "grace": ("45_54", "woman", "black", "no", "no"),
    "chloe": ("25_34", "woman", "white", "no", "yes"),
    "ayesha": ("35_44", "woman", "asian", NOT_SAID, "yes"),
    "rhys": ("25_34", "man", "white", "yes", "no"),
}

FIRST_TREATMENT = "Getting ready for your first treatment"
VISITING = "Visiting times on the postnatal ward"
EVENINGS = "Opening the day unit on weekday evenings"
OVERNIGHT = "Letting partners stay overnight after the birth"
AFTER_REFERRAL = "A phone call from your practice after an urgent cancer referral"

# days ago, community, kind, minutes (preparation and travel included), title, who took part,
# (for training) who was offered it but did not come, the proposal it was about, notes.
ACTIVITIES = [
    (358, CHEMO, MEETING, 150, "Group meeting: our aims for the year",
     ["margaret", "aled", "carol", "daniel", "nia", "brian"], [], None,
     "We agreed three aims: shorter waits on the day, clearer letters, and a calmer first "
     "visit. Papers were sent a week before."),
    (350, MATERNITY, MEETING, 120, "Maternity voices meeting: what families told us this year",
     ["margaret", "fatima", "chloe"], [], None, ""),
    (345, CRISIS, MEETING, 120, "Crisis team meeting: reaching the crisis line",
     ["samir", "david", "brian", "rhys"], [], None,
     "A BSL interpreter was booked for Samir."),
    (335, CHEMO, TRAINING, 120, "Welcome to being a lay partner",
     ["helen", "david", "linda", "brian"], ["aled", "nia"], None,
     "What the group does, how meetings work, and how we pay for your time."),
    (328, DIABETES, DOCUMENT_REVIEW, 90, "Review of the letter sent to new families",
     ["ruth", "chloe"], [], None, ""),
    (318, CHEMO, DOCUMENT_REVIEW, 120, "Review of the chemotherapy side effects leaflet",
     ["carol", "nia", "linda"], [], None, ""),
    (310, GP, MEETING, 120, "GP leads meeting: waiting for test results",
     ["keith", "grace", "helen"], [], None, ""),
    (300, CRISIS, DOCUMENT_REVIEW, 90, "Review of the crisis line's text messages",
     ["samir", "rhys", "david"], [], None, ""),
    (285, CHEMO, MEETING, 180, "Patient forum: your first day of treatment",
     ["margaret", "aled", "carol", "daniel", "nia", "helen"], [], FIRST_TREATMENT,
     "Seven patients and carers told the unit team what would have helped before their "
     "first treatment."),
    (280, MATERNITY, WORKSHOP, 180, "Workshop: planning the maternity survey",
     ["margaret", "fatima", "linda", "chloe", "ayesha"], [], None, ""),
    (272, CHEMO, MEETING, 150, "Group meeting: waiting times on the day",
     ["margaret", "aled", "daniel", "helen", "david", "linda"], [], None, ""),
    (262, CRISIS, MEETING, 120, "Crisis team meeting: the first 24 hours",
     ["samir", "david", "brian", "rhys", "mohammed"], [], None, ""),
    (255, DIABETES, MEETING, 90, "Families' evening: clinic times",
     ["ruth", "chloe", "ayesha"], [], None, "Held at 6pm so that parents could come after work."),
    (240, CHEMO, WORKSHOP, 180, "Workshop: writing the easy-read leaflet",
     ["margaret", "carol", "nia", "linda", "mohammed"], [], FIRST_TREATMENT, ""),
    (232, GP, DOCUMENT_REVIEW, 60, "Review of the urgent referral leaflet",
     ["keith", "grace"], [], None, ""),
    (225, MATERNITY, EVENT, 240, "Stand at the hospital's maternity open day",
     ["fatima", "chloe", "ayesha", "linda"], [], None, ""),
    (215, CHEMO, EVENT, 180, "Writing the script for the film tour",
     ["margaret", "carol"], [], FIRST_TREATMENT, ""),
    (210, CHEMO, TRAINING, 150, "Chairing and speaking up in meetings",
     ["margaret", "carol", "daniel"], ["helen", "mohammed", "nia"], None, ""),
    (200, DIABETES, DOCUMENT_REVIEW, 60, "Review of the hypo action plan for schools",
     ["ruth", "chloe"], [], None, ""),
    (190, CHEMO, MEETING, 150, "Group meeting: the nurse phone call",
     ["margaret", "aled", "carol", "daniel", "mohammed", "sarah"], [], None, ""),
    (182, DIABETES, DOCUMENT_REVIEW, 60, "Review of the insulin pump information sheet",
     ["ruth", "ayesha"], [], None, ""),
    (178, CRISIS, TRAINING, 180, "Training for interview panels",
     ["samir", "rhys", "david"], ["mohammed"], None,
     "Fair questions, scoring, and keeping what candidates say private."),
    (175, MATERNITY, MEETING, 150, "Open meeting on visiting times",
     ["margaret", "fatima", "linda", "chloe", "ayesha", "sarah"], [], VISITING,
     "Twelve parents and three midwives talked about visiting times on the postnatal ward."),
    (170, CRISIS, INTERVIEW_PANEL, 240, "Interview panel: crisis team manager",
     ["samir", "rhys", "david"], [], None, ""),
    (160, CHEMO, INTERVIEW_PANEL, 300, "Interview panel: lead cancer nurse specialist",
     ["margaret", "helen", "david"], [], None, ""),
    (152, GP, MEETING, 120, "GP leads meeting: safety-netting after referral",
     ["keith", "grace", "helen"], [], None, ""),
    (145, MATERNITY, DOCUMENT_REVIEW, 90, "Review of the postnatal discharge booklet",
     ["fatima", "linda", "sarah"], [], None, ""),
    (138, CRISIS, MEETING, 120, "Crisis team meeting: the crisis café",
     ["samir", "david", "brian", "rhys", "mohammed", "piotr"], [], None, ""),
    (130, CHEMO, EVENT, 240, "Presenting our film tour at the regional cancer conference",
     ["margaret", "carol"], [], FIRST_TREATMENT, ""),
    (125, CHEMO, MEETING, 150, "Group meeting: results of the film tour",
     ["aled", "carol", "daniel", "nia", "sarah", "piotr"], [], None, ""),
    (118, DIABETES, WORKSHOP, 180, "Workshop: a clinic day that works for teenagers",
     ["ruth", "chloe", "ayesha"], [], None, ""),
    (110, MATERNITY, MEETING, 120, "Maternity voices meeting: the rest hour trial on Ward 3",
     ["margaret", "fatima", "linda", "chloe", "ayesha", "sarah"], [], VISITING, ""),
    (100, CHEMO, DOCUMENT_REVIEW, 120, "Review of the nurse phone call script",
     ["carol", "helen", "linda", "piotr"], [], None, ""),
    (95, MATERNITY, TRAINING, 120, "Reading and commenting on NHS papers",
     ["margaret", "fatima", "chloe"], ["ayesha", "linda", "sarah"], None, ""),
    (88, CRISIS, DOCUMENT_REVIEW, 90, "Review of the crisis plan template",
     ["samir", "rhys", "piotr"], [], None, ""),
    (80, CHEMO, MEETING, 150, "Group meeting: planning for the winter",
     ["margaret", "aled", "daniel", "helen", "david", "mohammed"], [], None, ""),
    (74, GP, WORKSHOP, 180, "Workshop: what to say when you refer someone urgently",
     ["keith", "grace", "helen"], [], None, ""),
    (68, CRISIS, MEETING, 120, "Crisis team meeting: follow-up calls after a crisis",
     ["samir", "david", "brian", "rhys", "mohammed", "piotr"], [], None, ""),
    (65, CHEMO, EVENT, 120, "Carers' coffee morning at the day unit",
     ["carol", "daniel", "linda", "helen"], [], None, ""),
    (60, MATERNITY, EVENT, 180, "Walk-round of the postnatal ward with the ward manager",
     ["fatima", "chloe", "sarah", "linda"], [], None, ""),
    (54, CHEMO, TRAINING, 90, "Data protection and confidentiality",
     ["margaret", "aled", "nia", "sarah", "piotr"], ["carol", "daniel", "helen", "linda"],
     None, ""),
    (48, CHEMO, MEETING, 150, "Group meeting: signs from the car park",
     ["margaret", "aled", "carol", "nia", "linda", "piotr"], [], None, ""),
    (45, DIABETES, MEETING, 90, "Families' evening: moving to the adult clinic",
     ["ruth", "chloe", "ayesha"], [], None, ""),
    (40, CRISIS, MEETING, 120, "Crisis team meeting: the new leaflet",
     ["samir", "david", "rhys", "mohammed", "piotr"], [], None, ""),
    (35, MATERNITY, MEETING, 120, "Maternity voices meeting: overnight stays for partners",
     ["margaret", "fatima", "linda", "chloe", "ayesha", "sarah"], [], OVERNIGHT, ""),
    (30, CHEMO, DOCUMENT_REVIEW, 90, "Review of the evening clinic proposal",
     ["carol", "daniel", "helen", "mohammed"], [], EVENINGS, ""),
    (24, GP, MEETING, 120, "GP leads meeting: the phone call after referral",
     ["keith", "grace", "helen"], [], AFTER_REFERRAL, ""),
    (20, CRISIS, WORKSHOP, 180, "Workshop: designing the crisis café evenings",
     ["samir", "rhys", "david", "piotr"], [], None, ""),
    (16, MATERNITY, DOCUMENT_REVIEW, 60, "Review of the visiting times posters",
     ["fatima", "ayesha", "sarah"], [], VISITING, ""),
    (12, CHEMO, MEETING, 150, "Planning meeting for evening opening",
     ["margaret", "aled", "carol", "daniel", "nia", "sarah"], [], EVENINGS,
     "Members agreed how to read and group the views on opening in the evening."),
    (6, CRISIS, MEETING, 120, "Crisis team meeting: a year of changes",
     ["samir", "david", "rhys", "mohammed", "piotr"], [], None, ""),
    (4, MATERNITY, WORKSHOP, 180, "Workshop: trying out overnight stays for partners",
     ["margaret", "fatima", "linda", "chloe", "ayesha", "sarah"], [], OVERNIGHT, ""),
]  # fmt: skip
# Payments told apart from the rest: (activity title, person) who turned down the payment.
DECLINED_AT_THE_TIME = {("Walk-round of the postnatal ward with the ward manager", "sarah")}
# How far each payment got, by the age of its activity in days: paid after 45 days,
# approved after 25, accepted after 10, else still offered.
PAID_AFTER, APPROVED_AFTER, ACCEPTED_AFTER = 45, 25, 10

# who, community, category, amount, days ago spent, what for, activity title,
# receipt (file name, lines) or None, decision, paid.
# A decision: None (waiting), ("approve",), ("part", amount, reason) or ("reject", reason).
CLAIMS = [
    ("margaret", CHEMO, "travel", "18.40", 48,
     "Return train ticket to the hospital for the group meeting.",
     "Group meeting: signs from the car park",
     ("train-ticket.pdf", ["Return ticket", "Amount GBP 18.40"]), ("approve",), True),
    ("margaret", MATERNITY, "travel", "18.40", 175,
     "Return train ticket for the open meeting on visiting times.",
     "Open meeting on visiting times", None, ("approve",), True),
    ("margaret", CHEMO, "travel", "18.40", 12,
     "Return train ticket for the planning meeting.",
     "Planning meeting for evening opening", None, ("approve",), False),
    ("margaret", CHEMO, "carer_cover", "60.00", 12,
     "A carer stayed with my husband while I was at the planning meeting: 4 hours at £15 "
     "an hour.",
     "Planning meeting for evening opening",
     ("carer-invoice.pdf", ["Home care visit, 4 hours", "Amount GBP 60.00"]),
     ("part", "45.00",
      "We pay carer cover for the time of the meeting and your travel. The meeting and "
      "travel took 3 hours, so we have paid 3 hours at £15 an hour."), False),
    ("aled", CHEMO, "travel", "12.60", 80,
     "Parking at the hospital for the group meeting.",
     "Group meeting: planning for the winter", None,
     ("reject",
      "Parking is free for lay partners on meeting days. Show your meeting letter at the "
      "barrier, or ask us for a parking permit before the next meeting."), False),
    ("fatima", MATERNITY, "childcare", "30.00", 175,
     "A childminder for my two children during the open meeting on visiting times.",
     "Open meeting on visiting times",
     ("childminder-receipt.pdf", ["Childminding, 3 hours", "Amount GBP 30.00"]),
     ("approve",), True),
    ("linda", CHEMO, "other", "8.50", 100,
     "Printing the phone call script so that I could read it on paper.",
     "Review of the nurse phone call script", None, ("approve",), True),
    ("chloe", MATERNITY, "childcare", "40.00", 60,
     "Nursery fees for the afternoon of the ward walk-round.",
     "Walk-round of the postnatal ward with the ward manager", None,
     ("part", "30.00",
      "We pay childcare for the time of the activity and your travel, which was 3 hours. "
      "The nursery charged for a whole afternoon of 4 hours."), True),
    ("samir", CRISIS, "travel", "9.80", 40,
     "Bus fares to and from the crisis team meeting.",
     "Crisis team meeting: the new leaflet", None, ("approve",), False),
    ("david", CHEMO, "travel", "14.00", 160,
     "A taxi home after the interview panel, because the last bus had gone.",
     "Interview panel: lead cancer nurse specialist",
     ("taxi-receipt.pdf", ["Taxi fare", "Amount GBP 14.00"]), ("approve",), True),
    ("rhys", CRISIS, "other", "25.00", 170,
     "Lunch on the day of the interview panel.",
     "Interview panel: crisis team manager", None,
     ("reject",
      "Lunch was provided for the panel on the day, so we cannot pay for food bought "
      "elsewhere."), False),
    ("keith", GP, "travel", "16.20", 24,
     "Mileage to the GP leads meeting: 36 miles at 45p a mile.",
     "GP leads meeting: the phone call after referral", None, None, False),
    ("sarah", MATERNITY, "travel", "6.40", 4,
     "Bus fares to the workshop on overnight stays.",
     "Workshop: trying out overnight stays for partners", None, None, False),
]  # fmt: skip


def load(echo):
    """Create whatever demo involvement data is missing. The caller commits.

    The notifications of the past are marked sent (`_back_then`).
    """
    echo("Demo involvement:")
    now = utcnow()
    people = _people(echo, now)
    _rates(echo, find_by_email(ADMIN), date.today())
    _preferences(people, now)
    _equality(people, now)
    coordinator = find_by_email(COORDINATOR)
    activities = _activities(echo, coordinator, people, now)
    _leavers(people, now)
    _claims(echo, coordinator, people, activities, now)
    db.session.flush()


def _at(now, days_ago, hour):
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _day(now, days_ago):
    return (now - timedelta(days=days_ago)).date()


# What each kind of row a service writes is dated by.
DATED = {
    Membership: ("created_at", "status_changed_at"),
    MembershipEvent: ("created_at",),
    ConsentRecord: ("accepted_at",),
    InvolvementActivity: ("created_at", "updated_at"),
    Participation: ("created_at",),
    Payment: ("created_at", "updated_at"),
    ExpenseClaim: ("submitted_at",),
}
JOINING = (Membership, MembershipEvent, ConsentRecord)


@contextmanager
def _back_then(when, *models):
    """Date the rows of `models` that the services write inside the block `when`, not now.

    Notifications are always dated; as those of the past were delivered then, pending ones
    are marked sent.
    """
    message = outbox.OutboxMessage
    last = {
        model: db.session.scalar(sa.select(sa.func.max(model.id))) or 0
        for model in (*models, message)
    }
    yield
    db.session.flush()
    for model in models:
        values = dict.fromkeys(DATED[model], when)
        db.session.execute(sa.update(model).where(model.id > last[model]).values(**values))
    db.session.execute(
        sa.update(message)
        .where(message.id > last[message])
        .values(created_at=when, next_attempt_at=when)
    )
    db.session.execute(
        sa.update(message)
        .where(message.id > last[message], message.status == outbox.PENDING)
        .values(status=outbox.SENT, sent_at=when, attempts=1)
    )


def _people(echo, now):
    """Everyone who takes part, by their short name: the demo people made if missing, joined
    to their communities on the day they joined."""
    password_hash = find_by_email(ADMIN).password_hash
    people = {key: find_by_email(email) for key, email in KNOWN_PEOPLE.items()}
    for key, (email, name) in DEMO_PEOPLE.items():
        person = find_by_email(email)
        if person is None:
            registered = _at(now, max(JOINED[key].values()) + 1, 9)
            person = User(
                email=email,
                display_name=name,
                password_hash=password_hash,
                email_verified_at=registered,
                created_at=registered,
                password_changed_at=registered,
            )
            db.session.add(person)
            db.session.flush()
            echo(f"  created  demo lay partner {email}")
        people[key] = person
    coordinator = find_by_email(COORDINATOR)
    for key, joined in JOINED.items():
        for slug, days_ago in joined.items():
            community = communities.get_by_slug(slug)
            when = _at(now, days_ago, 10)
            membership = permissions.membership(people[key], community)
            if membership is None:
                with _back_then(when, *JOINING):
                    membership = communities.join(
                        people[key],
                        community,
                        consent=True,
                        requests_url=public_url("communities.requests", slug=slug),
                    )
                    if membership.status == PENDING:
                        communities.decide_requests(
                            coordinator, community, [membership.id], approve=True
                        )
            elif membership.status == ACTIVE and membership.created_at > when:
                _joined_then(membership, when)
    db.session.flush()
    return people


def _joined_then(membership, when):
    """Date back a membership the other demo modules made today to the day the person joined."""
    membership.created_at = membership.status_changed_at = when
    db.session.execute(
        sa.update(MembershipEvent)
        .where(MembershipEvent.membership_id == membership.id)
        .values(created_at=when)
    )
    db.session.execute(
        sa.update(ConsentRecord)
        .where(
            ConsentRecord.user_id == membership.user_id,
            ConsentRecord.community_id == membership.community_id,
        )
        .values(accepted_at=when)
    )


def _leavers(people, now):
    """People who left a community part-way through the year."""
    for (key, slug), days_ago in LEFT.items():
        community = communities.get_by_slug(slug)
        membership = permissions.membership(people[key], community)
        if membership is None or membership.status != ACTIVE:
            continue
        when = _at(now, days_ago, 18)
        with _back_then(when, MembershipEvent):
            communities.leave(people[key], community)
        membership.status_changed_at = when


def _first_of_month(day, months_back):
    month = day.year * 12 + day.month - 1 - months_back
    return date(month // 12, month % 12 + 1, 1)


def _rates(echo, admin, today):
    """Example rates from before the first activity; meetings went up six months ago."""
    have = set(db.session.scalars(sa.select(PaymentRate.kind)))
    since = _first_of_month(today, 14)
    added = 0
    for kind, unit, amount in RATES:
        if kind in have:
            continue
        services.add_rate(
            admin,
            kind=kind,
            unit=unit,
            amount=Decimal(amount),
            effective_from=since,
            note=RATE_NOTE,
        )
        added += 1
        if kind == MEETING:
            amount, note = NEW_MEETING_RATE
            services.add_rate(
                admin,
                kind=kind,
                unit=PER_HOUR,
                amount=Decimal(amount),
                effective_from=_first_of_month(today, 6),
                note=note,
            )
            added += 1
    echo(f"  {added} example payment rates added")


def _preferences(people, now):
    """How people want to be paid, chosen when they joined."""
    chosen = set(db.session.scalars(sa.select(PaymentPreference.user_id)))
    for key, preference in PREFERENCES.items():
        person = people[key]
        if person.id in chosen:
            continue
        services.set_preference(person, preference)
        db.session.get(PaymentPreference, person.id).updated_at = _at(
            now, max(JOINED[key].values()), 12
        )


def _equality(people, now):
    """Equality monitoring answers, given with consent when people joined."""
    questions = ("age_band", "gender", "ethnic_group", "disability", "carer")
    for key, answers in EQUALITY.items():
        person = people[key]
        if equality.answers_of(person) is not None:
            continue
        saved = equality.save(person, consent=True, **dict(zip(questions, answers, strict=True)))
        saved.consented_at = saved.updated_at = _at(now, max(JOINED[key].values()) - 1, 19)


def _activities(echo, coordinator, people, now):
    """The year's activities with who took part, each payment taken as far as its age allows.

    Returns {title: activity}.
    """
    found = {
        (a.community_id, a.title): a for a in db.session.scalars(sa.select(InvolvementActivity))
    }
    proposals = {p.title: p.id for p in db.session.scalars(sa.select(Proposal))}
    made = {}
    for days_ago, slug, kind, minutes, title, came, offered, about, notes in ACTIVITIES:
        community = communities.get_by_slug(slug)
        activity = found.get((community.id, title))
        if activity is None:
            _check_joined(title, slug, days_ago, came + offered)
            # Recorded the day after, with who came.
            recorded = _at(now, days_ago - 1, 11)
            with _back_then(recorded, InvolvementActivity, Participation, Payment):
                activity = services.create_activity(
                    coordinator,
                    community,
                    kind=kind,
                    title=title,
                    held_on=_day(now, days_ago),
                    minutes=minutes,
                    proposal_id=proposals.get(about),
                    notes=notes,
                )
                ids = [people[key].id for key in came]
                services.record_attendance(coordinator, activity, community, ids)
                if offered:
                    ids = [people[key].id for key in offered]
                    services.record_attendance(
                        coordinator, activity, community, ids, attended=False
                    )
            _move_payments(coordinator, activity, community, people, days_ago, now)
            made[title] = activity
        found[(community.id, title)] = activity
    echo(f"  {len(made)} involvement activities added")
    return {title: activity for (_c, title), activity in found.items()}


def _check_joined(title, slug, days_ago, keys):
    late = [key for key in keys if JOINED[key].get(slug, -1) < days_ago]
    gone = [key for key in keys if LEFT.get((key, slug), -1) >= days_ago]
    if late or gone:
        raise RuntimeError(f"Demo activity {title!r} has people who were not members then")


def _move_payments(coordinator, activity, community, people, days_ago, now):
    """Accepted, approved and paid, each on its day, as far as the activity's age allows."""
    payments = db.session.scalars(
        sa.select(Payment).where(Payment.activity_id == activity.id).order_by(Payment.id)
    ).all()
    names = {person.id: key for key, person in people.items()}
    turned_down = [
        p for p in payments if (activity.title, names.get(p.user_id)) in DECLINED_AT_THE_TIME
    ]
    going = [p for p in payments if p.status == OFFERED and p not in turned_down]
    steps = [
        (ACCEPTED_AFTER, "accept", 3),
        (APPROVED_AFTER, "approve", 8),
        (PAID_AFTER, "pay", 15),
    ]
    if turned_down:
        with _back_then(_at(now, days_ago - 3, 14)):
            for payment in turned_down:
                services.move_payment(coordinator, payment, community, "decline")
                payment.updated_at = _at(now, days_ago - 3, 14)
    for older_than, action, days_later in steps:
        if days_ago <= older_than or not going:
            return
        when = _at(now, days_ago - days_later, 14)
        extra = {}
        if action == "pay":
            extra = {"paid_on": when.date(), "reference": f"FIN-{when:%Y%m%d}"}
        with _back_then(when):
            for payment in going:
                services.move_payment(coordinator, payment, community, action, **extra)
                payment.updated_at = when
                if action == "approve":
                    payment.approved_at = when


def _receipt(file_name, lines):
    """A small, valid one-page PDF receipt, uploaded as a person's browser would send it."""
    text = "BT /F1 11 Tf 20 80 Td 16 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 240 120] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n{body}\nendobj\n".encode()
    table = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    pdf += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{table}\n%%EOF\n"
    ).encode()
    return FileStorage(stream=io.BytesIO(pdf), filename=file_name, content_type="application/pdf")


def _claims(echo, coordinator, people, activities, now):
    """Expense claims: sent the day after, decided four days later, paid a week after that."""
    have = set(db.session.execute(sa.select(ExpenseClaim.user_id, ExpenseClaim.description)).all())
    added = 0
    for key, slug, category, amount, days_ago, what, about, receipt, decision, paid in CLAIMS:
        person = people[key]
        if (person.id, what) in have:
            continue
        community = communities.get_by_slug(slug)
        sent = days_ago - 1
        with _back_then(_at(now, sent, 20), ExpenseClaim):
            claim = expenses.submit(
                person,
                community,
                receipt=_receipt(*receipt) if receipt else None,
                category=category,
                amount=Decimal(amount),
                spent_on=_day(now, days_ago),
                description=what,
                activity_id=activities[about].id,
            )
        added += 1
        if decision is None:
            continue
        decided = _at(now, sent - 4, 15)
        choice, *details = decision
        words = {}
        if choice == "part":
            words = {"approved_amount": Decimal(details[0]), "reason": details[1]}
        elif choice == "reject":
            words = {"reason": details[0]}
        with _back_then(decided):
            expenses.decide(coordinator, claim, community, decision=choice, **words)
        claim.decided_at = decided
        if paid:
            when = _at(now, sent - 11, 15)
            with _back_then(when):
                expenses.mark_paid(
                    coordinator,
                    claim,
                    community,
                    paid_on=when.date(),
                    reference=f"EXP-{when:%Y%m%d}",
                )
    echo(f"  {added} expense claims added")
