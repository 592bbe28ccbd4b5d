"""The signed-in user's in-app notifications."""

import sqlalchemy as sa
from flask import Blueprint, g, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..outbox import OutboxMessage
from ..pagination import paginate
from .services import unread_count

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_notifications_count():
    """The signed-in person's unread notifications, counted once per request (header)."""
    if "unread_notifications" not in g:
        g.unread_notifications = unread_count(current_user)
    return g.unread_notifications


@bp.get("/notifications")
@login_required
def index():
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.user_id == current_user.id, OutboxMessage.in_app.is_(True))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    return render_template(
        "notifications/index.html", page=paginate(query), title=_("Notifications")
    )
