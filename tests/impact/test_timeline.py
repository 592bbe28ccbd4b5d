"""A community's timeline, and coordinators adding events to it."""

import re
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from portal import db
from portal.communities import timeline
from portal.communities.timeline import TimelineEvent
from portal.db import utcnow
from portal.impact import services
from tests.conftest import post_form, sign_in_as


def _events(impact):
    """Besides those the fixture made (founded, two briefings, the decision): a proposal
    opened, a change moving on, a membership milestone, a meeting next week."""
    a, author = impact["a"], impact["people"]["professional"]
    opened = impact["proposals"]["open"]
    timeline.record(
        a.id, timeline.PROPOSAL_OPENED, opened.title, subject_id=opened.id, public=False
    )
    services.move_change(author, impact["change"], status="in_progress", note="Started.")
    timeline.record(a.id, timeline.MEMBERS_MILESTONE, "25", subject_id=25)
    db.session.add(
        TimelineEvent(
            community_id=a.id,
            kind=timeline.MEETING,
            title="Planning day next week",
            occurred_at=utcnow() + timedelta(days=7),
        )
    )
    db.session.flush()


def _timeline(client, query="", slug="alpha"):
    """The page below its filters: the events."""
    page = client.get(f"/communities/{slug}/timeline{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html[html.rindex("</form>") :]


def test_visitors_see_public_events_and_members_see_members_only_ones(client, impact):
    _events(impact)
    visitor = _timeline(client)
    assert "Community founded" in visitor
    assert "The community reached 25 members" in visitor
    assert 'Briefing published: <a href="/briefings/' in visitor and "Evening clinic" in visitor
    change = impact["change"]
    assert (
        f'Service change moved on: <a href="/changes/{change.id}">{change.title}</a> – In progress'
        in visitor
    )
    assert "Proposal decided: Weekend phone line" in visitor  # a public decision, no link
    assert "/proposals/" not in visitor
    for members_only in ("Staff rota", "Proposal opened", "Members only"):
        assert members_only not in visitor
    assert "Planning day next week" not in visitor  # in the future

    sign_in_as(client, impact["people"]["lay"])
    member = _timeline(client)
    assert "Staff rota" in member and "Members only" in member
    opened = impact["proposals"]["open"]
    assert f'Proposal opened: <a href="/proposals/{opened.id}">{opened.title}</a>' in member
    assert f'Proposal decided: <a href="/proposals/{impact["proposal"].id}">' in member
    assert "Planning day next week" not in member


def test_events_of_a_change_made_members_only_later_leave_the_public_timeline(client, impact):
    _events(impact)
    impact["change"].visibility = "members"
    impact["decision"].visibility = "members"
    db.session.flush()
    visitor = _timeline(client)
    assert impact["change"].title not in visitor
    assert "Weekend phone line" not in visitor
    sign_in_as(client, impact["people"]["lay"])
    assert impact["change"].title in _timeline(client)


def test_events_are_grouped_by_year_newest_first_and_can_be_filtered(client, impact):
    _events(impact)
    db.session.add(
        TimelineEvent(
            community_id=impact["a"].id,
            kind=timeline.AWARD,
            title="Patient voice award",
            detail="For the evening clinic work.",
            occurred_at=datetime(2023, 6, 1, 12, tzinfo=UTC),
        )
    )
    db.session.flush()
    html = _timeline(client)
    this_year = str(date.today().year)
    assert re.findall(r"<h2>(\d{4})</h2>", html) == [this_year, "2023"]
    assert html.index("Community founded") < html.index("Patient voice award")
    assert "For the evening clinic work." in html
    only_2023 = _timeline(client, "?year=2023")
    assert re.findall(r"<h2>(\d{4})</h2>", only_2023) == ["2023"]
    assert "Community founded" not in only_2023
    awards = _timeline(client, "?kind=award")
    assert "Patient voice award" in awards and "Community founded" not in awards
    form = client.get("/communities/alpha/timeline").get_data(as_text=True)
    assert '<option value="2023">2023</option>' in form
    assert "Community founded" in _timeline(client, "?kind=nonsense&year=1066")


def test_unknown_communities_are_not_found(client, impact):
    assert client.get("/communities/nowhere/timeline").status_code == 404


def test_the_timeline_costs_the_same_statements_with_5_or_200_events(client, impact, count_queries):
    def more(count):
        db.session.execute(
            sa.insert(TimelineEvent),
            [
                {
                    "community_id": impact["a"].id,
                    "kind": timeline.MEETING,
                    "title": f"Meeting {i}",
                    "detail_key": f"bulk-{i}-{count}",
                    "occurred_at": utcnow() - timedelta(days=i),
                    "created_at": utcnow(),
                }
                for i in range(count)
            ],
        )

    more(5)
    sign_in_as(client, impact["people"]["lay"])
    _timeline(client)
    with count_queries() as few:
        _timeline(client)
    more(200)
    with count_queries() as many:
        html = _timeline(client)
    assert len(many) == len(few)
    assert html.count("<li>") == 25


# Adding events ------------------------------------------------------------------------------


def _form(**changes):
    today = date.today()
    data = {
        "kind": "meeting",
        "title": "Workshop with patients",
        "detail": "Twelve people came.",
        "occurred_on-day": str(today.day),
        "occurred_on-month": str(today.month),
        "occurred_on-year": str(today.year),
        "visibility": "public",
    }
    data.update(changes)
    return data


def test_a_coordinator_adds_an_event_that_shows_on_the_timeline(client, impact):
    coordinator = impact["people"]["coordinator"]
    sign_in_as(client, coordinator)
    assert client.get("/communities/alpha/timeline/new").status_code == 200
    response = post_form(client, "/communities/alpha/timeline/new", _form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/communities/alpha/timeline")
    event = db.session.scalar(sa.select(TimelineEvent).where(TimelineEvent.kind == "meeting"))
    assert event.title == "Workshop with patients" and event.public
    assert event.created_by_id == coordinator.id
    assert "Workshop with patients" in _timeline(client)
    client.post("/sign-out", data={})
    assert "Workshop with patients" in _timeline(client.application.test_client())


def test_a_members_only_event_is_hidden_from_visitors(client, impact):
    sign_in_as(client, impact["people"]["coordinator"])
    post_form(client, "/communities/alpha/timeline/new", _form(visibility="members"))
    assert "Workshop with patients" in _timeline(client)
    assert "Workshop with patients" not in _timeline(client.application.test_client())


def test_a_bad_event_is_refused_and_what_was_typed_comes_back(client, impact):
    sign_in_as(client, impact["people"]["coordinator"])
    tomorrow = date.today() + timedelta(days=1)
    response = post_form(
        client,
        "/communities/alpha/timeline/new",
        _form(
            title="",
            detail="Kept words",
            **{
                "occurred_on-day": str(tomorrow.day),
                "occurred_on-month": str(tomorrow.month),
                "occurred_on-year": str(tomorrow.year),
            },
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert '<a href="#title">Enter a title</a>' in html
    assert '<a href="#occurred_on">The date must be today or in the past</a>' in html
    assert "Kept words" in html and f'value="{tomorrow.year}"' in html
    response = post_form(
        client,
        "/communities/alpha/timeline/new",
        _form(kind="founded", **{"occurred_on-month": "13"}),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#occurred_on">Enter a real date, for example 27 3 2026</a>' in html
    assert '<a href="#kind">' in html  # only coordinators' kinds may be chosen
    added = sa.select(sa.func.count()).where(
        TimelineEvent.community_id == impact["a"].id,
        TimelineEvent.kind.in_(("meeting", "founded")),
    )
    assert db.session.scalar(added) == 1  # the community's own founding only


def test_only_coordinators_of_the_community_may_add_events(client, impact):
    assert client.get("/communities/alpha/timeline/new").status_code == 302  # sign in first
    sign_in_as(client, impact["people"]["professional"])
    assert client.get("/communities/alpha/timeline/new").status_code == 403
    assert post_form(client, "/communities/alpha/timeline/new", _form()).status_code == 403
    sign_in_as(client, impact["people"]["other_coordinator"])
    assert client.get("/communities/alpha/timeline/new").status_code == 403
    assert client.get("/communities/nowhere/timeline/new").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).where(TimelineEvent.kind == "meeting")) == 0
