"""Demo briefings: plain-English NHS briefings, a Welsh translation, the glossary,
usefulness answers and view counts. Every step looks first, so it runs twice safely."""

from datetime import date, timedelta

import sqlalchemy as sa

from .. import db
from ..accounts.services import find_by_email
from ..briefings import glossary, services
from ..briefings.models import (
    MEMBERS,
    PUBLIC,
    Briefing,
    BriefingDailyViews,
    BriefingReader,
    GlossaryTerm,
)
from ..communities.services import get_by_slug
from ..db import utcnow

PROFESSIONAL = "professional@example.org"
COORDINATOR = "coordinator@example.org"

# community slug (None: site-wide), language, word, explanation, say instead
TERMS = [
    (None, "en", "oncology", "The part of the health service that finds and treats cancer.",
     "cancer care"),
    (None, "en", "chemotherapy", "Medicine that kills cancer cells or stops them growing. It is "
     "often given through a drip into a vein, or as tablets.", "cancer medicine"),
    (None, "en", "haemorrhoids", "Swollen blood vessels in and around the bottom. They can itch, "
     "hurt or bleed.", "piles"),
    (None, "en", "referral", "When your GP or nurse asks another service, such as a hospital "
     "team, to see you. That service then contacts you.", "asking another team to see you"),
    (None, "en", "triage", "Checking how unwell someone is, to decide who needs help first and "
     "where they should go.", "deciding who is seen first"),
    (None, "en", "outpatient", "A hospital visit for an appointment or test where you go home "
     "the same day.", "clinic visit"),
    (None, "en", "GP", "General practitioner. The doctor at your local surgery or health "
     "centre.", "family doctor"),
    (None, "en", "two-week wait", "The old name for an urgent referral when a doctor thinks you "
     "might have cancer. It is now called an urgent suspected cancer referral.",
     "urgent cancer referral"),
    (None, "en", "multidisciplinary team", "A group of staff with different skills, such as "
     "doctors, nurses and therapists. They meet to plan your care together.",
     "team of specialists"),
    (None, "en", "palliative care", "Care that eases pain and other symptoms when an illness "
     "cannot be cured. It also supports the people close to you.", "care to keep you comfortable"),
    ("chemo-day-unit", "en", "day unit", "The part of the hospital where you have treatment and "
     "go home the same day. You do not stay overnight.", ""),
    ("chemo-day-unit", "en", "cannula", "A thin, soft tube put into a vein, usually in your hand "
     "or arm. Medicine goes through it into your blood.", "thin tube in your vein"),
    ("maternity-voices", "en", "induction", "Starting labour with medicine or other help, "
     "instead of waiting for it to start on its own.", "starting labour"),
    (None, "cy", "oncoleg", "Y rhan o'r gwasanaeth iechyd sy'n canfod ac yn trin canser.",
     "gofal canser"),
    (None, "cy", "cemotherapi", "Meddyginiaeth sy'n lladd celloedd canser neu'n eu hatal rhag "
     "tyfu. Yn aml, rydych chi'n ei chael drwy ddrip i wythïen.", "meddyginiaeth canser"),
]  # fmt: skip

EVENING_TITLE = "A new evening chemotherapy clinic"
EVENING_V1 = {
    "summary": "From January, the chemotherapy day unit will open two evenings a week. "
    "You may be able to have your treatment after work or school.",
    "body": """## What is changing

From January 2027, the day unit will open on Tuesday and Thursday evenings.
It will be open from 5pm to 9pm.

You can have some chemotherapy treatments in the evening.
The evening clinic is run by our oncology service.

## Who can come in the evening

Evening visits are for people who:

- have already had one treatment in the day
- have a treatment that takes less than three hours
- feel well enough to travel home after dark

Your nurse will tell you if evening visits are right for you.

## What happens at your visit

A nurse will check how you are feeling.

Then they will put a cannula into a vein in your hand or arm.
Your medicine goes in through it.

A doctor from the oncology (cancer care) team is on call every evening.

## Why we are doing this

Many of you told us that day visits are hard.
Some people lose a day's pay. Some carers have to take time off work.

Evening visits should help with this.

## Tell us what you think

We want to hear how this works for you.
Use the box below to tell us, or talk to your nurse.
""",
    "easy_read": """We are opening an evening clinic.

You may be able to have chemotherapy after work.

The clinic is open on Tuesday and Thursday.

It is open from 5pm to 9pm.

Your nurse will tell you if it is right for you.

A doctor is there every evening.

Tell us what you think.
""",
}
EVENING_V2 = {
    "summary": EVENING_V1["summary"].replace("two evenings", "three evenings"),
    "body": EVENING_V1["body"]
    .replace("Tuesday and Thursday", "Tuesday, Wednesday and Thursday")
    .replace("5pm to 9pm", "5pm to 8:30pm")
    .replace(
        "feeling.\n",
        "feeling. They will take a small blood test if you need one.\n",
    )
    .replace(
        "## Why we",
        "## Getting here\n\nParking in car park B is free after 5pm.\n"
        "The main entrance is open until 9pm.\n\n"
        "Buses 12 and 14 stop outside the hospital until 11pm.\n\n## Why we",
    ),
    "easy_read": EVENING_V1["easy_read"]
    .replace("Tuesday and Thursday", "Tuesday, Wednesday and Thursday")
    .replace("5pm to 9pm", "5pm to 8:30pm")
    .replace("Tell us", "Parking is free after 5pm.\n\nTell us"),
}

EVENING_WELSH = {
    "title": "Clinig cemotherapi newydd gyda'r nos",
    "summary": "O fis Ionawr ymlaen, bydd yr uned ddydd cemotherapi ar agor dair noson yr "
    "wythnos. Efallai y gallwch gael eich triniaeth ar ôl gwaith neu ysgol.",
    "body": """## Beth sy'n newid

O fis Ionawr 2027, bydd yr uned ddydd ar agor ar nos Fawrth, nos Fercher a nos Iau.
Bydd ar agor o 5pm tan 8:30pm.

Gallwch gael rhai triniaethau cemotherapi gyda'r nos.
Ein gwasanaeth oncoleg sy'n rhedeg y clinig gyda'r nos.

## Pwy all ddod gyda'r nos

Mae ymweliadau gyda'r nos ar gyfer pobl sydd:

- eisoes wedi cael un driniaeth yn ystod y dydd
- yn cael triniaeth sy'n cymryd llai na thair awr
- yn teimlo'n ddigon da i deithio adref ar ôl iddi dywyllu

Bydd eich nyrs yn dweud wrthych chi os yw ymweliadau gyda'r nos yn addas i chi.

## Beth sy'n digwydd yn eich ymweliad

Bydd nyrs yn gofyn sut rydych chi'n teimlo.
Bydd yn cymryd prawf gwaed bach os oes angen un arnoch chi.

Yna bydd yn rhoi caniwla mewn gwythïen yn eich llaw neu'ch braich.
Mae eich meddyginiaeth yn mynd i mewn drwyddo.

Mae meddyg o'r tîm oncoleg (gofal canser) ar alwad bob nos.

## Cyrraedd yma

Mae parcio ym maes parcio B am ddim ar ôl 5pm.
Mae'r brif fynedfa ar agor tan 9pm.

Mae bysiau 12 a 14 yn stopio y tu allan i'r ysbyty tan 11pm.

## Pam rydyn ni'n gwneud hyn

Dywedodd llawer ohonoch chi fod ymweliadau yn ystod y dydd yn anodd.
Mae rhai pobl yn colli diwrnod o gyflog.
Mae rhai gofalwyr yn gorfod cymryd amser i ffwrdd o'r gwaith.
Dylai ymweliadau gyda'r nos helpu gyda hyn.

## Dywedwch wrthon ni beth rydych chi'n ei feddwl

Rydyn ni eisiau clywed sut mae hyn yn gweithio i chi.
Defnyddiwch y blwch isod i ddweud wrthon ni, neu siaradwch â'ch nyrs.
""",
    "easy_read": """Rydyn ni'n agor clinig gyda'r nos.

Efallai y gallwch gael cemotherapi ar ôl gwaith.

Mae'r clinig ar agor ar nos Fawrth, nos Fercher a nos Iau.

Mae ar agor o 5pm tan 8:30pm.

Bydd eich nyrs yn dweud wrthych chi os yw'r clinig yn addas i chi.

Mae meddyg yno bob nos.

Mae parcio am ddim ar ôl 5pm.

Dywedwch wrthon ni beth rydych chi'n ei feddwl.
""",
}

FIRST_VISIT = {
    "title": "Getting ready for your first chemotherapy visit",
    "summary": "What to expect on your first day at the chemotherapy day unit, "
    "and what to bring with you.",
    "body": """## Before your visit

A nurse will phone you a few days before. They will talk you through your treatment plan.

You will need a blood test one or two days before each treatment.
This checks that your body is ready.

## What to bring

- a list of the medicines you take
- something to eat and drink
- a book, music or something else to pass the time
- warm layers, as the unit can feel cold

You can bring one person with you.

## On the day

Come to the reception desk on the ground floor. A nurse will meet you and show you around.

Your first visit may take most of the day. Later visits are often shorter.

The nurse will check your weight, blood pressure and temperature.
They will tell you about side effects and what to do if you feel unwell.

## After you go home

You will get a card with a phone number. Someone answers it day and night.

Call it straight away if your temperature is 37.5C or above, or if you feel unwell.

Do not wait until the morning.
""",
}

GP_REFERRALS = {
    "title": "Changes to how GPs refer people with suspected cancer",
    "summary": "Your GP may send you for tests if they think you could have cancer. "
    "This explains the new way this works and how you can help.",
    "body": """## Why your GP may refer you

Your GP may send you for tests if you have signs that could be cancer.
This is called an urgent referral.

Most people who are referred do not have cancer. But it is important to check quickly.

## What has changed

You may have heard of the two-week wait. That name is no longer used.
The new name is an urgent suspected cancer referral.

The aim has changed too. Within 28 days, you should be told if you have cancer.
Or you should be told that cancer has been ruled out.

## Tests your GP can book

For some signs, your GP can now book a test straight away.
You may not need to see a specialist first. For example:

- a chest X-ray if you have a cough that will not go away
- a test of a small sample of your poo, to check for blood
- a scan if you have lost weight and do not know why

## If your signs are not clear

Some people feel unwell but have no one clear sign. They may feel very tired or lose weight.
Your GP can send you to a special clinic for this.

A team of different staff will look at the whole picture.

## How you can help

- check that your GP has your right phone number
- answer calls from numbers you do not know for the next two weeks
- tell the clinic if you cannot go on the day they offer
- ask your GP what tests you may have, and why

## If you are worried

Speak to your GP practice.
You can also call Macmillan Cancer Support for free on 0808 808 00 00.
""",
}

TRANSPORT = {
    "title": "Free transport to rehab sessions: a six-month pilot",
    "summary": "From February to July 2027 we are trying out free transport to rehab sessions. "
    "Members of this group will help us check how well it works.",
    "body": """## Why we are trying this

Most of your rehab happens at home. But some sessions are at the Riverside Therapy Centre.
This is where we have the gym and the practice kitchen.

After a stroke, you must not drive for at least one month. Some people cannot drive for longer.

Many of you told us that getting to the centre is hard. Some people miss sessions because of it.

## What the pilot offers

- a free minibus to and from your session
- a seat for one carer or family member
- a ramp and room for a wheelchair
- a driver trained to help people after a stroke

## Who can use it

You can use the minibus if you have rehab at the centre.
You must not be able to drive, or take the bus on your own.
Your therapist will check this with you.

## How to book

Call the transport desk on 01632 960 418. Call at least two working days before your session.
The desk is open Monday to Friday, from 9am to 4pm.

Tell them if you use a wheelchair or a walking frame.

## What we will check

We will count how many sessions people miss. We will ask you and your carers what worked.
We will also ask what did not work.

We will share what we find with this group in August 2027.
""",
}

INDUCTION = {
    "title": "Induction of labour: updated regional clinical guidance",
    "summary": "Summary of the regional maternity network's updated recommendations on the "
    "timing, methods and monitoring of induction of labour, including eligibility criteria "
    "for outpatient induction.",
    "body": """## Background

The regional maternity clinical network has revised its guidance on induction of labour
following publication of updated national recommendations and a review of local outcome data,
including rates of uterine hyperstimulation, failed induction and emergency caesarean birth.

## Timing

Women and birthing people with an uncomplicated singleton pregnancy should be offered induction
of labour between 41+0 and 42+0 weeks of gestation, following an individualised discussion of
the associated risks, benefits and alternatives, including expectant management with increased
antenatal surveillance.

Where prelabour rupture of membranes occurs at term, induction should be offered as an
alternative to expectant management, with the decision documented contemporaneously.

## Methods

- Membrane sweeping should be offered at antenatal appointments from 39+0 weeks as an adjunct
  to, rather than a replacement for, formal induction.
- Pharmacological methods, including vaginal dinoprostone or oral misoprostol, remain
  first-line for cervical ripening where the modified Bishop score is six or below.
- Mechanical methods, such as a balloon catheter, should be considered following a previous
  caesarean birth or where prostaglandins are contraindicated.

## Monitoring and outpatient induction

Continuous cardiotocography is recommended following the administration of prostaglandins until
a normal fetal heart rate pattern has been confirmed, after which intermittent auscultation may
be appropriate.

Outpatient induction may be considered for individuals with low-risk pregnancies who live within
thirty minutes of the maternity unit, have access to reliable transport and can be contacted by
telephone throughout the latent phase.
""",
}
INDUCTION_REASON = (
    "Clinical guidance text agreed with the regional network; a plain summary follows next month."
)

CRISIS_LINE = {
    "title": "What happens when you call the crisis line",
    "summary": "A step-by-step guide to calling the crisis line, "
    "from the first call to the first day of support.",
    "body": """## Calling the line

The crisis line is open day and night, every day of the year.
Call 111 and choose the option for mental health.

A trained call handler will answer. They will ask your name and where you are.
Then they will ask what is happening for you now.

## What happens next

- If you are in danger now, they will send help straight away.
- If you need to talk soon, a crisis worker will call you back within four hours.
- If you need a visit, the crisis team will try to see you within a day.

## Who you will talk to

Crisis workers are nurses, social workers and support workers.
They are trained to listen and to help you stay safe.
You can ask for a man or a woman to talk to you.

## If you are not sure

You do not have to be sure it is a crisis.
If you are worried about yourself or someone else, you can call.

## Tell us what you think

This guide is still a draft. We are checking these times with the team.
""",
}

# key, community slug, author, visibility, review by, words, [(changes, note, publisher, reason)]
BRIEFINGS = [
    ("first_visit", "chemo-day-unit", PROFESSIONAL, PUBLIC, date(2027, 6, 30), FIRST_VISIT,
     [({}, "First version.", PROFESSIONAL, "")]),
    ("evening", "chemo-day-unit", PROFESSIONAL, PUBLIC, date(2027, 3, 31),
     {"title": EVENING_TITLE, **EVENING_V1},
     [({}, "First version.", PROFESSIONAL, ""),
      (EVENING_V2, "Added Wednesday evenings, new opening hours and how to get here.",
       PROFESSIONAL, "")]),
    ("gp", "gp-cancer-leads", PROFESSIONAL, PUBLIC, date(2027, 9, 30), GP_REFERRALS,
     [({}, "First version.", PROFESSIONAL, "")]),
    ("transport", "stroke-rehab-home", PROFESSIONAL, MEMBERS, date(2027, 7, 31), TRANSPORT,
     [({}, "First version.", PROFESSIONAL, "")]),
    ("induction", "maternity-voices", COORDINATOR, PUBLIC, date(2027, 1, 31), INDUCTION,
     [({}, "First version.", COORDINATOR, INDUCTION_REASON)]),
    ("crisis", "mental-health-crisis", PROFESSIONAL, PUBLIC, None, CRISIS_LINE, []),
]  # fmt: skip

# briefing key, reader's email, useful, comment
FEEDBACK = [
    ("evening", "lay@example.org", True, "Evening slots mean my daughter can drive me. Thank you."),
    ("evening", "aled.morgan@example.org", True, "Good news. Is the café open in the evening?"),
    ("evening", "joan.taylor@example.org", False, "I could not see how to book an evening visit."),
    ("evening_cy", "aled.morgan@example.org", True, "Diolch am y fersiwn Cymraeg. Clir iawn."),
    ("first_visit", "lay@example.org", True, ""),
    ("gp", "lay@example.org", True, "I did not know the two-week wait had changed. Clear now."),
    ("gp", "aled.morgan@example.org", False, "What if I cannot go to the test on the day offered?"),
    ("transport", "joan.taylor@example.org", True, "My son works Tuesdays, so this helps a lot."),
    ("induction", "lay@example.org", False, "Too many medical words. I had to read it twice."),
    ("induction", "fatima.begum@example.org", False, "Please can we have this in plain words?"),
]  # fmt: skip

DAILY_VIEWS = [4, 7, 3, 9, 12, 6, 5, 8, 2, 6]


def load(echo):
    """Create whatever demo briefing data is missing. The caller commits."""
    users = {}

    def user(email):
        if email not in users:
            users[email] = find_by_email(email)
        return users[email]

    echo("Demo briefings:")
    _load_terms(echo, user(COORDINATOR))

    briefings = {}
    for key, slug, author, visibility, review_by, words, publishes in BRIEFINGS:
        community = get_by_slug(slug)
        briefing = _find_or_create(echo, user(author), community, visibility, review_by, words)
        for number, (changes, note, publisher, reason) in enumerate(publishes, start=1):
            if briefing.version_number < number:
                services.update_draft(user(author), briefing, **changes)
                services.publish(
                    user(publisher), briefing, change_note=note, override_reason=reason
                )
                echo(f"  published briefing: {briefing.title} (version {number})")
        briefings[key] = (briefing, community)

    evening, chemo = briefings["evening"]
    if not services.linked_ids(evening):
        services.set_links(evening, [briefings["first_visit"][0].id])
    briefings["evening_cy"] = (_welsh(echo, user(PROFESSIONAL), evening), chemo)

    added = 0
    for key, email, useful, comment in FEEDBACK:
        briefing, community = briefings[key]
        if services.feedback_of(user(email), briefing) is None:
            services.save_feedback(user(email), briefing, useful=useful, comment=comment)
            added += 1
    echo(f"  {added} usefulness answers added")

    readers = {}
    for key, email, _useful, _comment in FEEDBACK:
        readers.setdefault(key, []).append(user(email).id)
    _load_views(echo, briefings, readers)
    db.session.flush()


def _load_terms(echo, coordinator):
    added = 0
    for slug, language, word, explanation, say_instead in TERMS:
        community = get_by_slug(slug) if slug else None
        found = db.session.scalar(
            sa.select(GlossaryTerm.id).where(
                sa.func.lower(GlossaryTerm.term) == word.lower(),
                GlossaryTerm.language == language,
                GlossaryTerm.community_id == community.id
                if community
                else GlossaryTerm.community_id.is_(None),
            )
        )
        if found is None:
            glossary.save(
                coordinator,
                community,
                language=language,
                word=word,
                explanation=explanation,
                say_instead=say_instead,
            )
            added += 1
    echo(f"  {added} glossary terms added")


def _find_or_create(echo, author, community, visibility, review_by, words):
    briefing = db.session.scalar(
        sa.select(Briefing).where(
            Briefing.community_id == community.id,
            Briefing.original_id.is_(None),
            Briefing.title == words["title"],
        )
    )
    if briefing is not None:
        echo(f"  present  briefing: {briefing.title}")
        return briefing
    briefing = services.create(
        author, community, visibility=visibility, review_by=review_by, **words
    )
    echo(f"  created  briefing: {briefing.title}")
    return briefing


def _welsh(echo, author, original):
    """The Welsh translation of `original`, written and published."""
    translation = db.session.scalar(
        sa.select(Briefing).where(Briefing.original_id == original.id, Briefing.language == "cy")
    )
    if translation is None:
        translation = services.add_translation(author, original, "cy")
        echo(f"  created  briefing: {EVENING_WELSH['title']}")
    else:
        echo(f"  present  briefing: {translation.title}")
    if not translation.is_published:
        services.update_draft(author, translation, **EVENING_WELSH)
        services.publish(author, translation, change_note="Cyfieithiad cyntaf.")
        echo(f"  published briefing: {translation.title} (version 1)")
    return translation


def _load_views(echo, briefings, readers):
    """Ten days of views, and a few signed-in readers, for briefings that have none yet."""
    today = utcnow().date()
    counted = 0
    for offset, (key, (briefing, _community)) in enumerate(briefings.items()):
        if not briefing.is_published:
            continue
        if not db.session.scalar(
            sa.select(sa.func.count()).where(BriefingDailyViews.briefing_id == briefing.id)
        ):
            counted += 1
            for ago in range(10):
                views = DAILY_VIEWS[(ago + offset) % len(DAILY_VIEWS)] * (2 if offset < 2 else 1)
                day = today - timedelta(days=ago)
                db.session.add(BriefingDailyViews(briefing_id=briefing.id, day=day, views=views))
        if not db.session.scalar(
            sa.select(sa.func.count()).where(BriefingReader.briefing_id == briefing.id)
        ):
            for ago, user_id in enumerate(dict.fromkeys(readers.get(key, [])), start=1):
                first_read = today - timedelta(days=ago)
                db.session.add(
                    BriefingReader(
                        briefing_id=briefing.id, user_id=user_id, first_read_on=first_read
                    )
                )
    echo(f"  views added for {counted} briefings")
