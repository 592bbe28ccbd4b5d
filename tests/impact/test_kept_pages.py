"""Pages whose content is kept in the figures cache: each reader still sees the page of their
own language and rights, and a write that changes the page shows at once."""

import pytest
import sqlalchemy as sa
from cachelib import SimpleCache
from flask_babel import force_locale, gettext

from portal import caching, db
from tests.conftest import post_form, sign_in_as


@pytest.fixture
def kept(app, monkeypatch):
    """The figures cache turned on, in this process only, as in development; stamps are
    renewed by commits of the test's own sessions, as the app's are."""
    monkeypatch.setitem(app.extensions["cache"], caching.cache, SimpleCache())
    monkeypatch.setitem(app.config, "COMMUNITY_FIGURES_CACHE_SECONDS", 60)
    sessions = app.extensions["chorus_db"]["sessionmaker"]
    sa.event.listen(sessions, "after_commit", caching._drop_renewed_stamps)
    yield
    sa.event.remove(sessions, "after_commit", caching._drop_renewed_stamps)


def welsh(text):
    with force_locale("cy"):
        return gettext(text)


def test_the_board_is_kept_per_language(client, impact, kept):
    english = client.get("/you-said-we-did").get_data(as_text=True)
    assert impact["change"].title in english
    cymraeg = client.get("/you-said-we-did", headers={"Accept-Language": "cy"})
    html = cymraeg.get_data(as_text=True)
    assert welsh("What lay partners said") in html
    assert "What lay partners said" not in html
    again = client.get("/you-said-we-did").get_data(as_text=True)
    assert "What lay partners said" in again


def test_the_timeline_is_kept_per_standing_and_language(client, impact, kept):
    visitor = client.get("/communities/alpha/timeline").get_data(as_text=True)
    assert "Staff rota" not in visitor and "Add an event" not in visitor

    sign_in_as(client, impact["people"]["lay"])
    member = client.get("/communities/alpha/timeline").get_data(as_text=True)
    assert "Staff rota" in member and "Add an event" not in member

    coordinator = impact["people"]["coordinator"]
    coordinator.locale = "cy"
    db.session.flush()
    sign_in_as(client, coordinator)
    html = client.get("/communities/alpha/timeline").get_data(as_text=True)
    assert "Staff rota" in html and welsh("Add an event") in html
    assert "Members see more." not in html

    signed_out = client.application.test_client()
    assert "Staff rota" not in signed_out.get("/communities/alpha/timeline").get_data(True)


def test_an_event_added_shows_on_the_kept_timeline_at_once(client, impact, kept):
    sign_in_as(client, impact["people"]["coordinator"])
    assert "Open day at the clinic" not in client.get("/communities/alpha/timeline").get_data(
        as_text=True
    )
    response = post_form(
        client,
        "/communities/alpha/timeline/new",
        {
            "kind": "meeting",
            "title": "Open day at the clinic",
            "occurred_on-day": "1",
            "occurred_on-month": "3",
            "occurred_on-year": "2025",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    assert "Open day at the clinic" in client.get("/communities/alpha/timeline").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "path",
    ["/communities/alpha/impact", "/communities/alpha/impact/report", "/communities/alpha/health"],
)
def test_kept_coordinator_pages_are_still_refused_to_others_and_follow_the_language(
    client, world, kept, path
):
    sign_in_as(client, world["people"]["coordinator"])
    english = client.get(path)
    assert english.status_code == 200
    for role in ("lay", "professional", "other_coordinator"):
        other = client.application.test_client()
        sign_in_as(other, world["people"][role])
        assert other.get(path).status_code == 403
    coordinator = world["people"]["coordinator"]
    coordinator.locale = "cy"
    db.session.flush()
    cymraeg = client.get(path).get_data(as_text=True)
    assert cymraeg != english.get_data(as_text=True)
    assert welsh("Show the figures") in cymraeg or welsh("1. Aim") in cymraeg


def test_a_saved_narrative_shows_on_the_kept_report_at_once(client, world, kept):
    sign_in_as(client, world["people"]["coordinator"])
    assert "We listened to evening callers" not in client.get(
        "/communities/alpha/impact/report"
    ).get_data(as_text=True)
    response = post_form(
        client,
        "/communities/alpha/impact/report/edit",
        {"aim": "We listened to evening callers."},
    )
    assert response.status_code == 302
    assert "We listened to evening callers" in client.get(
        "/communities/alpha/impact/report"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/communities/alpha/impact?start=31/2/2026&end=1/3/2026",  # a wrong period: not kept
        "/communities/alpha/health?start=2999-01&end=2999-01",
        "/communities?can_join=y",  # signed in, it leaves out their own: not kept
    ],
)
def test_content_worked_out_afresh_is_shown_as_a_page_not_as_escaped_markup(
    client, world, kept, path
):
    sign_in_as(client, world["people"]["coordinator"])
    page = client.get(path).get_data(as_text=True)
    main = page.split('id="maincontent"')[1]
    assert "&lt;" not in main
    assert "<form" in main or "<ul" in main
