"""Signed, expiring links (email verification, password reset)."""

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(Exception):
    """The link is broken, expired or already used."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"chorus-{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return str(_serializer(purpose).dumps(payload))


def read_token(purpose: str, token: str, max_age: int) -> Any:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature) as exc:
        raise InvalidToken from exc
