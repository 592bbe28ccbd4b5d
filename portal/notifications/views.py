"""The signed-in user's in-app notifications, how they are delivered, and follows."""

from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..outbox import OutboxMessage
from ..pagination import paginate
from . import follows, services
from .forms import PreferencesForm
from .preferences import DIGEST_HOUR, DIGEST_WEEKDAY, EMAIL, TOPICS, settings_for


def following_proposal(proposal):
    return follows.is_following(current_user, proposal=proposal)


def following_change(change):
    return follows.is_following(current_user, change=change)


def _page_arg():
    page = request.args.get("page", 1, type=int)
    return page if page and page > 1 else None


@login_required
def index():
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.user_id == current_user.id, OutboxMessage.in_app.is_(True))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    return render_template(
        "notifications/index.html",
        page=paginate(query, key=(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())),
        page_arg=_page_arg(),
        title=_("Notifications"),
    )


def _own_or_404(message_id):
    message = services.mark_read(current_user, message_id)
    if message is None:
        abort(404)
    return message


@login_required
def mark_read(message_id):
    _own_or_404(message_id)
    return redirect(url_for(".index", page=_page_arg()))


@login_required
def open_link(message_id):
    """Mark the notification read and go to the page it is about (on this site only)."""
    message = _own_or_404(message_id)
    if not message.link:
        return redirect(url_for(".index", page=_page_arg()))
    parts = urlsplit(message.link)
    return redirect(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))


@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    if count:
        flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for(".index"))


@login_required
def preferences():
    settings = settings_for(current_user)
    form = PreferencesForm()
    if request.method == "GET":
        quiet = not current_user.email_notifications
        for topic in TOPICS:
            form[topic].data = "site" if quiet else getattr(settings, topic, EMAIL)
        form.digest_hour.data = settings.digest_hour if settings else DIGEST_HOUR
        form.digest_weekday.data = settings.digest_weekday if settings else DIGEST_WEEKDAY
    if form.validate_on_submit():
        services.save_preferences(
            current_user,
            {topic: form[topic].data for topic in TOPICS},
            digest_hour=form.digest_hour.data,
            digest_weekday=form.digest_weekday.data,
        )
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for(".preferences"))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "notifications/preferences.html",
            form=form,
            title=_("How we tell you about news"),
        ),
        status,
    )


# Following ------------------------------------------------------------------------------


@login_required
def follow_proposal(proposal_id):
    proposal = follows.proposal_of(proposal_id)
    if proposal is None or not permissions.can_follow_proposal(current_user, proposal):
        abort(404)
    if request.form.get("action") == "stop":
        follows.unfollow(current_user, proposal=proposal)
        flash(_("You no longer follow this proposal."), "success")
    else:
        follows.follow(current_user, proposal=proposal)
        flash(_("You follow this proposal. We will tell you when it moves on."), "success")
    return redirect(url_for("consultations.show", proposal_id=proposal.id))


@login_required
def follow_change(change_id):
    change = follows.change_of(change_id)
    if change is None or not permissions.can_follow_change(current_user, change):
        abort(404)
    if request.form.get("action") == "stop":
        follows.unfollow(current_user, change=change)
        flash(_("You no longer follow this change."), "success")
    else:
        follows.follow(current_user, change=change)
        flash(_("You follow this change. We will tell you when it moves on."), "success")
    return redirect(url_for("impact.change", change_id=change.id))
