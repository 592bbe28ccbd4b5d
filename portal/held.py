"""Held text: what someone typed into a long form is not lost when their session ends.

When such a form is sent after the session has ended, or with a CSRF token that
has expired, the submitted fields are held here (never the CSRF token), the
person signs in if they need to, and they land back on the page the form was on
with their text in it, once. A held form is given back only to the account that
sent it, or, if the sender was not known, to whoever signs in from that browser:
its random token travels only in that browser's signed session cookie.
"""

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict

from . import db
from .db import Base, UTCDateTime, utcnow
from .extensions import limiter


class HeldText(Base):
    """A long form's fields, sent when they could not be accepted; kept for a day."""

    __tablename__ = "held_texts"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(sa.String(2000))  # the form's page (a GET page)
    data: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


HELD_FOR = timedelta(days=1)
SESSION_KEY = "held_text"
_PAGE = "chorus_held_page"


def keeps_text(page=None):
    """Mark a view whose form holds long text: what it is sent is never lost.

    `page` is the endpoint of the GET page the form is on, built with the POST URL's
    own arguments; leave it out when the form's page and its POST URL are the same.
    """

    def mark(view):
        setattr(view, _PAGE, page or "")
        return view

    return mark


def _page_of_this_request():
    """The path of the page the form being sent is on, or None if it holds no text."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    page = getattr(view, _PAGE, None)
    if page is None:
        return None
    if page:
        return url_for(page, **(request.view_args or {}))
    return _this_path()


def _this_path():
    return request.full_path.rstrip("?")


def _sender_id():
    """Who sent the form: the signed-in person, or the one their ended session named."""
    if current_user.is_authenticated:
        return current_user.id
    user_id = str(session.get("_user_id") or "").partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def hold(path, user_id, data):
    """Keep a form's fields (without the CSRF token) for a day; return the token."""
    db.session.execute(sa.delete(HeldText).where(HeldText.created_at < utcnow() - HELD_FOR))
    token = secrets.token_urlsafe(32)
    fields = {key: values for key, values in data.items() if key != "csrf_token"}
    db.session.add(HeldText(token=token, user_id=user_id, path=path, data=fields))
    db.session.flush()
    return token


def claim(token, user):
    """At sign-in: the held form this browser kept, if it is this person's (or nobody's
    yet, and now theirs). Returns its page's path, or None."""
    held = db.session.get(HeldText, token) if token else None
    if held is None or held.created_at < utcnow() - HELD_FOR:
        return None
    if held.user_id is None:
        held.user_id = user.id
        db.session.flush()
    return held.path if held.user_id == user.id else None


def take(token, user, path):
    """The held fields for this person on this page, once (the row is deleted)."""
    held = db.session.get(HeldText, token) if token else None
    if held is None or held.user_id != user.id or held.path != path:
        return None
    data = held.data if held.created_at > utcnow() - HELD_FOR else None
    db.session.delete(held)
    db.session.flush()
    return data


def _from_this_site():
    """Whether the form was sent from a page of this site. A form another site makes a
    browser send must not plant text in someone's form, nor replace their session cookie.
    Browsers send `Origin` with every form; a request with neither header is no browser's."""
    sent_from = request.headers.get("Origin") or request.referrer
    return not sent_from or urlsplit(sent_from).netloc == request.host


def _hold_this_form(page):
    if not _from_this_site():
        return None
    if current_user.is_authenticated:
        token = hold(page, current_user.id, request.form.to_dict(flat=False))
    else:
        token = _hold_for_someone_signed_out(page)
    if token is None:
        return None
    session[SESSION_KEY] = token
    if current_user.is_authenticated:
        return redirect(page)
    flash(_("You were signed out. Sign in again and what you typed will be waiting."), "info")
    return redirect(url_for("accounts.sign_in", next=page))


def _hold_for_someone_signed_out(page):
    """Hold a form sent without a session, up to a limit per address (see config)."""
    try:
        with limiter.limit(lambda: current_app.config["HELD_TEXT_LIMIT"], scope="held-text"):
            return hold(page, _sender_id(), request.form.to_dict(flat=False))
    except RateLimitExceeded:
        return None


def after_csrf_failure():
    """A long form sent with an expired CSRF token: hold it and show its page again
    (after signing in, if the session has ended too). None for any other form."""
    page = _page_of_this_request()
    if page is None or request.method != "POST":
        return None
    return _hold_this_form(page)  # None over the limit: the usual page


def page_to_return_to():
    """For a form sent after the session ended: the page it was on, never a POST-only URL."""
    page = _page_of_this_request()
    if page is not None:
        return page
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


def held_data():
    """The fields given back to this request's page (see `KeptForm`), or None."""
    return g.get("held_data")


def init_app(app):
    @app.before_request
    def hold_or_give_back():
        if request.endpoint in (None, "static"):
            return None
        if request.method == "POST" and not current_user.is_authenticated:
            page = _page_of_this_request()
            return _hold_this_form(page) if page is not None else None  # else: sign-in page
        if request.method == "GET" and session.get(SESSION_KEY) and current_user.is_authenticated:
            # Signed in again, the next page is the form's: its text is given back there.
            data = take(session.pop(SESSION_KEY), current_user, _this_path())
            if data is not None:
                g.held_data = MultiDict([(k, v) for k, vs in data.items() for v in vs])
                flash(_("We kept what you typed. Check it and send it again."), "info")
        return None
