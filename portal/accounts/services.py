"""Account rules: registration, verification, sign-in, passwords and sessions.

Services add and flush; the request or command commits. They never touch
`request`: links for emails are built by the caller and passed in.
"""

import hashlib

import sqlalchemy as sa
from flask import current_app

from .. import db, outbox
from ..db import utcnow
from ..tokens import InvalidToken, make_token, read_token
from . import passwords
from .models import User

VERIFY, RESET = "verify-email", "reset-password"


class PseudonymTaken(Exception):
    """Someone else already uses this pseudonym."""


def normalise_email(email):
    return email.strip().lower()


def get_user(user_id):
    return db.session.get(User, user_id)


def find_by_email(email):
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _check_pseudonym(pseudonym, user=None):
    if not pseudonym:
        return
    query = sa.select(User.id).where(sa.func.lower(User.pseudonym) == pseudonym.lower())
    if user is not None:
        query = query.where(User.id != user.id)
    if db.session.scalar(query) is not None:
        raise PseudonymTaken


def register(*, email, display_name, pseudonym, password, locale, verify_url):
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


def create_verified_account(*, email, display_name, pseudonym, password, locale):
    """An account for someone who proved they own the address (an invitation link).

    Returns None if the address already has an account.
    """
    if find_by_email(email) is not None:
        return None
    user = _new_user(email, display_name, pseudonym, password, locale)
    user.email_verified_at = utcnow()
    return user


def _new_user(email, display_name, pseudonym, password, locale):
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


def verification_token(user):
    return make_token(VERIFY, {"u": user.id, "e": user.email})


def send_verification(user, verify_url):
    outbox.queue(user, "verify_email", in_app=False, link=verify_url(verification_token(user)))


def user_from_verification(token):
    """The account a verification link belongs to, or InvalidToken."""
    data = read_token(VERIFY, token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("e"):
        raise InvalidToken
    return user


def verify_email(token):
    user = user_from_verification(token)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def authenticate(email, password):
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


def start_session(user):
    """Rotate the session token at sign-in: any older copy of a cookie stops working."""
    user.rotate_session_token()
    db.session.flush()


def end_sessions(user):
    """Sign out everywhere: every cookie issued to this account stops working."""
    user.rotate_session_token()
    db.session.flush()


def load_session_user(session_id):
    """The user a session cookie names, if its token is still current."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not _same(user.session_token, token):
        return None
    return user


def _same(a, b):
    return hashlib.sha256(a.encode()).digest() == hashlib.sha256(b.encode()).digest()


def _password_fingerprint(user):
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def request_password_reset(email, reset_url):
    """Email a reset link if the account exists. The caller shows the same page either way."""
    user = find_by_email(email)
    if user is None:
        return
    token = make_token(RESET, {"u": user.id, "p": _password_fingerprint(user)})
    outbox.queue(user, "reset_password", in_app=False, link=reset_url(token))


def user_from_reset(token):
    """The account a reset link belongs to. A used link fails: the password changed."""
    data = read_token(RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or not _same(_password_fingerprint(user), str(data.get("p"))):
        raise InvalidToken
    return user


def reset_password(token, new_password):
    user = user_from_reset(token)
    _set_password(user, new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link proved they own the address
    outbox.queue(user, "password_changed")
    return user


class WrongPassword(Exception):
    """The current password given does not match."""


def change_password(user, current_password, new_password):
    if not passwords.verify_password(user.password_hash, current_password):
        raise WrongPassword
    _set_password(user, new_password)
    outbox.queue(user, "password_changed")


def _set_password(user, new_password):
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.rotate_session_token()
    db.session.flush()


def update_profile(user, *, display_name, pseudonym, locale, email_notifications=True):
    _check_pseudonym(pseudonym, user)
    user.display_name = display_name
    user.pseudonym = pseudonym
    user.locale = locale
    user.email_notifications = email_notifications
    db.session.flush()


def set_locale(user, locale):
    user.locale = locale
    db.session.flush()
