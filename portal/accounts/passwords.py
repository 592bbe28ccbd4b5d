"""Password hashing (argon2id) and the list of passwords too common to allow."""

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 128


def _hasher():
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password):
    return _hasher().hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the hash was made with older, weaker settings."""
    return _hasher().check_needs_rehash(password_hash)


@cache
def _dummy_hash():
    return _hasher().hash("chorus-timing-guard")


def burn_time():
    """Spend as long as a real check, so unknown emails answer as slowly as known ones."""
    verify_password(_dummy_hash(), "not the password")


@cache
def common_passwords():
    """About 20,000 of the most used passwords (the list Django ships, BSD licence)."""
    path = Path(__file__).with_name("common-passwords.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def is_common(password):
    return password.strip().lower() in common_passwords()
