"""Factories: small functions that make stored objects with sensible defaults."""

import itertools

from portal import db
from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.db import utcnow

PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only
_numbers = itertools.count(1)


def make_user(*, email=None, display_name=None, password=PASSWORD, verified=True, **fields):
    number = next(_numbers)
    user = User(
        email=email or f"person{number}@example.org",
        display_name=display_name or f"Person {number}",
        password_hash=hash_password(password),
        email_verified_at=utcnow() if verified else None,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_community(*, name=None, visibility="open", archived=False, **fields):
    from portal.communities.models import Community

    number = next(_numbers)
    community = Community(
        name=name or f"Community {number}",
        slug=fields.pop("slug", f"community-{number}"),
        purpose=fields.pop("purpose", "We improve a service together."),
        service_area=fields.pop("service_area", "Cancer care"),
        visibility=visibility,
        role_description=fields.pop("role_description", "Come to one meeting a month."),
        archived_at=utcnow() if archived else None,
        **fields,
    )
    db.session.add(community)
    db.session.flush()
    return community


def make_membership(user, community, role="lay_partner", status="active", **fields):
    from portal.communities.models import Membership

    membership = Membership(
        user_id=user.id, community_id=community.id, role=role, status=status, **fields
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def make_invitation(community, email, role="lay_partner", *, expires_in_days=14, **fields):
    from datetime import timedelta

    from portal.communities.models import Invitation

    invitation = Invitation(
        community_id=community.id,
        email=email,
        role=role,
        expires_at=utcnow() + timedelta(days=expires_in_days),
        **fields,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


PLAIN_BODY = (
    "The unit will open from 5pm to 9pm on weekdays.\n\n"
    "You can choose a time that suits you. Your nurse will help you book."
)


def make_briefing(community, author, *, publish=True, **fields):
    """A briefing of `community` written by `author`, published as version 1 unless told not to."""
    from portal.briefings import services

    fields.setdefault("title", "Evening chemotherapy clinic")
    fields.setdefault("summary", "We plan to open the day unit in the evening.")
    fields.setdefault("body", PLAIN_BODY)
    fields.setdefault("visibility", "public")
    briefing = services.create(author, community, **fields)
    if publish:
        services.publish(author, briefing, change_note="First version")
    return briefing


def make_term(term, explanation, *, community=None, say_instead="", language="en"):
    from portal.briefings.glossary import initial_of
    from portal.briefings.models import GlossaryTerm

    glossary_term = GlossaryTerm(
        term=term,
        initial=initial_of(term),
        explanation=explanation,
        say_instead=say_instead,
        language=language,
        community_id=community.id if community else None,
    )
    db.session.add(glossary_term)
    db.session.flush()
    return glossary_term


def make_proposal(community, author, *, status="open", questions=None, **fields):
    """A proposal of `community` with questions, published so that it is in `status` now.

    `status` is "draft", "upcoming", "open" or "closed". `questions` is a list of
    dicts for `save_question` (a required free-text question by default).
    """
    from datetime import timedelta

    from portal.consultations import services

    now = utcnow()
    fields.setdefault("title", "Evening clinic hours")
    fields.setdefault("summary", "We want to open the clinic until 8pm on weekdays.")
    fields.setdefault("problem", "Many people cannot come in the day.")
    fields.setdefault("change", "Open until 8pm, Monday to Friday.")
    fields.setdefault("affects", "People who have treatment at the unit.")
    proposal = services.create(author, community, **fields)
    for question in questions or [
        {"prompt": "What do you think?", "kind": "text", "required": True}
    ]:
        services.save_question(author, proposal, **question)
    if status == "draft":
        return proposal
    opens = {"upcoming": now + timedelta(days=2), "open": now - timedelta(days=1)}
    proposal.opens_at = opens.get(status, now - timedelta(days=20))
    proposal.closes_at = now + timedelta(days=14) if status != "closed" else now - timedelta(days=1)
    proposal.published_at = proposal.opens_at if status != "upcoming" else now
    proposal.announced_at = proposal.published_at if status != "upcoming" else None
    db.session.flush()
    return proposal


def make_contribution(proposal, community, author, *, identity="named", answers=None, **fields):
    """An online contribution answering every question of `proposal` (in a request context)."""
    from portal.consultations import contributions, services

    questions = services.questions(proposal)
    if answers is None:
        answers = {
            q.id: ("I would come in the evening.", 4 if q.kind == "scale" else None, [])
            for q in questions
        }
    contribution, _new = contributions.submit(
        author,
        proposal,
        questions,
        key=fields.pop("key", contributions.new_key()),
        identity=identity,
        quote_consent=fields.pop("quote_consent", False),
        answers=answers,
    )
    return contribution


def close(proposal):
    """Move a proposal's window into the past, so that it is closed now."""
    from datetime import timedelta

    now = utcnow()
    proposal.opens_at = now - timedelta(days=30)
    proposal.published_at = proposal.published_at or proposal.opens_at
    proposal.closes_at = now - timedelta(days=1)
    db.session.flush()
    return proposal


def make_decision(proposal, community, author, **fields):
    """A decision on `proposal` (closed first if it is still open)."""
    from datetime import date, timedelta

    from portal.impact import services

    if proposal.status() not in ("closed", "decided"):
        close(proposal)
    fields.setdefault("summary", "Open the clinic until 8pm on Tuesdays and Thursdays.")
    fields.setdefault("reasons", "Most people asked for evenings; two evenings are staffed.")
    fields.setdefault("decided_by", "Clinical governance committee")
    fields.setdefault("decided_on", date.today())
    fields.setdefault("kind", "approved")
    fields.setdefault("owner_id", author.id)
    fields.setdefault("target_on", date.today() + timedelta(days=90))
    return services.record_decision(author, proposal, **fields)


def make_change(community, author, **fields):
    """A planned service change of `community`."""
    from datetime import date, timedelta

    from portal.impact import services

    fields.setdefault("title", "Evening clinic on Tuesdays and Thursdays")
    fields.setdefault("description", "The day unit stays open until 8pm two evenings a week.")
    fields.setdefault("service_area", "Cancer care")
    fields.setdefault("owner_id", author.id)
    fields.setdefault("starts_on", date.today())
    fields.setdefault("target_on", date.today() + timedelta(days=180))
    return services.create_change(author, community, **fields)
