"""Browser fixtures: one live Chorus server and one headless Chromium per test session.

The server runs the real app on a SQLite file built by the migrations and
filled with the demo data. Browser tests talk to it over HTTP, so they do not
use the per-test rolled-back transaction of the root conftest.
"""

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app, db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _transaction():
    """Replace the root per-test transaction: browser tests use the live server's database."""
    yield


@dataclass
class LiveServer:
    """The running app: its base URL, and the app for reading or preparing data."""

    app: object
    url: str

    def __call__(self, path):
        return self.url + path

    def outbox_link(self, email, kind):
        """The link in the newest message of this kind sent to this address."""
        from portal.outbox import OutboxMessage

        with self.app.app_context():
            body = db.session.scalar(
                sa.select(OutboxMessage.body)
                .where(OutboxMessage.to_email == email, OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id.desc())
            )
        assert body is not None, f"no {kind} message for {email}"
        match = re.search(r"https?://\S+", body)
        assert match, f"no link in the {kind} message for {email}"
        return match.group(0)


class QuietRequestHandler(WSGIRequestHandler):
    """Keep one line per request out of the test output; errors are still logged."""

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Chorus served on 127.0.0.1 from a thread, with a migrated SQLite file and demo data."""
    from portal.cli import upgrade
    from portal.demo import load

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'chorus-browser.sqlite'}"
    engine = db.make_engine(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "ENGINE": engine,
            "RATELIMIT_ENABLED": False,
            # Let the browser reuse the design system's files instead of asking on every page.
            "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        }
    )
    with app.app_context():
        upgrade()
        load(echo=lambda *_: None)
        db.session.commit()

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"  # emails link here
    thread = threading.Thread(target=server.serve_forever, name="chorus-live-server", daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session (Playwright's own download fails here)."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium'."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but browser tests cannot run. {message}", pytrace=False)
        pytest.skip(f"browser tests skipped. {message}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()
