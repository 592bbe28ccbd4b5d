"""The glossary: site-wide terms and each community's own, managed by coordinators."""

import unicodedata

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from .. import db, permissions
from ..communities.models import ACTIVE, COORDINATOR, Community, Membership
from ..communities.services import NotAllowed, Refused
from ..db import utcnow
from .models import GlossaryTerm

OTHER_INITIAL = "#"


def initial_of(term):
    """The letter a term is filed under: its first letter without accents, or "#"."""
    first = unicodedata.normalize("NFKD", term.strip()[:1])[:1]
    return first.upper() if first.isalpha() else OTHER_INITIAL


def terms_for(community_id, language):
    """Terms that apply to a community's briefings in `language`.

    A community's own term wins over a site-wide term with the same words.
    Looked up once per request.
    """
    key = (community_id, language)
    cache = g.setdefault("glossary_terms", {}) if has_request_context() else {}
    if key not in cache:
        rows = db.session.scalars(
            sa.select(GlossaryTerm)
            .where(
                GlossaryTerm.language == language,
                sa.or_(
                    GlossaryTerm.community_id.is_(None),
                    GlossaryTerm.community_id == community_id,
                ),
            )
            .order_by(GlossaryTerm.community_id.is_(None), GlossaryTerm.term)
        )
        chosen = {}
        for term in rows:
            chosen.setdefault(term.term.lower(), term)
        cache[key] = sorted(chosen.values(), key=lambda t: t.term.lower())
    return cache[key]


def forget_terms():
    """Drop the per-request list after the glossary changed."""
    if has_request_context():
        g.pop("glossary_terms", None)


def get(term_id):
    """A term and its community (None for site-wide), or (None, None)."""
    term = db.session.get(GlossaryTerm, term_id)
    if term is None:
        return None, None
    community = db.session.get(Community, term.community_id) if term.community_id else None
    return term, community


def _check(actor, community):
    if not permissions.can_manage_glossary(actor, community):
        raise NotAllowed


def _duplicate(term, community_id, language, exclude_id=None):
    query = sa.select(GlossaryTerm.id).where(
        sa.func.lower(GlossaryTerm.term) == term.lower(),
        GlossaryTerm.language == language,
        GlossaryTerm.community_id.is_(None)
        if community_id is None
        else GlossaryTerm.community_id == community_id,
    )
    if exclude_id is not None:
        query = query.where(GlossaryTerm.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def save(actor, community, *, term=None, language, word, explanation, say_instead=""):
    """Add a term (`term` None) or change one, in `community` or site-wide (None)."""
    _check(actor, community)
    word = word.strip()
    community_id = community.id if community is not None else None
    if _duplicate(word, community_id, language, exclude_id=term.id if term else None):
        raise Refused(_l("The glossary already explains “%(term)s”.", term=word))
    if term is None:
        term = GlossaryTerm()
        db.session.add(term)
    term.community_id = community_id
    term.language = language
    term.term = word
    term.initial = initial_of(word)
    term.explanation = explanation.strip()
    term.say_instead = (say_instead or "").strip()
    term.updated_by_id = actor.id
    term.updated_at = utcnow()
    db.session.flush()
    forget_terms()
    return term


def delete(actor, term, community):
    _check(actor, community)
    db.session.delete(term)
    db.session.flush()
    forget_terms()


def listing_query(*, letter="", language="", community_id=None):
    """Terms A to Z with the name of their community (None for site-wide)."""
    query = (
        sa.select(GlossaryTerm, Community.name, Community.slug)
        .outerjoin(Community, Community.id == GlossaryTerm.community_id)
        .order_by(GlossaryTerm.initial, sa.func.lower(GlossaryTerm.term), GlossaryTerm.id)
    )
    if letter:
        query = query.where(GlossaryTerm.initial == letter)
    if language:
        query = query.where(GlossaryTerm.language == language)
    if community_id:
        query = query.where(
            sa.or_(GlossaryTerm.community_id.is_(None), GlossaryTerm.community_id == community_id)
        )
    return query


def initials(language=""):
    """The letters that have at least one term, for the A to Z links."""
    query = sa.select(GlossaryTerm.initial).distinct().order_by(GlossaryTerm.initial)
    if language:
        query = query.where(GlossaryTerm.language == language)
    return list(db.session.scalars(query))


def managed_communities(actor):
    """Communities whose terms `actor` may manage, for the form's choices."""
    return db.session.execute(
        sa.select(Community.id, Community.name)
        .join(Membership, Membership.community_id == Community.id)
        .where(
            Membership.user_id == actor.id,
            Membership.role == COORDINATOR,
            Membership.status == ACTIVE,
        )
        .order_by(Community.name)
    ).all()
