"""Keyset pagination: pages turned by cursor see every row once, cost what the first page
costs, and refuse a cursor that is not theirs."""

import base64
import html
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.consultations import services
from portal.consultations.models import Answer, Contribution
from portal.pagination import Page, encode_cursor, paginate
from tests.conftest import sign_in_as

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _contributions(proposal, count, *, at=START, step=timedelta(minutes=-1), ties=1):
    """`count` anonymous contributions with answers, inserted in bulk; each `ties` of them
    share a time, so that only the id tells them apart."""
    question = services.questions(proposal)[0]
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = list(range(first, first + count))
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "community_id": proposal.community_id,
                "identity": "anonymous",
                "idempotency_key": f"keyset-{i}",
                "submitted_at": at + step * (n // ties),
            }
            for n, i in enumerate(ids)
        ],
    )
    db.session.execute(
        sa.insert(Answer),
        [{"contribution_id": i, "question_id": question.id, "text": f"View {i}"} for i in ids],
    )
    return ids


def _newest_first(proposal):
    return list(
        db.session.scalars(
            sa.select(Contribution.id)
            .where(Contribution.proposal_id == proposal.id, Contribution.withdrawn_at.is_(None))
            .order_by(Contribution.submitted_at.desc(), Contribution.id.desc())
        )
    )


def _shown(text):
    return [int(i) for i in re.findall(r'name="selected" type="checkbox" value="(\d+)"', text)]


def _link(text, rel):
    """The href of the pager's previous or next link, or None."""
    found = re.search(rf'href="([^"]*)" rel="{rel}"', text)
    return html.unescape(found.group(1)) if found else None


@pytest.fixture
def reviewer(client, world):
    sign_in_as(client, world["people"]["professional"])
    return client


def test_walking_the_inbox_forward_and_back_sees_every_contribution_once(reviewer, world):
    proposal = world["proposals"]["open"]
    _contributions(proposal, 60, ties=3)  # 61 with the world's: three pages of 25
    path = f"/review?proposal={proposal.id}"
    forward, pages = [], []
    while path:
        text = reviewer.get(path).get_data(as_text=True)
        pages.append(_shown(text))
        forward += pages[-1]
        path = _link(text, "next")
        assert path is None or "after=" in path
        assert f"Page {len(pages) + 1}" in text or path is None
    assert [len(page) for page in pages] == [25, 25, 11]
    assert forward == _newest_first(proposal)

    backward = []
    path = _link(text, "prev")
    while path:
        assert "after=" not in path
        text = reviewer.get(path).get_data(as_text=True)
        backward = _shown(text) + backward
        path = _link(text, "prev")
    assert backward + pages[-1] == forward
    assert f"proposal={proposal.id}" in _link(text, "next")  # the filters are kept


def test_a_mixed_order_walks_both_ways(app, world):
    """Newest first, then lowest id first among views sent at the same time."""
    proposal = world["proposals"]["open"]
    _contributions(proposal, 23, ties=4)
    key = (Contribution.submitted_at.desc(), Contribution.id.asc())
    query = sa.select(Contribution).where(Contribution.proposal_id == proposal.id)
    expected = list(db.session.scalars(query.with_only_columns(Contribution.id).order_by(*key)))
    seen, arguments = [], {}
    while True:
        with app.test_request_context("/", query_string=arguments):
            page = paginate(query, 5, key=key)
            seen += [contribution.id for contribution in page.items]
            if not page.has_next:
                arguments = page.previous_arguments()
                break
            arguments = page.next_arguments()
    assert seen == expected
    back = []
    while page.has_previous:
        with app.test_request_context("/", query_string=arguments):
            page = paginate(query, 5, key=key)
            back = [contribution.id for contribution in page.items] + back
            arguments = page.previous_arguments()
    assert back == expected[: len(back)] and len(back) == 20


def test_contributions_arriving_meanwhile_neither_repeat_nor_skip(reviewer, world):
    proposal = world["proposals"]["open"]
    _contributions(proposal, 40)
    before = _newest_first(proposal)
    path = f"/review?proposal={proposal.id}"
    first = reviewer.get(path).get_data(as_text=True)
    assert _shown(first) == before[:25]
    _contributions(proposal, 5, at=datetime.now(UTC))  # newer than all: at the top
    second = reviewer.get(_link(first, "next")).get_data(as_text=True)
    assert _shown(second) == before[25:]
    assert _link(second, "next") is None
    assert _link(second, "prev") == path  # page 1 is the first page, as it is now


def _cursor(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        "after=not-a-cursor!",
        "after=" + _cursor("not json"),
        "after=" + _cursor('{"a": 1}'),
        "after=" + _cursor("[1]"),
        "after=" + _cursor('["2026-11-01T09:00:00+00:00", "1"]'),
        "after=" + _cursor('["2026-11-01T09:00:00", 1]'),  # no time zone
        "after=" + _cursor('["2026-13-01T09:00:00+00:00", 1]'),
        "after=" + _cursor('["9999-12-31T23:59:59-14:00", 1]'),
        "after=" + _cursor('["2026-11-01T09:00:00+00:00", true]'),
        "after=" + _cursor('["2026-11-01T09:00:00+00:00", 1e400]'),
        "after=" + _cursor(f'["2026-11-01T09:00:00+00:00", {10**30}]'),
        "after=" + _cursor("[null, 1]"),
        "before=" + "A" * 2000,
        "after="
        + _cursor('["2026-11-01T09:00:00+00:00", 1]')
        + "&before="
        + _cursor('["2026-11-01T09:00:00+00:00", 1]'),
    ],
)
def test_a_malformed_cursor_is_a_bad_request(reviewer, world, query):
    assert reviewer.get(f"/review?{query}&page=2").status_code == 400


def test_past_the_end_is_not_found(reviewer, world):
    proposal = world["proposals"]["open"]
    _contributions(proposal, 30)
    last = db.session.get(Contribution, _newest_first(proposal)[-1])
    after = encode_cursor([last.submitted_at, last.id])
    assert reviewer.get(f"/review?proposal={proposal.id}&page=99").status_code == 404
    assert reviewer.get(f"/review?proposal={proposal.id}&after={after}&page=3").status_code == 404
    assert reviewer.get(f"/review?proposal={proposal.id}&page=2").status_code == 200  # by offset


@contextmanager
def _inbox_reads(engine):
    """The statement that pages the inbox (it reads the ids of its contributions in
    order, before their rows are read by id), with its parameters."""
    reads = []

    def before(_conn, _cursor, statement, parameters, _context, _executemany):
        flat = " ".join(statement.split())
        if flat.startswith("SELECT contributions.id, contributions.submitted_at FROM"):
            reads.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield reads
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def _offset(statement, parameters):
    """The OFFSET a statement skips. SQLite always writes one, as 0 when the query has none."""
    found = re.search(r"\bOFFSET\s+(?:%\((\w+)\)s|\?)", statement)
    if found is None:
        return 0
    if isinstance(parameters, dict):  # psycopg: OFFSET %(name)s
        return parameters[found.group(1)]
    assert statement.rstrip().endswith("OFFSET ?")
    return parameters[-1]


def test_a_deep_page_costs_what_the_first_costs_and_reads_no_offset(
    reviewer, world, engine, count_queries
):
    proposal = world["proposals"]["open"]
    _contributions(proposal, 3000, ties=2)
    order = _newest_first(proposal)
    deep = db.session.get(Contribution, order[2499])
    after = encode_cursor([deep.submitted_at, deep.id])
    reviewer.get(f"/review?proposal={proposal.id}")
    with count_queries() as first:
        page_one = reviewer.get(f"/review?proposal={proposal.id}").get_data(as_text=True)
    with count_queries() as deep_statements, _inbox_reads(engine) as by_cursor:
        deep_page = reviewer.get(f"/review?proposal={proposal.id}&after={after}&page=101")
    text = deep_page.get_data(as_text=True)
    assert deep_page.status_code == 200 and "Page 100" in text and "Page 102" in text
    assert _shown(text) == order[2500:2525] and _shown(page_one) == order[:25]
    assert len(deep_statements) == len(first)
    [(statement, parameters)] = by_cursor
    assert _offset(statement, parameters) == 0 and "LIMIT" in statement
    with _inbox_reads(engine) as by_number:  # a typed page number still works, by OFFSET
        typed = reviewer.get(f"/review?proposal={proposal.id}&page=101").get_data(as_text=True)
    assert _shown(typed) == order[2500:2525] and _offset(*by_number[0]) == 2500


def test_the_two_lists_of_the_approvals_queue_keep_each_others_cursor(app):
    with app.test_request_context("/?after=P&page=3&claims_after=C&claims_page=2&year=2026"):
        claims = Page([], 2, True, "claims_page", after="D", before="B")
        assert claims.next_arguments() == {
            "after": ["P"],
            "page": ["3"],
            "year": ["2026"],
            "claims_page": 3,
            "claims_after": "D",
        }
        assert claims.previous_arguments() == {"after": ["P"], "page": ["3"], "year": ["2026"]}
        payments = Page([], 3, False, after="Q", before="R")
        assert payments.previous_arguments()["before"] == "R"
        assert "after" not in payments.previous_arguments()


def _walk(client, path, pattern):
    """Follow the next links from `path`, then the previous links back: the ids that
    `pattern` finds on each page, forward and backward."""
    forward, pages = [], 0
    while path:
        response = client.get(path)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        forward += [int(i) for i in re.findall(pattern, text)]
        pages += 1
        last_shown, path = [int(i) for i in re.findall(pattern, text)], _link(text, "next")
    backward, path = last_shown, _link(text, "prev")
    while path:
        text = client.get(path).get_data(as_text=True)
        backward = [int(i) for i in re.findall(pattern, text)] + backward
        path = _link(text, "prev")
    return forward, backward, pages


def test_members_by_name_turn_their_pages_by_cursor(client, world, make_user):
    from portal.communities.models import Membership
    from tests import factories

    a = world["a"]
    for number in range(45):  # five people of each name: only the id tells them apart
        person = make_user(display_name=f"Member {'ABCDEFGHI'[number % 9]}")
        factories.make_membership(person, a)
    expected = list(
        db.session.scalars(
            sa.select(Membership.id)
            .where(Membership.community_id == a.id, Membership.status == "active")
            .order_by(Membership.sort_name, Membership.id)
        )
    )
    sign_in_as(client, world["people"]["coordinator"])
    forward, backward, pages = _walk(
        client, "/communities/alpha/members", r"/communities/alpha/members/(\d+)\""
    )
    assert pages == 3 and forward == expected and backward == expected


def test_activities_by_date_turn_their_pages_by_cursor(client, world):
    from datetime import date

    from portal.involvement.models import InvolvementActivity

    a = world["a"]
    db.session.add_all(
        InvolvementActivity(
            community_id=a.id,
            kind="meeting",
            title=f"Meeting number {number}",
            held_on=date(2026, 1, 1) + timedelta(days=number // 3),
        )
        for number in range(60)
    )
    db.session.flush()
    expected = list(
        db.session.scalars(
            sa.select(InvolvementActivity.id)
            .where(InvolvementActivity.community_id == a.id)
            .order_by(InvolvementActivity.held_on.desc(), InvolvementActivity.id.desc())
        )
    )
    sign_in_as(client, world["people"]["coordinator"])
    forward, backward, pages = _walk(
        client, "/communities/alpha/activities", r'href="/activities/(\d+)"'
    )
    assert pages == 3 and forward == expected and backward == expected


def test_a_key_may_be_a_labelled_column_of_the_rows(app, world):
    """Rows of plain columns: the key is read by the column's name or label."""
    proposal = world["proposals"]["open"]
    _contributions(proposal, 12, ties=5)
    heard = sa.func.coalesce(Contribution.first_response_at, Contribution.submitted_at).label(
        "heard_or_sent"
    )
    query = sa.select(Contribution.id, heard).where(Contribution.proposal_id == proposal.id)
    key = (heard.desc(), Contribution.id.desc())
    expected = [row.id for row in db.session.execute(query.order_by(*key))]
    seen, arguments, has_next = [], {}, True
    while has_next:
        with app.test_request_context("/", query_string=arguments):
            page = paginate(query, 4, key=key)
            seen += [row.id for row in page.items]
            has_next, arguments = page.has_next, page.next_arguments() if page.has_next else {}
    assert seen == expected and len(seen) == 13
