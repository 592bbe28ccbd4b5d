"""The log operators read, the request id a person can quote, and the health check."""

import json
import logging

import pytest
from flask import abort
from flask_login import current_user

from portal import create_app
from tests.conftest import sign_in_as


def test_health_check_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_health_check_answers_503_when_the_database_cannot_be_reached(tmp_path, caplog):
    unreachable = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"})
    with caplog.at_level(logging.ERROR, logger="portal"):
        response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == ["Health check: the database cannot be reached"]
    assert errors[0].exc_info is not None


def test_each_response_carries_its_own_request_id(client):
    first = client.get("/accessibility").headers["X-Request-ID"]
    second = client.get("/accessibility").headers["X-Request-ID"]
    assert len(first) == 16 and first != second


def test_a_request_id_from_the_browser_is_not_trusted(client):
    response = client.get("/accessibility", headers={"X-Request-ID": "made-up-by-a-visitor"})
    assert response.headers["X-Request-ID"] != "made-up-by-a-visitor"


def test_a_request_id_from_the_trusted_proxy_is_kept(engine):
    behind_proxy = create_app(
        {"ENGINE": engine, "DATABASE_URL": engine.url.render_as_string(False), "PROXY_FIX_COUNT": 1}
    )
    client = behind_proxy.test_client()
    kept = client.get("/accessibility", headers={"X-Request-ID": "proxy-id-0001"})
    assert kept.headers["X-Request-ID"] == "proxy-id-0001"
    odd = client.get("/accessibility", headers={"X-Request-ID": "a b"})
    assert odd.headers["X-Request-ID"] != "a b"


def test_a_refusal_is_a_warning_with_its_status(client, users, caplog):
    sign_in_as(client, users["lay"])
    with caplog.at_level(logging.INFO, logger="portal"):
        response = client.get("/my-work")  # a lay partner has no work queue
    assert response.status_code == 403
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [(r.getMessage(), r.status) for r in warnings] == [("Refused: Forbidden", 403)]


def test_a_form_with_an_expired_token_is_a_warning(app, caplog):
    was = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with caplog.at_level(logging.WARNING, logger="portal"):
            response = app.test_client().post("/language", data={"locale": "cy"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = was
    assert response.status_code == 400
    assert [r.status for r in caplog.records if r.levelno == logging.WARNING] == [400]


@pytest.fixture
def json_log(app, engine, capsys):
    """An app that logs as production does (JSON on standard error), and a reader of its lines.

    It reads the database through the test's transaction, as the suite's own app does."""
    tests_app = app
    app = create_app(
        {
            "ENGINE": engine,
            "DATABASE_URL": engine.url.render_as_string(False),
            "LOG_TO_STDERR": True,
            "LOG_FORMAT": "json",
            "PROPAGATE_EXCEPTIONS": False,  # a fault becomes the 500 page, as in production
        }
    )

    @app.get("/test-only/fails")
    def fails():
        raise RuntimeError("a fault inside Chorus")

    @app.get("/test-only/refused")
    def refused():
        if current_user.is_authenticated:  # as a real page, it looks at who asks
            abort(403)
        return "not refused"

    app.extensions["chorus_db"]["sessionmaker"] = tests_app.extensions["chorus_db"]["sessionmaker"]
    app.test_client_class = tests_app.test_client_class
    capsys.readouterr()

    def lines():
        return [json.loads(line) for line in capsys.readouterr().err.splitlines()]

    yield app, lines
    logger = logging.getLogger("portal")
    for handler in [h for h in logger.handlers if h.get_name() == "chorus"]:
        logger.removeHandler(handler)
    logger.propagate = True


def test_production_logs_one_json_object_a_line_with_the_request(json_log, users):
    app, lines = json_log
    client = app.test_client()
    sign_in_as(client, users["lay"])
    response = client.get("/test-only/refused")
    (entry,) = lines()
    assert entry["level"] == "WARNING"
    assert entry["message"] == "Refused: Forbidden"
    assert entry["status"] == 403
    assert entry["method"] == "GET" and entry["path"] == "/test-only/refused"
    assert entry["request_id"] == response.headers["X-Request-ID"]
    assert entry["user_id"] == users["lay"].id
    assert entry["time"].endswith("+00:00")


def test_a_fault_is_logged_as_an_error_with_its_traceback(json_log):
    app, lines = json_log
    response = app.test_client().get("/test-only/fails")
    assert response.status_code == 500
    (entry,) = lines()
    assert entry["level"] == "ERROR"
    assert entry["path"] == "/test-only/fails"
    assert "RuntimeError: a fault inside Chorus" in entry["exception"]
    assert "user_id" not in entry
