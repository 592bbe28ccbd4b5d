"""Reading briefings: who sees what, in which language, and what authors learn."""

import re

import pytest
import sqlalchemy as sa

from portal import db
from portal.briefings import services
from portal.briefings.models import BriefingFeedback
from tests import factories
from tests.conftest import post_form, sign_in_as


def titles(html):
    return re.findall(r'class="nhsuk-card__link" href="[^"]+">([^<]+)</a>', html)


def test_members_only_briefings_are_listed_for_members_only(client, world):
    assert titles(client.get("/briefings").get_data(as_text=True)) == ["Evening clinic"]
    sign_in_as(client, world["people"]["other_coordinator"])
    assert "Staff rota" not in client.get("/briefings?q=rota").get_data(as_text=True)
    sign_in_as(client, world["people"]["lay"])
    assert titles(client.get("/briefings").get_data(as_text=True)) == [
        "Staff rota",
        "Evening clinic",
    ]
    assert titles(client.get("/briefings?q=ROTA").get_data(as_text=True)) == ["Staff rota"]


def test_drafts_are_never_listed(client, world):
    sign_in_as(client, world["people"]["professional"])
    assert "Parking plans" not in client.get("/briefings").get_data(as_text=True)
    manage = client.get("/communities/alpha/briefings").get_data(as_text=True)
    assert "Parking plans" in manage and "Draft" in manage


def test_the_community_page_lists_only_what_the_reader_may_read(client, world):
    page = client.get("/communities/alpha").get_data(as_text=True)
    assert titles(page) == ["Evening clinic"]
    sign_in_as(client, world["people"]["lay"])
    page = client.get("/communities/alpha").get_data(as_text=True)
    assert titles(page) == ["Staff rota", "Evening clinic"]


def test_filters_by_community_and_language(client, world):
    factories.make_briefing(world["b"], world["people"]["other_coordinator"], title="Beta news")
    assert titles(client.get("/briefings?community=beta").get_data(as_text=True)) == ["Beta news"]
    assert titles(client.get("/briefings?language=cy").get_data(as_text=True)) == []
    assert "Beta news" in client.get("/briefings?community=nowhere").get_data(as_text=True)


def _welsh(world):
    professional = world["people"]["professional"]
    welsh = services.add_translation(professional, world["briefings"]["public"], "cy")
    services.update_draft(
        professional,
        welsh,
        title="Clinig gyda'r nos",
        summary="Rydym yn bwriadu agor gyda'r nos.",
        body="Bydd yr uned ar agor o 5pm tan 9pm.",
    )
    services.publish(professional, welsh, change_note="Cyfieithiad cyntaf")
    return welsh


def test_welsh_readers_get_the_welsh_translation(client, world):
    _welsh(world)
    client.set_cookie("chorus_locale", "cy")
    page = client.get(f"/briefings/{world['briefings']['public'].id}").get_data(as_text=True)
    assert '<h1 lang="cy" dir="ltr">Clinig gyda&#39;r nos</h1>' in page
    assert "Bydd yr uned ar agor" in page


def test_english_is_shown_with_a_notice_when_there_is_no_translation(client, world):
    client.set_cookie("chorus_locale", "ar")
    page = client.get(f"/briefings/{world['briefings']['public'].id}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<div class="chorus-document" lang="en" dir="ltr">' in page
    assert "The unit will open" in page
    assert "English" in page and 'class="nhsuk-inset-text chorus-no-print"' in page


def test_a_reader_can_choose_the_original_language(client, world):
    _welsh(world)
    client.set_cookie("chorus_locale", "cy")
    page = client.get(f"/briefings/{world['briefings']['public'].id}?language=en").get_data(
        as_text=True
    )
    assert "The unit will open" in page and 'hreflang="cy"' in page


def test_arabic_briefings_read_right_to_left(client, world):
    professional = world["people"]["professional"]
    arabic = services.add_translation(professional, world["briefings"]["public"], "ar")
    services.update_draft(professional, arabic, title="عيادة مسائية", body="ستفتح الوحدة مساءً.")
    services.publish(professional, arabic, change_note="الترجمة الأولى")
    page = client.get(f"/briefings/{arabic.id}").get_data(as_text=True)
    assert '<div class="chorus-document" lang="ar" dir="rtl">' in page
    assert "ستفتح الوحدة مساءً." in page


def test_glossary_words_are_explained_in_the_briefing(client, world):
    professional = world["people"]["professional"]
    briefing = factories.make_briefing(
        world["a"], professional, body="The oncology team runs the day unit. See oncology."
    )
    page = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    site, community = world["terms"]["site"], world["terms"]["a"]
    assert page.count(f'href="#term-{site.id}"') == 1
    assert f'<dt id="term-{site.id}"><dfn>oncology</dfn></dt>' in page
    assert f'<dd id="term-{site.id}-explained">Care for people with cancer.' in page
    assert f'aria-describedby="term-{community.id}-explained">day unit</a>' in page


def test_a_reader_says_whether_it_was_useful_once_and_can_change_it(client, world):
    briefing = world["briefings"]["public"]
    sign_in_as(client, world["people"]["lay"])
    post_form(client, f"/briefings/{briefing.id}/feedback", {"useful": "no", "comment": "Too long"})
    post_form(client, f"/briefings/{briefing.id}/feedback", {"useful": "yes", "comment": ""})
    answers = db.session.scalars(
        sa.select(BriefingFeedback).where(BriefingFeedback.briefing_id == briefing.id)
    ).all()
    assert [(a.useful, a.comment) for a in answers] == [(True, "")]
    page = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert "You told us this was useful." in page


def test_feedback_without_an_answer_keeps_the_comment(client, world):
    briefing = world["briefings"]["public"]
    sign_in_as(client, world["people"]["lay"])
    response = post_form(client, f"/briefings/{briefing.id}/feedback", {"comment": "Kept words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Select yes or no" in page and "Kept words" in page


def test_insights_show_totals_and_comments_but_not_who(app, client, world):
    briefing = world["briefings"]["public"]
    lay = world["people"]["lay"]
    sign_in_as(client, lay)
    client.get(f"/briefings/{briefing.id}")
    client.get(f"/briefings/{briefing.id}")
    post_form(client, f"/briefings/{briefing.id}/feedback", {"useful": "yes", "comment": "Clear"})
    app.test_client().get(f"/briefings/{briefing.id}")  # someone not signed in
    sign_in_as(client, world["people"]["professional"])
    page = client.get(f"/briefings/{briefing.id}/insights").get_data(as_text=True)
    values = re.findall(r'summary-list__value">([^<]*)<', page)
    # views in all, last 30 days, signed-in readers, useful, not useful, versions
    assert values[:6] == ["3", "3", "1", "1", "0", "1"]
    assert "Clear" in page
    assert lay.display_name not in page and (lay.pseudonym or "") not in page


@pytest.mark.parametrize("extra", [0, 30])
def test_a_briefing_page_costs_the_same_statements_however_much_it_holds(
    client, world, count_queries, extra
):
    professional, briefing = world["people"]["professional"], world["briefings"]["public"]
    for number in range(extra):
        factories.make_term(f"word{number}", "An explanation.")
        services.update_draft(professional, briefing, title=f"Title {number}")
        services.publish(professional, briefing, change_note=f"Change {number}")
        reader = factories.make_user()
        services.save_feedback(reader, briefing, useful=True, comment="Good")
    sign_in_as(client, world["people"]["lay"])
    client.get(f"/briefings/{briefing.id}")
    with count_queries() as statements:
        assert client.get(f"/briefings/{briefing.id}").status_code == 200
    assert len(statements) <= 12


@pytest.mark.parametrize("path", ["/briefings", "/communities/alpha", "/glossary"])
def test_list_pages_cost_the_same_statements_with_many_briefings(
    client, world, count_queries, path
):
    sign_in_as(client, world["people"]["lay"])
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for number in range(25):
        factories.make_briefing(world["a"], world["people"]["professional"], title=f"B{number}")
        factories.make_term(f"term{number}", "An explanation.")
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few)
