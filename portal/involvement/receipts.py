"""Receipts for expense claims: checked, then kept outside the web root under a random name.

The name a person's file had is kept only to show and to offer on download;
it never becomes part of a path. A file is accepted only when its first bytes
match its type (PDF, JPEG or PNG), whatever its name claims.

Files follow the transaction that names them. A new receipt is written before
the commit, so a saved claim never points at a missing file, and is deleted
again if the transaction rolls back. A receipt a claim no longer names is
deleted only once that change is committed, so a failed save loses nothing.
"""

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from .. import db
from ..communities.services import Refused

WRITTEN, UNNAMED = "receipts_written", "receipts_unnamed"

SIGNATURES = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}


def folder():
    path = Path(current_app.config["RECEIPTS_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def kind_of(head):
    """The receipt's type from its first bytes, or None."""
    for content_type, (signature, _suffix) in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def store(upload):
    """Check and keep an uploaded receipt. Returns (stored name, shown name, type).

    Refuses an empty file, one over the size limit, or one that is not a PDF,
    JPEG or PNG.
    """
    limit = current_app.config["RECEIPT_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise Refused(_l("The receipt file is empty. Choose the file again"))
    if len(data) > limit:
        raise Refused(
            _l("The receipt must be smaller than %(size)d MB", size=limit // (1024 * 1024))
        )
    content_type = kind_of(data[:16])
    if content_type is None:
        raise Refused(_l("The receipt must be a PDF, JPG or PNG file"))
    stored = secrets.token_hex(16) + SIGNATURES[content_type][1]
    (folder() / stored).write_bytes(data)
    db.session.info.setdefault(WRITTEN, []).append(stored)
    shown = Path((upload.filename or "").replace("\\", "/")).name[:150] or "receipt"
    return stored, shown, content_type


def path_of(stored):
    """Where a stored receipt is, refusing any name that is not one we made."""
    if not stored or "/" in stored or "\\" in stored or stored.startswith("."):
        return None
    path = folder() / stored
    return path if path.is_file() else None


def remove_after_commit(stored):
    """Delete a receipt the claim no longer names, once that change is committed."""
    if stored:
        db.session.info.setdefault(UNNAMED, []).append(stored)


def _delete(names):
    for stored in names:
        path = path_of(stored)
        if path is not None:
            path.unlink(missing_ok=True)


def _after_commit(session):
    session.info.pop(WRITTEN, None)
    _delete(session.info.pop(UNNAMED, ()))


def _after_rollback(session, previous_transaction):
    if previous_transaction.nested:  # a savepoint: the transaction goes on
        return
    session.info.pop(UNNAMED, None)
    _delete(session.info.pop(WRITTEN, ()))


def listen():
    """Delete receipts as their transaction ends. Connected once, from
    `signals.connect_receivers`, for every session (the tests make their own)."""
    db.listen_once(
        (Session, "after_commit", _after_commit),
        (Session, "after_soft_rollback", _after_rollback),
    )
