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
