"""The signed-in user's in-app notifications."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..outbox import OutboxMessage
from ..pagination import paginate

bp = Blueprint("notifications", __name__)


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
