"""Each key page sends the same few SQL statements however much data there is.

The pages are the benchmark's (`benchmarks/national.py`). The scale data set is
written twice, at two sizes, each into a fresh database of the backend under
test. Every page is asked for twice, as the benchmark does (the first request
fills the caches), and the statements of the second are counted: a page passes
when it answers 200 with at most `LIMIT` statements, the same number at both
sizes.
"""

import html
import re
from collections import Counter

import pytest
import sqlalchemy as sa
from alembic import command

from benchmarks.national import key_pages
from portal import create_app, db
from portal.accounts.models import User
from portal.cli import alembic_config
from portal.scale.run import run
from tests.conftest import FreshContextClient, fresh_postgresql, sign_in_as

# The smaller size is the least at which the busiest proposal has three pages in the
# review inbox (80 views); the larger one has three times the rows (240 views, and the
# heavy lay partner has 411 contributions).
FACTORS = (0.008, 0.024)
LIMIT = 12
CACHE_SECONDS = 60
DEEP_PAGE = 3
ACCOUNTS = {
    "lay": "heavy_lay_partner_email",
    "professional": "professional_email",
    "coordinator": "coordinator_email",
}
# The labels only: the paths need a manifest, which exists once the data is written.
LABELS = [
    label
    for label, _path, _who in key_pages(
        dict.fromkeys(("busiest_community_slug", "busiest_proposal_id", "briefing_id"), 0)
    )
]
TRANSACTION = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)
NEXT_LINK = re.compile(r'<a [^>]*\bhref="([^"]+)"[^>]*\brel="next"')


class Site:
    """Chorus on its own database holding the scale data set at one size, with caches
    on as in production, and a signed-in client for each account the pages need."""

    def __init__(self, url, factor):
        self.engine = db.make_engine(url)
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            command.upgrade(alembic_config(connection), "head")
        self.app = create_app(
            {
                "ENGINE": self.engine,
                "DATABASE_URL": url,
                "COMMUNITY_FIGURES_CACHE_SECONDS": CACHE_SECONDS,
                "CACHE_TYPE": "SimpleCache",
            }
        )
        self.app.test_client_class = FreshContextClient
        with self.app.app_context():
            self.manifest = run(factor=factor, echo=lambda *_args: None, progress=False)
        self.clients = {None: self.app.test_client()}
        for who, key in ACCOUNTS.items():
            client = self.app.test_client()
            with self.app.app_context():
                email = self.manifest[key]
                sign_in_as(client, db.session.scalar(sa.select(User).where(User.email == email)))
                db.session.commit()
            self.clients[who] = client
        self.statements = []
        sa.event.listen(self.engine, "before_cursor_execute", self._before)

    def _before(self, _conn, _cursor, statement, _params, _context, _executemany):
        # SQLite's BEGIN is sent as a statement, PostgreSQL's is not: neither is counted,
        # so that the limit means the same on both.
        if not TRANSACTION.match(statement):
            self.statements.append(statement)

    def page(self, label):
        """(path, who) of the key page with this label, at this size."""
        path, who = next((p, w) for name, p, w in key_pages(self.manifest) if name == label)
        return path, who

    def path_of(self, path, client):
        """The path to ask for: a deep page is reached by following its "next" links
        from the first page, so it works whether pages are numbered or keyed."""
        if "page=" not in path:
            return path
        path = re.sub(r"[?&]page=\d+", "", path)
        for _ in range(DEEP_PAGE - 1):
            answer = client.get(path)
            found = NEXT_LINK.search(answer.get_data(as_text=True))
            assert found, f"{path} has fewer than {DEEP_PAGE} pages at this size"
            path = html.unescape(found.group(1))
        return path

    def count(self, label):
        """(statements sent, status, path) for the second request of the page."""
        path, who = self.page(label)
        client = self.clients[who]
        path = self.path_of(path, client)
        client.get(path)
        self.statements.clear()
        status = client.get(path).status_code
        return list(self.statements), status, path

    def close(self):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        self.engine.dispose()


@pytest.fixture(scope="module")
def sites(database_url, tmp_path_factory):
    """One Site per size, each in a fresh database beside the suite's own."""
    made, drops = [], []
    for number, factor in enumerate(FACTORS):
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path_factory.mktemp('sizes') / f'size-{number}.sqlite'}"
        else:
            url, drop = fresh_postgresql(database_url, f"size_{number}")
            drops.append(drop)
        made.append(Site(url, factor))
    yield made
    for site in made:
        site.close()
    for drop in drops:
        drop()


def describe(statements):
    """The statements, one line each, shortened, for a failure message."""
    return "\n".join(f"  {' '.join(s.split())[:160]}" for s in statements)


def only_in(these, those):
    """The statements sent more often in `these` than in `those` (what repeats per row)."""
    return list((Counter(these) - Counter(those)).elements())


@pytest.mark.parametrize(
    "label", LABELS, ids=[label.replace("page 200", f"page {DEEP_PAGE}") for label in LABELS]
)
def test_a_key_page_sends_the_same_few_statements_at_both_sizes(sites, label):
    small, large = (site.count(label) for site in sites)
    (few, small_status, small_path), (many, large_status, large_path) = small, large
    assert (small_status, large_status) == (200, 200), (
        f"{label}: {small_path} answered {small_status}, {large_path} answered {large_status}"
    )
    message = (
        f"{label} ({large_path}): {len(few)} statements at factor {FACTORS[0]}, "
        f"{len(many)} at factor {FACTORS[1]} (at most {LIMIT}, the same at both).\n"
        f"At factor {FACTORS[1]}:\n{describe(many)}"
    )
    if len(few) != len(many):
        message += (
            f"\nOnly at factor {FACTORS[1]}:\n{describe(only_in(many, few))}"
            f"\nOnly at factor {FACTORS[0]}:\n{describe(only_in(few, many))}"
        )
    assert len(few) == len(many) <= LIMIT, message
