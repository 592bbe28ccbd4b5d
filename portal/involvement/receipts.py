"""Receipts for expense claims: checked, then kept outside the web root under a random name.

The name a person's file had is kept only to show and to offer on download;
it never becomes part of a path. A file is accepted only when its first bytes
match its type (PDF, JPEG or PNG), whatever its name claims.
"""

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..communities.services import Refused

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
    shown = Path((upload.filename or "").replace("\\", "/")).name[:150] or "receipt"
    return stored, shown, content_type


def path_of(stored):
    """Where a stored receipt is, refusing any name that is not one we made."""
    if not stored or "/" in stored or "\\" in stored or stored.startswith("."):
        return None
    path = folder() / stored
    return path if path.is_file() else None


def remove(stored):
    path = path_of(stored)
    if path is not None:
        path.unlink()
