"""Account rules: registration, verification, sign-in, passwords and sessions.

Services add and flush; the request or command commits. They never touch
`request`: links for emails are built by the caller and passed in.
"""

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import cast

import sqlalchemy as sa
from flask import current_app

from .. import db, outbox
from ..db import utcnow
from ..tokens import InvalidToken, make_token, read_token
from . import passwords
from .models import User, UserSession, new_session_token, token_hash

VERIFY, RESET = "verify-email", "reset-password"


class PseudonymTaken(Exception):
    """Someone else already uses this pseudonym."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _check_pseudonym(pseudonym: str | None, user: User | None = None) -> None:
    if not pseudonym:
        return
    query = sa.select(User.id).where(sa.func.lower(User.pseudonym) == pseudonym.lower())
    if user is not None:
        query = query.where(User.id != user.id)
    if db.session.scalar(query) is not None:
        raise PseudonymTaken


def register(
    *,
    email: str,
    display_name: str,
    pseudonym: str | None,
    password: str,
    locale: str,
    verify_url: Callable[[str], str],
) -> User | None:
    """Create an account and send the verification email.

    If the email is already registered, nothing is created and the owner is
    told by email instead, so the page the visitor sees is the same either
    way: registration cannot be used to find out who has an account.
    `verify_url` turns a token into an absolute link.
    """
    existing = find_by_email(email)
    if existing is not None:
        outbox.queue(existing, "already_registered", in_app=False)
        return None
    user = _new_user(email, display_name, pseudonym, password, locale)
    send_verification(user, verify_url)
    return user


def create_verified_account(
    *, email: str, display_name: str, pseudonym: str | None, password: str, locale: str
) -> User | None:
    """An account for someone who proved they own the address (an invitation link).

    Returns None if the address already has an account.
    """
    if find_by_email(email) is not None:
        return None
    user = _new_user(email, display_name, pseudonym, password, locale)
    user.email_verified_at = utcnow()
    return user


def _new_user(
    email: str, display_name: str, pseudonym: str | None, password: str, locale: str
) -> User:
    _check_pseudonym(pseudonym)
    user = User(
        email=normalise_email(email),
        display_name=display_name,
        pseudonym=pseudonym,
        password_hash=passwords.hash_password(password),
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def verification_token(user: User) -> str:
    return make_token(VERIFY, {"u": user.id, "e": user.email})


def send_verification(user: User, verify_url: Callable[[str], str]) -> None:
    outbox.queue(user, "verify_email", in_app=False, link=verify_url(verification_token(user)))


def user_from_verification(token: str) -> User:
    """The account a verification link belongs to, or InvalidToken."""
    data = read_token(VERIFY, token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("e"):
        raise InvalidToken
    return user


def verify_email(token: str) -> User:
    user = user_from_verification(token)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The account for this email and password, or None. Unknown emails take as long."""
    user = find_by_email(email)
    if user is None:
        passwords.burn_time()
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def start_session(user: User, user_agent: str | None = "") -> UserSession:
    """A new signed-in device for this person; other devices stay signed in.

    Sets `user.session_token`, which Flask-Login keeps in the cookie. Sessions of this
    person that have ended or run out are removed.
    """
    _forget_old_sessions(user)
    return _new_session(user, *describe_device(user_agent or ""))


def _new_session(user: User, browser: str, system: str) -> UserSession:
    token = new_session_token()
    row = UserSession(user_id=user.id, token_hash=token_hash(token), browser=browser, system=system)
    db.session.add(row)
    db.session.flush()
    # models.py gives User.session_token and User.session_id the type None (`= None`).
    user.session_token, user.session_id = token, row.id  # type: ignore[assignment]
    return row


def _session_cutoff() -> datetime:
    cutoff: datetime = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return cutoff


def _live() -> sa.ColumnElement[bool]:
    return sa.and_(UserSession.ended_at.is_(None), UserSession.created_at > _session_cutoff())


def _forget_old_sessions(user: User) -> None:
    db.session.execute(
        sa.delete(UserSession).where(UserSession.user_id == user.id, sa.not_(_live()))
    )


MAX_LISTED_SESSIONS = 50


def live_sessions(user: User) -> Sequence[UserSession]:
    """The person's signed-in devices, newest first (a person has a handful at most)."""
    return db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, _live())
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        .limit(MAX_LISTED_SESSIONS)
    ).all()


def end_session(user: User, session_id: int | None) -> bool:
    """Sign one device out. Returns False if it is not one of this person's live sessions."""
    ended = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user.id, _live())
        .values(ended_at=utcnow())
    )
    # An UPDATE gives a CursorResult, though execute() is typed to return a Result.
    return cast("sa.CursorResult[()]", ended).rowcount == 1


def end_sessions(user: User) -> None:
    """Sign out everywhere: every device's cookie, and every copy of it, stops working."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, _live())
        .values(ended_at=utcnow())
    )


LARGEST_ID = 2**31 - 1  # a larger id in a cookie names nobody (and PostgreSQL would refuse it)


@cache
def _session_user_statement() -> sa.Select[User, int]:
    """The sign-in check of every request, built once per process: each request binds
    the cookie's user id and token, and the oldest start a live session may have."""
    return (
        sa.select(User, UserSession.id)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == sa.bindparam("user_id", type_=sa.Integer),
            UserSession.token_hash == sa.bindparam("token_hash", type_=sa.String),
            UserSession.ended_at.is_(None),
            UserSession.created_at > sa.bindparam("cutoff", type_=UserSession.created_at.type),
        )
    )


def load_session_user(session_id: str | None) -> User | None:
    """The user a session cookie names, if its device session is live: one query."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or int(user_id) > LARGEST_ID or not token:
        return None
    row = db.session.execute(
        _session_user_statement(),
        {"user_id": int(user_id), "token_hash": token_hash(token), "cutoff": _session_cutoff()},
    ).first()
    if row is None:
        return None
    user, this_session_id = row
    # models.py gives User.session_id and User.session_token the type None (`= None`).
    user.session_id = this_session_id  # type: ignore[assignment]
    user.session_token = token  # type: ignore[assignment]

    return user


_BROWSERS = (  # the order matters: Edge and Opera also say "Chrome", Chrome says "Safari"
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> tuple[str, str]:
    """(browser, system) named from a user agent, each "" when not recognised."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return browser, system


def _same(a: str, b: str) -> bool:
    return hashlib.sha256(a.encode()).digest() == hashlib.sha256(b.encode()).digest()


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def request_password_reset(email: str, reset_url: Callable[[str], str]) -> None:
    """Email a reset link if the account exists. The caller shows the same page either way."""
    user = find_by_email(email)
    if user is None:
        return
    token = make_token(RESET, {"u": user.id, "p": _password_fingerprint(user)})
    outbox.queue(user, "reset_password", in_app=False, link=reset_url(token))


def user_from_reset(token: str) -> User:
    """The account a reset link belongs to. A used link fails: the password changed."""
    data = read_token(RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or not _same(_password_fingerprint(user), str(data.get("p"))):
        raise InvalidToken
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_from_reset(token)
    _set_password(user, new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link proved they own the address
    outbox.queue(user, "password_changed")
    return user


class WrongPassword(Exception):
    """The current password given does not match."""


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A new password signs every device out, and this one in again with a new token
    (so even a copy of this device's cookie stops working). Flask-Login must be told
    of the new token (`login_user`)."""
    if not passwords.verify_password(user.password_hash, current_password):
        raise WrongPassword
    this = db.session.get(UserSession, user.session_id) if user.session_id else None
    _set_password(user, new_password)
    _new_session(user, this.browser if this else "", this.system if this else "")
    outbox.queue(user, "password_changed")


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    end_sessions(user)
    db.session.flush()


def update_profile(
    user: User,
    *,
    display_name: str,
    pseudonym: str | None,
    locale: str,
    email_notifications: bool = True,
) -> None:
    _check_pseudonym(pseudonym, user)
    user.display_name = display_name
    user.pseudonym = pseudonym
    user.locale = locale
    user.email_notifications = email_notifications
    db.session.flush()


def set_locale(user: User, locale: str) -> None:

    user.locale = locale
    db.session.flush()
