"""The impact dashboard, the yearly report (GRIPP2 short form) and its files, and the
impact summary on the community's page."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import db
from portal.communities.services import NotAllowed
from portal.consultations import moderation, review
from portal.consultations.models import Contribution, Quote
from portal.db import utcnow
from portal.impact import annual_report, influence, services
from portal.impact.measures import measures
from portal.impact.models import ImpactReport
from tests import factories
from tests.conftest import post_form, sign_in_as

YEAR = date.today().year
NAMES = ("Lay Person", "Robin", "Sam Second", "Tess Third", "Wren")


@pytest.fixture
def reported(impact):
    """The impact world with outcomes, a reply, a change done and an approved quote.

    Its theme (named and anonymous views) shaped the change; the change is done.
    """
    _a, people = impact["a"], impact["people"]
    influence.link(
        people["professional"],
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    review.respond(people["professional"], [impact["named"]], "Thank you.")
    services.move_change(
        people["professional"], impact["change"], status="implemented", note="Open on Tuesdays"
    )
    moderation.approve_quote(
        people["coordinator"], impact["named"], "Evenings would suit me much better."
    )
    return impact


ROUTES = (
    "/communities/alpha/impact",
    "/communities/alpha/impact/report",
    "/communities/alpha/impact/report/edit",
    "/communities/alpha/impact/report.csv",
    "/communities/alpha/impact/report.json",
)


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("professional", 403),
        ("lay", 403),
        ("other_coordinator", 403),
        ("admin", 403),
    ],
)
def test_only_coordinators_of_the_community_see_its_dashboard_and_report(
    client, world, path, role, status
):
    sign_in_as(client, world["people"][role])
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", ROUTES)
def test_signed_out_people_are_asked_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_signed_out_people_cannot_save_the_narrative(client, world):
    response = post_form(client, "/communities/alpha/impact/report/edit", {"aim": "Take over"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImpactReport)) == 0


@pytest.mark.parametrize("role", ["professional", "lay", "other_coordinator"])
def test_only_coordinators_can_save_the_narrative(client, world, role):
    sign_in_as(client, world["people"][role])
    response = post_form(client, "/communities/alpha/impact/report/edit", {"aim": "Take over"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImpactReport)) == 0


def test_saving_the_narrative_is_refused_to_others_by_the_service(world):
    with pytest.raises(NotAllowed):
        annual_report.save_narrative(world["people"]["professional"], world["a"], YEAR, aim="Mine")


@pytest.mark.parametrize(
    "path",
    [
        "/communities/nowhere/impact",
        "/communities/nowhere/impact/report",
        "/communities/nowhere/impact/report.csv",
        "/communities/alpha/impact/report.xml",
        f"/communities/alpha/impact/report?year={YEAR + 1}",
        f"/communities/alpha/impact/report/edit?year={YEAR - 1}",  # before it started
        f"/communities/alpha/impact/report.json?year={YEAR - 1}",
    ],
)
def test_unknown_communities_formats_and_years_are_not_found(client, world, path):
    sign_in_as(client, world["people"]["coordinator"])
    assert client.get(path).status_code == 404


# Figures ------------------------------------------------------------------------------------


def shown_figures(html):
    """{measure key: text} from the cells of a page's figures (first period only)."""
    found = {}
    for key, cell in re.findall(r'data-measure="(\w+)">(.*?)</(?:td|dd)>', html, re.S):
        cell = re.sub(r'<span class="nhsuk-table-responsive__heading".*?</span>', "", cell)
        found.setdefault(key, " ".join(re.sub(r"<[^>]+>", " ", cell).split()))
    return found


def as_shown(key, value):
    """How a figure from a file reads on the page."""
    if value in (None, ""):
        return "—"
    return f"{value}%" if key.endswith("_percent") else str(value)


def test_the_report_figures_match_the_data(client, reported):
    sign_in_as(client, reported["people"]["coordinator"])
    figures = shown_figures(client.get("/communities/alpha/impact/report").get_data(as_text=True))
    # The world's view on the open proposal, and the three views on the decided one:
    # two of them (the theme) shaped the change; the named one has a reply.
    assert figures == {
        "contributions": "4",
        "people_heard": "4",
        "closing_the_loop_percent": "66.7%",
        "shaped_percent": "50%",
        "median_days_to_first_reply": "0",
        "changes_implemented": "1",
        "changes_evaluated": "0",
    }


def test_a_rate_with_nothing_to_divide_shows_a_dash_and_why(client, world):
    db.session.execute(sa.delete(Contribution))
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get("/communities/alpha/impact/report").get_data(as_text=True)
    figures = shown_figures(page)
    assert figures["closing_the_loop_percent"] == "— No views on decided proposals in this period."
    assert figures["shaped_percent"] == "— No views in this period."
    assert figures["contributions"] == "0"


def test_the_files_hold_the_figures_and_changes_of_the_page(client, reported):
    services.move_change(
        reported["people"]["professional"],
        factories.make_change(reported["a"], reported["people"]["professional"], title="=SUM(A1)"),
        status="in_progress",
        note="@risk of delay",
        progress=40,
    )
    sign_in_as(client, reported["people"]["coordinator"])
    page = client.get("/communities/alpha/impact/report").get_data(as_text=True)
    shown = shown_figures(page)

    response = client.get("/communities/alpha/impact/report.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="impact-alpha-{YEAR}.csv"'
    )
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Measure", "Value", "From", "To", "Code"]
    blank = rows.index([])
    from_csv = {row[4]: row[1] for row in rows[1:blank]}
    assert {key: as_shown(key, value) for key, value in from_csv.items()} == {
        key: text.split(" ")[0] for key, text in shown.items()
    }
    assert all(row[2:4] == [f"{YEAR}-01-01", f"{YEAR}-12-31"] for row in rows[1:blank])
    changes = rows[blank + 2 :]
    assert changes[0][:4] == ["'=SUM(A1)", "In progress", "40", "'@risk of delay"]
    assert changes[1][:4] == [
        "Evening clinic on Tuesdays and Thursdays",
        "Done",
        "100",
        "Open on Tuesdays",
    ]

    response = client.get("/communities/alpha/impact/report.json")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.get_data(as_text=True))
    assert document["community"] == {"name": "Alpha clinic", "slug": "alpha"}
    assert document["period"] == {"year": YEAR, "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}
    assert {key: as_shown(key, value) for key, value in document["measures"].items()} == {
        key: text.split(" ")[0] for key, text in shown.items()
    }
    assert [change["title"] for change in document["changes"]] == [
        "=SUM(A1)",
        "Evening clinic on Tuesdays and Thursdays",
    ]
    assert document["changes"][0]["progress"] == 40
    assert document["narrative"] == dict.fromkeys(annual_report.NARRATIVE_FIELDS, "")
    assert "=SUM(A1)" in page and "@risk of delay" in page


# The narrative -----------------------------------------------------------------------------

NARRATIVE = {
    "aim": "Hear from people who use the evening clinic.",
    "methods": "An online survey, two meetings and phone calls.",
    "results_positive": "The clinic opens two evenings a week.",
    "results_negative": "Few carers took part.",
    "discussion": "Lay partners changed the opening hours.",
    "reflections": "Ask carers sooner next time.",
}


def test_a_report_without_narrative_says_so_and_links_to_write_it(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get("/communities/alpha/impact/report").get_data(as_text=True)
    assert "No one has written this report yet." in page
    assert f'href="/communities/alpha/impact/report/edit?year={YEAR}"' in page
    assert "Print this report, or save it as a PDF, with your browser" in page


def test_the_narrative_is_saved_and_shown_in_gripp2_order(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    form = client.get("/communities/alpha/impact/report/edit").get_data(as_text=True)
    assert "How were lay partners involved?" in form  # each part says what GRIPP2 asks

    response = post_form(client, "/communities/alpha/impact/report/edit", NARRATIVE)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/communities/alpha/impact/report?year={YEAR}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    headings = ["1. Aim", "2. Methods", "3. Results", "4. Discussion", "5. Reflections"]
    positions = [page.index(f"<h2>{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    texts = [page.index(text) for text in NARRATIVE.values()]
    assert texts == sorted(texts) and positions[0] < texts[0] and texts[-1] > positions[-1]
    assert "No one has written this report yet." not in page

    stored = db.session.scalar(sa.select(ImpactReport))
    assert (stored.period_start, stored.period_end) == (date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert stored.updated_by_id == world["people"]["coordinator"].id
    edit = client.get("/communities/alpha/impact/report/edit").get_data(as_text=True)
    assert "Few carers took part.</textarea>" in edit

    post_form(client, "/communities/alpha/impact/report/edit", {**NARRATIVE, "aim": "New aim"})
    assert db.session.scalars(sa.select(ImpactReport.aim)).all() == ["New aim"]
    document = client.get("/communities/alpha/impact/report.json").get_json()
    assert document["narrative"] == {**NARRATIVE, "aim": "New aim"}


def test_two_first_saves_at_once_keep_one_report(world, monkeypatch):
    coordinator, a = world["people"]["coordinator"], world["a"]
    annual_report.save_narrative(coordinator, a, YEAR, aim="Saved first")
    # The second save looked before the first was stored, so it tries to create one too.
    real, calls = annual_report.narrative_of, []

    def late_look(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(annual_report, "narrative_of", late_look)
    annual_report.save_narrative(coordinator, a, YEAR, aim="Saved second")
    assert db.session.scalars(sa.select(ImpactReport.aim)).all() == ["Saved second"]
    assert len(calls) == 2


def test_a_part_too_long_is_refused_and_everything_typed_is_kept(client, world):
    sign_in_as(client, world["people"]["coordinator"])
    response = post_form(
        client,
        "/communities/alpha/impact/report/edit",
        {**NARRATIVE, "discussion": "x" * 10001},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Shorten this part to 10000 characters or fewer. It has 10001." in page
    assert 'href="#discussion"' in page
    assert "Few carers took part.</textarea>" in page and "x" * 10001 in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImpactReport)) == 0


def test_the_service_refuses_a_part_too_long(world):
    with pytest.raises(annual_report.Refused):
        annual_report.save_narrative(
            world["people"]["coordinator"], world["a"], YEAR, reflections="y" * 10001
        )


# Quotes ------------------------------------------------------------------------------------


def test_only_approved_quotes_with_consent_show_and_never_names(client, reported):
    a, people = reported["a"], reported["people"]
    # A quote row for views without consent, and for hidden and withdrawn views, never shows.
    db.session.add(Quote(contribution_id=reported["pseudonym"].id, text="No consent given."))
    hidden = factories.make_contribution(
        reported["proposals"]["open"], a, reported["second"], quote_consent=True
    )
    moderation.approve_quote(people["coordinator"], hidden, "Hidden words.")
    moderation.hide(people["coordinator"], hidden, "It names a nurse.")
    withdrawn = factories.make_contribution(
        reported["proposals"]["open"], a, reported["third"], quote_consent=True
    )
    moderation.approve_quote(people["coordinator"], withdrawn, "Withdrawn words.")
    withdrawn.withdrawn_at = utcnow()
    db.session.flush()

    sign_in_as(client, people["coordinator"])
    page = client.get("/communities/alpha/impact/report").get_data(as_text=True)
    assert "Evenings would suit me much better." in page
    for words in ("No consent given.", "Hidden words.", "Withdrawn words.", "I would come"):
        assert words not in page
    for name in NAMES:
        assert name not in page


def test_the_report_shows_ten_quotes_at_most(client, reported):
    for number in range(12):
        moderation.approve_quote(
            reported["people"]["coordinator"], reported["named"], f"Quote {number}."
        )
    sign_in_as(client, reported["people"]["coordinator"])
    page = client.get("/communities/alpha/impact/report").get_data(as_text=True)
    assert page.count("<blockquote>") == 10
    assert "Quote 11." in page and "Quote 1." not in page


# Dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_compares_the_year_with_the_one_before(client, reported):
    a = reported["a"]
    a.created_at = a.created_at.replace(year=YEAR - 2)
    db.session.flush()
    sign_in_as(client, reported["people"]["coordinator"])
    page = client.get("/communities/alpha/impact").get_data(as_text=True)
    assert f'<option value="{YEAR}" selected>' in page
    assert f'<option value="{YEAR - 2}">' in page and f'value="{YEAR - 3}"' not in page
    rows = re.findall(
        r'data-measure="contributions">.*?</span>(.*?)</td>', page, re.S
    )  # this year, then last year
    assert [row.strip() for row in rows] == ["4", "0"]
    for link in (
        f"/communities/alpha/impact/report?year={YEAR}",
        f"/communities/alpha/impact/report.csv?year={YEAR}",
        f"/communities/alpha/impact/report.json?year={YEAR}",
    ):
        assert f'href="{link}"' in page

    last_year = client.get(f"/communities/alpha/impact?year={YEAR - 1}").get_data(as_text=True)
    rows = re.findall(r'data-measure="contributions">.*?</span>(.*?)</td>', last_year, re.S)
    assert [row.strip() for row in rows] == ["0", "0"]


def test_the_dashboard_takes_dates_and_compares_the_same_length_before(client, reported):
    today = date.today()
    sign_in_as(client, reported["people"]["coordinator"])
    start, end = today - timedelta(days=6), today
    page = client.get(
        f"/communities/alpha/impact?start={start.isoformat()}&end={end.isoformat()}"
    ).get_data(as_text=True)
    rows = re.findall(r'data-measure="contributions">.*?</span>(.*?)</td>', page, re.S)
    assert [row.strip() for row in rows] == ["4", "0"]
    reported["named"].submitted_at = utcnow() - timedelta(days=10)
    db.session.flush()
    page = client.get(
        f"/communities/alpha/impact?start={start.isoformat()}&end={end.isoformat()}"
    ).get_data(as_text=True)
    rows = re.findall(r'data-measure="contributions">.*?</span>(.*?)</td>', page, re.S)
    assert [row.strip() for row in rows] == ["3", "1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=1999", "Choose a year from the list"),
        ("start=2026-05-01", "Enter the last day of the period"),
        ("end=2026-05-01", "Enter the first day of the period"),
        ("start=2026-05-01&end=2026-04-01", "The last day must be the same as or after"),
        ("start=2026-13-01&end=2026-04-01", "Not a valid date value"),
        ("start=0001-01-01&end=9999-12-31", "Enter a real date, for example 1/4/2026"),
    ],
)
def test_a_wrong_period_is_explained(client, world, query, message):
    sign_in_as(client, world["people"]["coordinator"])
    response = client.get(f"/communities/alpha/impact?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert "data-measure" not in page


# Statements --------------------------------------------------------------------------------


def _bulk(proposal, count):
    """`count` contributions with replies and outcomes, inserted in one statement."""
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    now = utcnow()
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "identity": "anonymous",
                "idempotency_key": f"bulk-{i}",
                "quote_consent": True,
                "submitted_at": now - timedelta(hours=i % 90),
                "first_response_at": now,
                "outcome": "shaped" if i % 2 else "not_adopted",
            }
            for i in range(first, first + count)
        ],
    )
    return list(range(first, first + count))


@pytest.mark.parametrize(
    "path",
    [
        "/communities/alpha/impact",
        "/communities/alpha/impact/report",
        "/communities/alpha/impact/report.csv",
        "/communities/alpha/impact/report.json",
    ],
)
def test_dashboard_and_report_cost_the_same_statements_for_5_or_300_views(
    client, reported, count_queries, path
):
    ids = _bulk(reported["proposal"], 5)
    db.session.execute(sa.insert(Quote), [{"contribution_id": i, "text": "Bulk."} for i in ids])
    sign_in_as(client, reported["people"]["coordinator"])
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    ids = _bulk(reported["proposal"], 295)
    db.session.execute(sa.insert(Quote), [{"contribution_id": i, "text": "Bulk."} for i in ids])
    with count_queries() as many:
        response = client.get(path)
    assert response.status_code == 200 and len(many) == len(few)
    if path.endswith("/report"):
        assert response.get_data(as_text=True).count("<blockquote>") == 10


# The community page ------------------------------------------------------------------------


def test_the_community_page_shows_its_impact_to_everyone(client, reported):
    page = client.get("/communities/alpha").get_data(as_text=True)
    assert '<h2 id="impact">Impact</h2>' in page
    figures = shown_figures(page)
    assert figures["contributions"] == "4" and figures["changes_implemented"] == "1"
    for link in (
        "/you-said-we-did?community=alpha",
        "/communities/alpha/timeline",
        "/communities/alpha/changes",
    ):
        assert f'href="{link}"' in page
    assert 'href="/communities/alpha/impact"' not in page

    sign_in_as(client, reported["people"]["lay"])
    assert 'href="/communities/alpha/impact"' not in client.get("/communities/alpha").get_data(
        as_text=True
    )
    sign_in_as(client, reported["people"]["coordinator"])
    assert 'href="/communities/alpha/impact"' in client.get("/communities/alpha").get_data(
        as_text=True
    )


def test_people_outside_the_community_count_its_public_changes_only(client, reported):
    a, author = reported["a"], reported["people"]["professional"]
    hidden = factories.make_change(a, author, title="Staff rota", visibility="members")
    services.move_change(author, hidden, status="implemented", note="Rota changed")
    assert (
        shown_figures(client.get("/communities/alpha").get_data(as_text=True))[
            "changes_implemented"
        ]
        == "1"
    )
    sign_in_as(client, reported["people"]["lay"])
    assert (
        shown_figures(client.get("/communities/alpha").get_data(as_text=True))[
            "changes_implemented"
        ]
        == "2"
    )


def test_the_community_page_costs_the_same_statements_for_5_or_300_views(
    client, reported, count_queries
):
    _bulk(reported["proposal"], 5)
    sign_in_as(client, reported["people"]["coordinator"])
    client.get("/communities/alpha")
    with count_queries() as few:
        client.get("/communities/alpha")
    _bulk(reported["proposal"], 295)
    with count_queries() as many:
        page = client.get("/communities/alpha").get_data(as_text=True)
    assert len(many) == len(few)
    assert shown_figures(page)["contributions"] == "304"
    impact_statements = [
        s
        for s in many
        if ("contributions" in s or "change_status_entries" in s) and "outbox_messages" not in s
    ]  # the header's own figures (My work, unread notifications) come in their one statement
    assert len(impact_statements) == 1


def test_figures_of_the_report_are_those_of_the_measures(reported):
    report = annual_report.report_for(reported["people"]["coordinator"], reported["a"], YEAR)
    assert report.measures == measures(reported["a"].id, date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert [change.title for change in report.changes] == [reported["change"].title]
    assert [quote.text for quote in report.quotes] == ["Evenings would suit me much better."]


def test_a_parent_change_shows_the_progress_of_its_parts(world):
    from datetime import date

    from portal.impact import annual_report, services

    a, professional = world["a"], world["people"]["professional"]
    parent = factories.make_change(a, professional, title="Evening services")
    part = factories.make_change(a, professional, title="Clinic", parent_id=parent.id)
    services.move_change(professional, part, status="in_progress", note="Half", progress=50)
    start, end = annual_report.year_period(date.today().year)
    rows = {row.title: row.progress for row in annual_report.changes_moved(a.id, start, end)}
    assert rows == {"Evening services": 50, "Clinic": 50}
