"""Every model, imported in one place so Alembic and the tests see all tables."""

from .accounts.models import User
from .db import Base
from .outbox import OutboxMessage

__all__ = ["Base", "OutboxMessage", "User"]
