"""What Chorus writes to its log, and the request id that ties a log line to a request.

Every module logs with `logging.getLogger(__name__)`, under the "portal"
logger. In production each line is one JSON object (time, level, logger,
message, and within a request its id, method, path and the signed-in user's
id); elsewhere it is a line of text. Refusals (403, 429, a form's expired
token) are warnings; a failure inside the app is an error with its traceback.

Each request gets an id, sent back in the `X-Request-ID` header so that a
person who reports a problem can quote it. Behind a trusted proxy
(`PROXY_FIX_COUNT`), the proxy's own id is kept when it looks like one.
"""

import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
_PROXY_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id() -> str:
    """The id of the current request (made on first use)."""
    if "request_id" not in g:
        g.request_id = secrets.token_hex(8)
    return str(g.request_id)


def _request_fields() -> dict[str, Any]:
    if not has_request_context():
        return {}
    fields: dict[str, Any] = {
        "request_id": request_id(),
        "method": request.method,
        "path": request.path,
    }
    # The user is named only if the request has loaded them: logging never queries.
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        fields["user_id"] = user.id
    return fields


class JSONFormatter(logging.Formatter):
    """One JSON object per line, for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_request_fields(),
        }
        status = getattr(record, "status", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """A readable line for a developer's terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _request_fields()
        if fields:
            line += " [" + " ".join(f"{key}={value}" for key, value in fields.items()) + "]"
        return line


class StandardErrorHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a line is written (a server or a test may
    have replaced it since the app was built)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> Any:
        return sys.stderr


def init_app(app: Flask) -> None:
    logger = logging.getLogger("portal")
    logger.setLevel(app.config["LOG_LEVEL"])
    if app.config["LOG_TO_STDERR"]:
        handler = StandardErrorHandler()
        handler.set_name("chorus")
        handler.setFormatter(
            JSONFormatter() if app.config["LOG_FORMAT"] == "json" else TextFormatter()
        )
        # One handler, however many apps the process builds (the tests build many).
        for old in [h for h in logger.handlers if h.get_name() == "chorus"]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.propagate = False

    trust_proxy = bool(app.config["PROXY_FIX_COUNT"])

    @app.before_request
    def take_request_id() -> None:
        given = request.headers.get(HEADER, "")
        if trust_proxy and _PROXY_ID.fullmatch(given):
            g.request_id = given

    @app.after_request
    def send_request_id(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        return response
