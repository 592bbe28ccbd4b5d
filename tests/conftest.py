"""Fixtures shared by the whole suite.

The schema is built once per database backend by running the migrations.
Each test runs inside a transaction that is rolled back at the end; the
app's own commits only release savepoints inside it.

Under pytest-xdist (`make test` runs `pytest -n auto`) each worker builds its own
PostgreSQL database, `<TEST_DATABASE_URL's name>_<worker>`, and drops it at the end;
each worker that runs browser tests starts its own live server and Chromium.
"""

import os
import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker

from portal import create_app, db
from portal.cli import alembic_config
from portal.extensions import limiter
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def pytest_configure(config):
    if IN_CI and not os.environ.get("TEST_DATABASE_URL"):
        pytest.exit("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests cannot run.", 2)


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql_only exist only for the PostgreSQL backend (never skipped)."""
    keep, drop = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("database_url")
        if item.get_closest_marker("postgresql_only") and backend != "postgresql":
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session, exitstatus):
    """Under CI, a run that executed no PostgreSQL or no browser test has failed.

    Under xdist only the controller decides: its terminal reporter sees every worker's
    reports, while each worker sees none of its own."""
    if hasattr(session.config, "workerinput"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    passed = reporter.stats.get("passed", [])
    counts = {
        "PostgreSQL": sum("[postgresql" in report.nodeid for report in passed),
        "browser": sum("tests/browser/" in report.nodeid for report in passed),
    }
    reporter.write("\n")  # the progress line of dots does not end itself
    reporter.write_line(
        f"Chorus: {counts['PostgreSQL']} PostgreSQL tests and "
        f"{counts['browser']} browser tests passed."
    )
    option = session.config.option
    selected_all = not option.keyword and not option.markexpr
    if IN_CI and selected_all and exitstatus == 0 and not all(counts.values()):
        reporter.write_line("CI=true: PostgreSQL and browser tests must both run.", red=True)
        session.exitstatus = 1


def fresh_postgresql(database_url, suffix):
    """An empty PostgreSQL database named after `database_url`'s with `suffix`, and a
    function that drops it."""
    base = sa.make_url(database_url)
    name = f"{base.database}_{suffix}"
    server = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    quoted = server.dialect.identifier_preparer.quote(name)
    with server.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")

    def drop():
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        server.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def postgresql_url():
    """TEST_DATABASE_URL; under xdist, a database of this worker's own beside it,
    created empty here and dropped at the end of the session."""
    url = os.environ["TEST_DATABASE_URL"]
    worker_id = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker_id:
        yield url
        return
    own, drop = fresh_postgresql(url, worker_id)
    try:
        yield own
    finally:
        drop()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'chorus-test.sqlite'}"
    return request.getfixturevalue("postgresql_url")


@pytest.fixture(scope="session")
def engine(database_url):
    """A database with the schema built by the migrations, from empty."""
    from alembic import command

    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(alembic_config(connection), "head")
    yield engine
    engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own application context, `g` and database session,
    as in production, even though the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(engine):
    app = create_app({"ENGINE": engine, "DATABASE_URL": engine.url.render_as_string(False)})
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(autouse=True)
def _transaction(request, app, engine):
    """Run the test inside a transaction that is always rolled back."""
    connection = engine.connect()
    outer = connection.begin()
    app.extensions["chorus_db"]["sessionmaker"] = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    limiter.reset()
    with app.app_context():
        yield connection
        db.session.remove()
    outer.rollback()
    connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session():
    return db.session


@pytest.fixture
def make_user():
    return factories.make_user


@pytest.fixture
def users(make_user):
    """One account per role the foundation knows: a member and a site admin."""
    return {
        "lay": make_user(email="lay.partner@example.org", display_name="Lay Partner"),
        "admin": make_user(email="site.admin@example.org", is_site_admin=True),
    }


def csrf_token(client, path="/"):
    """The CSRF token from a page's forms (every page has the language switcher)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, path, data=None, **kwargs):
    """Post a form the way a browser would: with the CSRF token from the page."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(path, data=data, **kwargs)


def sign_in_as(client, user):
    """Start a device session for the user and put it in the client's cookie, as the
    sign-in page would."""
    from portal.accounts.services import start_session

    start_session(user, "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = user.get_id()
        flask_session["_fresh"] = True
    return client


@pytest.fixture
def count_queries(engine):
    """Count the SQL statements a block of code sends (savepoint bookkeeping excluded)."""

    @contextmanager
    def counter():
        statements = []

        def before(_conn, _cursor, statement, _params, _context, _executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement, re.I):
                statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter


def outbox_link(user, kind):
    """The link in the newest message of this kind sent to this user."""
    from portal.outbox import OutboxMessage

    message = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.user_id == user.id, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no {kind} message for {user.email}"
    match = re.search(r"https?://\S+", message.body)
    assert match
    return match.group(0)


@pytest.fixture
def make_community():
    return factories.make_community


@pytest.fixture
def make_membership():
    return factories.make_membership


@pytest.fixture
def world(app, make_user):
    """Community A with one person in each role, and community B with its own coordinator."""
    a = factories.make_community(name="Alpha clinic", slug="alpha", visibility="request")
    b = factories.make_community(name="Beta ward", slug="beta", visibility="open")
    people = {
        "lay": make_user(email="lay@example.org", display_name="Lay Person", pseudonym="Robin"),
        "professional": make_user(email="pro@example.org", display_name="Dr Pro"),
        "coordinator": make_user(email="coord@example.org", display_name="Coord A"),
        "other_coordinator": make_user(email="coordb@example.org", display_name="Coord B"),
        "admin": make_user(email="admin@example.org", is_site_admin=True),
        "requester": make_user(email="asks@example.org", display_name="Asking Person"),
    }
    memberships = {
        "lay": factories.make_membership(people["lay"], a, use_pseudonym=True),
        "professional": factories.make_membership(people["professional"], a, "professional"),
        "coordinator": factories.make_membership(people["coordinator"], a, "coordinator"),
        "other_coordinator": factories.make_membership(
            people["other_coordinator"], b, "coordinator"
        ),
        "requester": factories.make_membership(people["requester"], a, status="pending"),
    }
    from portal.communities.models import ConsentRecord

    db.session.add(ConsentRecord(user_id=people["lay"].id, community_id=a.id, version=1))
    invitation = factories.make_invitation(a, "invitee@example.org")
    author = people["professional"]
    briefings = {
        "public": factories.make_briefing(a, author, title="Evening clinic"),
        "members": factories.make_briefing(a, author, title="Staff rota", visibility="members"),
        "draft": factories.make_briefing(a, author, title="Parking plans", publish=False),
    }
    terms = {
        "site": factories.make_term("oncology", "Care for people with cancer."),
        "a": factories.make_term("day unit", "Where you have treatment and go home.", community=a),
    }
    with app.test_request_context():  # notifications carry links
        proposals = {
            "open": factories.make_proposal(
                a,
                author,
                questions=[
                    {"prompt": "What do you think?", "kind": "text", "required": True},
                    {"prompt": "How good is it?", "kind": "scale"},
                ],
            ),
            "draft": factories.make_proposal(a, author, status="draft", title="Parking changes"),
            "b": factories.make_proposal(
                b, people["other_coordinator"], status="draft", title="Beta ward visiting"
            ),
        }
        contribution = factories.make_contribution(
            proposals["open"], a, people["lay"], quote_consent=True
        )
        from portal.consultations.review import theme_named

        theme = theme_named(proposals["open"], "Evening travel")
        from portal.consultations.moderation import report

        report(people["professional"], contribution, "It names a nurse.")
        from portal.consultations.models import Report

        reported = db.session.scalar(sa.select(Report))
    return {
        "a": a,
        "b": b,
        "people": people,
        "memberships": memberships,
        "invitation": invitation,
        "briefings": briefings,
        "terms": terms,
        "proposals": proposals,
        "contribution": contribution,
        "theme": theme,
        "report": reported,
    }
