"""Demo communities, members in every role and status, requests and invitations."""

from datetime import timedelta

import sqlalchemy as sa

from .. import db
from ..accounts.models import User
from ..communities.invitations import LIFETIME
from ..communities.models import (
    ACTIVE,
    CONSENT_VERSION,
    COORDINATOR,
    DECLINED,
    INVITE,
    LAY_PARTNER,
    LEFT,
    OPEN,
    PENDING,
    PROFESSIONAL,
    REMOVED,
    REQUEST,
    CommunicationNeeds,
    Community,
    ConsentRecord,
    Invitation,
    Membership,
    MembershipEvent,
)
from ..db import utcnow

ROLE_TEXT = (
    "We ask you to come to one meeting every two months. Meetings last about "
    "two hours, online or in person. Before each meeting we send you short "
    "papers to read. We pay for your time at the rate in our payment policy, "
    "and we pay travel and carer costs. You can stop at any time."
)

# How the busiest communities take views other than online.
OFFLINE_ROUTES = {
    "chemo-day-unit": {
        "respond_by_post": "Patient Experience Team (Chorus)\nChemotherapy Day Unit\n"
        "Riverside Hospital\nLeeds LS1 4AB",
        "respond_by_phone": "0113 496 0000, Monday to Friday, 9am to 4pm",
        "respond_in_person": "Drop in to the unit's patient lounge on Tuesdays, 2pm to 4pm.",
    },
}

COMMUNITIES = [
    # slug, name, service area, visibility, purpose, description, archived
    (
        "gp-cancer-leads",
        "Primary care cancer network — GP leads",
        "Cancer care",
        REQUEST,
        "GPs who lead on cancer in their practices. We work to find cancer earlier "
        "and to make referrals quicker and kinder.",
        "We meet every two months. We look at how people are referred for tests "
        "when cancer is suspected, and what happens while they wait.",
        False,
    ),
    (
        "chemo-day-unit",
        "Chemotherapy day unit improvement group",
        "Cancer care",
        OPEN,
        "Staff and patients working together to make chemotherapy visits shorter, "
        "calmer and easier to plan.",
        "Our first aims are shorter waits on the day and clearer information "
        "before the first treatment.",
        False,
    ),
    (
        "mental-health-crisis",
        "Community mental health crisis team",
        "Mental health",
        REQUEST,
        "People who run and use crisis care. We want help to come quickly, from people who listen.",
        "We review how people reach the crisis line and what happens in the first 24 hours.",
        False,
    ),
    (
        "maternity-voices",
        "Maternity voices partnership",
        "Maternity",
        OPEN,
        "Parents, midwives and doctors planning maternity care together.",
        "Everyone who has used maternity services in the last five years is "
        "welcome, and so are partners and family.",
        False,
    ),
    (
        "stroke-rehab-home",
        "Stroke rehabilitation at home",
        "Stroke care",
        INVITE,
        "Therapists and stroke survivors improving rehab after people leave hospital.",
        "We invite people who have had a stroke, and their carers, to join.",
        False,
    ),
    (
        "childrens-diabetes",
        "Children's diabetes clinic",
        "Children and young people",
        OPEN,
        "Families and the diabetes team making clinic visits work for children and young people.",
        "",
        False,
    ),
    (
        "winter-vaccines-2025",
        "Winter vaccine clinics 2025",
        "Vaccination",
        OPEN,
        "How we ran the winter flu and COVID-19 vaccine clinics in 2025.",
        "This group finished its work in March 2026.",
        True,
    ),
]

PEOPLE = [
    # email, display name, pseudonym
    ("aled.morgan@example.org", "Aled Morgan", None),
    ("fatima.begum@example.org", "Fatima Begum", "Quiet River"),
    ("joan.taylor@example.org", "Joan Taylor", None),
    ("samir.haddad@example.org", "Samir Haddad", None),
    ("ruth.okafor@example.org", "Ruth Okafor", "Green Finch"),
    ("tom.price@example.org", "Tom Price", None),
    ("dr.lewis@example.org", "Dr Siân Lewis", None),
    ("nurse.patel@example.org", "Nurse Ravi Patel", None),
]

# (email, community slug, role, status, message)
MEMBERSHIPS = [
    ("lay@example.org", "chemo-day-unit", LAY_PARTNER, ACTIVE, None),
    ("lay@example.org", "maternity-voices", LAY_PARTNER, ACTIVE, None),
    ("lay@example.org", "gp-cancer-leads", LAY_PARTNER, PENDING, None),
    ("aled.morgan@example.org", "chemo-day-unit", LAY_PARTNER, ACTIVE, None),
    ("aled.morgan@example.org", "gp-cancer-leads", LAY_PARTNER, PENDING, None),
    ("fatima.begum@example.org", "maternity-voices", LAY_PARTNER, ACTIVE, None),
    ("fatima.begum@example.org", "mental-health-crisis", LAY_PARTNER, PENDING, None),
    ("joan.taylor@example.org", "stroke-rehab-home", LAY_PARTNER, ACTIVE, None),
    ("joan.taylor@example.org", "chemo-day-unit", LAY_PARTNER, LEFT, None),
    ("samir.haddad@example.org", "mental-health-crisis", LAY_PARTNER, ACTIVE, None),
    (
        "samir.haddad@example.org",
        "gp-cancer-leads",
        LAY_PARTNER,
        DECLINED,
        "This group is full until April. Please ask again then.",
    ),
    ("ruth.okafor@example.org", "childrens-diabetes", LAY_PARTNER, ACTIVE, None),
    (
        "tom.price@example.org",
        "maternity-voices",
        LAY_PARTNER,
        REMOVED,
        "Posts broke the group agreement on respectful language.",
    ),
    ("dr.lewis@example.org", "gp-cancer-leads", PROFESSIONAL, ACTIVE, None),
    ("nurse.patel@example.org", "chemo-day-unit", PROFESSIONAL, ACTIVE, None),
    ("nurse.patel@example.org", "winter-vaccines-2025", PROFESSIONAL, ACTIVE, None),
]

INVITATIONS = [
    # email, community slug, role, message
    (
        "lay@example.org",
        "stroke-rehab-home",
        LAY_PARTNER,
        "You told us about your father's rehab at home. We would value your view.",
    ),
    (
        "new.partner@example.org",
        "stroke-rehab-home",
        LAY_PARTNER,
        "Thank you for offering to help.",
    ),
    ("therapist@example.org", "stroke-rehab-home", PROFESSIONAL, ""),
]

NEEDS = {
    "lay@example.org": {"needs": ["large_print"], "preferred_contact": "email"},
    "fatima.begum@example.org": {
        "needs": ["interpreter"],
        "interpreter_language": "Bengali",
        "preferred_contact": "phone",
        "phone": "07700 900123",
    },
    "joan.taylor@example.org": {
        "needs": ["easy_read", "step_free"],
        "carer_name": "Peter Taylor",
        "carer_contact": "peter.taylor@example.org",
        "preferred_contact": "post",
    },
    "samir.haddad@example.org": {
        "needs": ["bsl_interpreter"],
        "preferred_contact": "text_message",
        "phone": "07700 900456",
    },
}


def load(echo, password_hash):
    """Create whatever demo community data is missing. The caller commits."""
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    for email, name, pseudonym in PEOPLE:
        if email not in users:
            users[email] = User(
                email=email,
                display_name=name,
                pseudonym=pseudonym,
                password_hash=password_hash,
                email_verified_at=utcnow(),
            )
            db.session.add(users[email])
    db.session.flush()

    echo("Demo communities:")
    communities = {c.slug: c for c in db.session.scalars(sa.select(Community))}
    for slug, name, area, visibility, purpose, description, archived in COMMUNITIES:
        if slug in communities:
            echo(f"  present  {name}")
            continue
        communities[slug] = Community(
            slug=slug,
            name=name,
            service_area=area,
            visibility=visibility,
            purpose=purpose,
            description=description,
            role_description=ROLE_TEXT,
            archived_at=utcnow() if archived else None,
            **OFFLINE_ROUTES.get(slug, {}),
        )
        db.session.add(communities[slug])
        echo(f"  created  {name}")
    db.session.flush()

    plan = [(e, s, r, st, m) for e, s, r, st, m in MEMBERSHIPS]
    for slug in communities:
        plan.append(("coordinator@example.org", slug, COORDINATOR, ACTIVE, None))
        plan.append(("professional@example.org", slug, PROFESSIONAL, ACTIVE, None))
    existing = {(m.user_id, m.community_id) for m in db.session.scalars(sa.select(Membership))}
    added = 0
    for email, slug, role, status, message in plan:
        user, community = users[email], communities[slug]
        if (user.id, community.id) in existing:
            continue
        membership = Membership(
            user_id=user.id,
            community_id=community.id,
            role=role,
            status=status,
            message=message,
            use_pseudonym=bool(user.pseudonym),
        )
        db.session.add(membership)
        db.session.add(
            MembershipEvent(membership=membership, status=status, role=role, note=message)
        )
        if role == LAY_PARTNER and status in (ACTIVE, PENDING, LEFT):
            db.session.add(
                ConsentRecord(
                    user_id=user.id,
                    community_id=community.id,
                    version=CONSENT_VERSION,
                    withdrawn_at=utcnow() if status == LEFT else None,
                )
            )
        added += 1
    echo(f"  {added} memberships added")

    have = {(i.email, i.community_id) for i in db.session.scalars(sa.select(Invitation))}
    coordinator = users["coordinator@example.org"]
    for email, slug, role, message in INVITATIONS:
        community = communities[slug]
        if (email, community.id) not in have:
            db.session.add(
                Invitation(
                    community_id=community.id,
                    email=email,
                    role=role,
                    message=message,
                    invited_by_id=coordinator.id,
                    expires_at=utcnow() + LIFETIME - timedelta(days=1),
                )
            )
            echo(f"  invited  {email} to {community.name}")

    for email, fields in NEEDS.items():
        user = users[email]
        if db.session.get(CommunicationNeeds, user.id) is None:
            db.session.add(CommunicationNeeds(user_id=user.id, **fields))
    db.session.flush()
