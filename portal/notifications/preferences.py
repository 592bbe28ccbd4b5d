"""How each kind of notification reaches a person: at once, in a digest, or in Chorus only.

Kinds (the names of `templates/email/<kind>.txt`) are grouped into a few topics
people can understand; each person picks a delivery per topic. Account
security messages are always emailed at once.
"""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import dates, db
from .models import NotificationSettings

EMAIL, DAILY, WEEKLY, SITE = "email", "daily", "weekly", "site"
DELIVERIES = (EMAIL, DAILY, WEEKLY, SITE)
DELIVERY_LABELS = {
    EMAIL: _l("Email me at once"),
    DAILY: _l("In a daily email digest"),
    WEEKLY: _l("In a weekly email digest"),
    SITE: _l("Only in Chorus, no email"),
}

# Topic → (label, hint). Order is the order on the preferences page.
TOPICS = {
    "outcomes": (
        _l("Outcomes of my views"),
        _l("Decisions on proposals you gave views on, and what your views changed."),
    ),
    "replies": (
        _l("Replies to my views"),
        _l("Replies from staff, and news about views you gave."),
    ),
    "following": (
        _l("Decisions and changes I follow"),
        _l("Proposals and service changes you follow, and evaluations you look after."),
    ),
    "consultations": (
        _l("Consultations opening and closing"),
        _l("New proposals asking for views, and new closing dates."),
    ),
    "membership": (
        _l("Membership"),
        _l("Join requests, invitations answered and changes to your role."),
    ),
    "involvement": (
        _l("Involvement and payments"),
        _l("Expense claims and payments for your involvement."),
    ),
}

# Always emailed at once, whatever the person chose: they protect the account.
SECURITY_KINDS = frozenset(
    {"already_registered", "verify_email", "reset_password", "password_changed"}
)

KIND_TOPICS = {
    "contribution_outcome": "outcomes",
    "decision_recorded": "outcomes",
    "proposal_decided": "outcomes",
    "contribution_response": "replies",
    "contribution_received": "replies",
    "contribution_hidden": "replies",
    "followed_proposal_moved": "following",
    "followed_change_moved": "following",
    "evaluation_due": "following",
    "proposal_opened": "consultations",
    "join_request": "membership",
    "join_decision": "membership",
    "membership_removed": "membership",
    "coordinator_appointed": "membership",
    "claim_status": "involvement",
    "claim_waiting": "involvement",
    "payment_status": "involvement",
    "payment_waiting": "involvement",
}

# Kinds added later fall in a topic by their name's start.
_PREFIX_TOPICS = (
    ("decision", "outcomes"),
    ("outcome", "outcomes"),
    ("contribution_", "replies"),
    ("followed_", "following"),
    ("change_", "following"),
    ("evaluation", "following"),
    ("proposal_", "consultations"),
    ("consultation", "consultations"),
    ("join_", "membership"),
    ("membership", "membership"),
    ("coordinator", "membership"),
    ("claim_", "involvement"),
    ("payment_", "involvement"),
    ("involvement", "involvement"),
)


def topic_of(kind):
    """The topic a kind belongs to, or None for kinds people cannot turn off."""
    if kind in SECURITY_KINDS:
        return None
    if kind in KIND_TOPICS:
        return KIND_TOPICS[kind]
    for prefix, topic in _PREFIX_TOPICS:
        if kind.startswith(prefix):
            return topic
    return None


def _known_settings():
    """Settings (or None) already looked up in the current transaction, by user id."""
    info = db.session.info
    transaction = db.session().get_transaction()
    if info.get("settings_transaction") is not transaction:
        info["settings_transaction"] = transaction
        info["settings"] = {}
    return info["settings"]


def settings_for(user):
    """The person's stored settings, or None for the defaults: one lookup per transaction."""
    known = _known_settings()
    if user.id not in known:
        known[user.id] = db.session.get(NotificationSettings, user.id)
    return known[user.id]


def preload_settings(user_ids):
    """Look up many people's settings in one query, before telling them all something."""
    known = _known_settings()
    missing = [user_id for user_id in set(user_ids) if user_id not in known]
    if missing:
        found = db.session.scalars(
            sa.select(NotificationSettings).where(NotificationSettings.user_id.in_(missing))
        )
        known.update(dict.fromkeys(missing))
        known.update({settings.user_id: settings for settings in found})


def remember_settings(settings):
    _known_settings()[settings.user_id] = settings


def delivery_for(user, kind):
    """How a message of `kind` reaches `user`: one of DELIVERIES."""
    topic = topic_of(kind)
    if topic is None:
        return EMAIL
    if not user.email_notifications:
        return SITE  # "In Chorus only" on the profile holds back every email but security
    settings = settings_for(user)
    return EMAIL if settings is None else getattr(settings, topic)


DIGEST_HOUR, DIGEST_WEEKDAY = 8, 0  # the defaults: 08:00, weekly on Monday


def digest_hour(settings):
    return settings.digest_hour if settings is not None else DIGEST_HOUR


def digest_weekday(settings):
    return settings.digest_weekday if settings is not None else DIGEST_WEEKDAY


def next_digest_at(settings, frequency, now):
    """The first digest time strictly after `now` (UTC): the person's hour, local time."""
    zone = dates.zone()
    local_now = now.astimezone(zone)
    at = time(digest_hour(settings))
    day = local_now.date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=zone)
        if candidate > local_now and (
            frequency == DAILY or candidate.weekday() == digest_weekday(settings)
        ):
            return candidate.astimezone(now.tzinfo)
        day += timedelta(days=1)
