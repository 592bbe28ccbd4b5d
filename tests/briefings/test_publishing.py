"""Writing and publishing briefings: drafts, versions and the reading-age gate."""

import re

import pytest
import sqlalchemy as sa

from portal import db
from portal.briefings import services
from portal.briefings.models import Briefing, BriefingVersion
from tests import factories
from tests.conftest import post_form, sign_in_as

HARD = (
    "Multidisciplinary oncological evaluation necessitates comprehensive "
    "histopathological characterisation, facilitating individualised therapeutic "
    "interventions that optimise survivorship outcomes considerably."
)
LONG_SENTENCE = (
    "Because the unit is busy in the day we are planning to open it in the evening "
    "on weekdays so that people who work can come after their shift ends."
)


def versions_of(briefing):
    return list(
        db.session.scalars(
            sa.select(BriefingVersion)
            .where(BriefingVersion.briefing_id == briefing.id)
            .order_by(BriefingVersion.number)
        )
    )


def draft(world, body=factories.PLAIN_BODY, author="professional"):
    person = world["people"][author]
    return factories.make_briefing(world["a"], person, body=body, publish=False)


def test_a_professional_publishes_a_plain_briefing_as_version_one(world):
    briefing = draft(world)
    version = services.publish(
        world["people"]["professional"], briefing, change_note="First version"
    )
    assert (version.number, briefing.version_number) == (1, 1)
    assert version.reading_age <= world["a"].target_reading_age
    assert version.override_reason is None
    assert "<p>The unit will open" in version.body_html


def test_each_publish_is_a_new_numbered_version_and_old_ones_stay(world):
    briefing, professional = draft(world), world["people"]["professional"]
    services.publish(professional, briefing, change_note="First version")
    services.update_draft(professional, briefing, title="Evening clinic: new times")
    services.publish(professional, briefing, change_note="New times")
    first, second = versions_of(briefing)
    assert (first.title, second.title) == (
        "Evening chemotherapy clinic",
        "Evening clinic: new times",
    )
    assert second.change_note == "New times" and second.author_id == professional.id


def test_a_published_version_cannot_be_changed(world):
    briefing = world["briefings"]["public"]
    version = versions_of(briefing)[0]
    version.title = "Rewritten history"
    with pytest.raises(ValueError, match="cannot be changed"):
        db.session.flush()
    db.session.rollback()


def test_nothing_to_publish_when_nothing_changed(world):
    briefing = world["briefings"]["public"]
    services.update_draft(world["people"]["professional"], briefing, title=briefing.title)
    with pytest.raises(services.Refused, match="no changes"):
        services.publish(world["people"]["professional"], briefing, change_note="Again")


def test_a_professional_cannot_publish_above_the_target(world):
    briefing = draft(world, body=HARD)
    with pytest.raises(services.Refused, match="ask a coordinator"):
        services.publish(
            world["people"]["professional"],
            briefing,
            change_note="First",
            override_reason="I am sure",
        )
    assert versions_of(briefing) == [] and not briefing.is_published


def test_a_coordinator_must_give_a_reason_to_publish_above_the_target(world):
    briefing = draft(world, body=HARD)
    coordinator = world["people"]["coordinator"]
    with pytest.raises(services.NeedsReason):
        services.publish(coordinator, briefing, change_note="First")
    version = services.publish(
        coordinator,
        briefing,
        change_note="First",
        override_reason="Clinical wording agreed with the network.",
    )
    assert version.override_reason == "Clinical wording agreed with the network."
    assert version.reading_age > version.target_reading_age == world["a"].target_reading_age


def test_a_reason_given_below_the_target_is_not_recorded_as_an_override(world):
    briefing = draft(world, author="coordinator")
    version = services.publish(
        world["people"]["coordinator"],
        briefing,
        change_note="First",
        override_reason="x",
    )
    assert version.override_reason is None


@pytest.mark.parametrize("role", ["lay", "other_coordinator", "admin"])
def test_people_who_are_not_authors_of_the_community_cannot_publish(world, role):
    briefing = draft(world)
    with pytest.raises(services.NotAllowed):
        services.publish(world["people"][role], briefing, change_note="First")


def test_translations_are_not_gated_on_english_scores(world):
    original = world["briefings"]["public"]
    professional = world["people"]["professional"]
    welsh = services.add_translation(professional, original, "cy")
    services.update_draft(professional, welsh, title="Clinig gyda'r nos", body=HARD)
    version = services.publish(professional, welsh, change_note="Cyfieithiad")
    assert version.reading_age is None and version.target_reading_age is None
    with pytest.raises(services.Refused, match="already has"):
        services.add_translation(professional, original, "cy")


# Through the pages ----------------------------------------------------------


def test_the_author_writes_sees_long_sentences_is_stopped_then_fixes_and_publishes(client, world):
    sign_in_as(client, world["people"]["professional"])
    response = post_form(
        client,
        "/communities/alpha/briefings/new",
        {
            "title": "Evening clinic plan",
            "summary": "We plan to open in the evening.",
            "body": f"{HARD} {LONG_SENTENCE}",
            "visibility": "public",
            "action": "save",
        },
    )
    briefing = db.session.scalar(sa.select(Briefing).where(Briefing.title == "Evening clinic plan"))
    assert response.headers["Location"].endswith(f"/briefings/{briefing.id}/edit#readability")
    page = client.get(f"/briefings/{briefing.id}/edit").get_data(as_text=True)
    assert "Estimated reading age" in page and "above the target" in page
    assert "Because the unit is busy in the day" in page  # listed as a long sentence

    preview = client.get(f"/briefings/{briefing.id}/preview").get_data(as_text=True)
    assert "You cannot publish this yet" in preview
    response = post_form(client, f"/briefings/{briefing.id}/publish", {"change_note": "First"})
    db.session.refresh(briefing)
    assert response.status_code == 302 and not briefing.is_published

    post_form(
        client,
        f"/briefings/{briefing.id}/edit",
        {
            "title": "Evening clinic plan",
            "summary": "We plan to open in the evening.",
            "body": factories.PLAIN_BODY,
            "visibility": "public",
            "action": "preview",
        },
    )
    response = post_form(client, f"/briefings/{briefing.id}/publish", {"change_note": "First"})
    assert response.status_code == 302
    db.session.refresh(briefing)
    assert briefing.version_number == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1 is published." in page and "The unit will open from 5pm" in page


def test_a_coordinator_publishes_above_target_and_the_reason_is_on_the_history(client, world):
    briefing = draft(world, body=HARD, author="coordinator")
    sign_in_as(client, world["people"]["coordinator"])
    preview = client.get(f"/briefings/{briefing.id}/preview").get_data(as_text=True)
    assert "Reason for publishing above the target reading age" in preview
    response = post_form(client, f"/briefings/{briefing.id}/publish", {"change_note": "First"})
    assert response.status_code == 400
    assert "Give the reason for publishing above the target reading age" in response.get_data(
        as_text=True
    )
    post_form(
        client,
        f"/briefings/{briefing.id}/publish",
        {"change_note": "First", "override_reason": "Agreed clinical wording."},
    )
    history = client.get(f"/briefings/{briefing.id}/versions").get_data(as_text=True)
    assert "Published above the target reading age by a coordinator" in history
    assert "Agreed clinical wording." in history


def test_a_failed_save_keeps_what_was_typed_and_scores_it(client, world):
    sign_in_as(client, world["people"]["professional"])
    response = post_form(
        client,
        "/communities/alpha/briefings/new",
        {"title": "", "summary": "Kept summary.", "body": LONG_SENTENCE, "visibility": "public"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a title" in page and "Kept summary." in page
    assert "Sentences over 20 words" in page and "(30 words)" in page


def test_a_bad_review_date_is_explained(client, world):
    sign_in_as(client, world["people"]["professional"])
    briefing = world["briefings"]["draft"]
    response = post_form(
        client,
        f"/briefings/{briefing.id}/edit",
        {
            "title": "T",
            "summary": "S.",
            "body": "B.",
            "visibility": "public",
            "review_by": "31/2/2027",
        },
    )
    assert "Enter a real date" in response.get_data(as_text=True)


def test_hostile_markdown_reaches_readers_harmless(client, world):
    professional = world["people"]["professional"]
    briefing = factories.make_briefing(
        world["a"], professional, body="Hello <script>alert(1)</script> [x](javascript:alert(1))"
    )
    page = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_comparing_versions_shows_the_words_added_and_removed(client, world):
    professional = world["people"]["professional"]
    briefing = world["briefings"]["public"]
    services.update_draft(
        professional,
        briefing,
        body=factories.PLAIN_BODY.replace("5pm to 9pm", "4pm to 8pm"),
    )
    services.publish(professional, briefing, change_note="New times")
    page = client.get(f"/briefings/{briefing.id}/compare?old=1&new=2").get_data(as_text=True)
    removed = re.findall(r"<del>.*?</span>(.*?)<span", page)
    added = re.findall(r"<ins>.*?</span>(.*?)<span", page)
    assert [r.strip() for r in removed] == ["5pm", "9pm"]
    assert [a.strip() for a in added] == ["4pm", "8pm"]
    assert client.get(f"/briefings/{briefing.id}/compare?old=1&new=9").status_code == 404


def test_a_translation_needs_a_language_chosen(client, world):
    briefing = world["briefings"]["public"]
    sign_in_as(client, world["people"]["professional"])
    response = post_form(client, f"/briefings/{briefing.id}/translate", {"language": ""})
    assert "Select a language" in response.get_data(as_text=True)
    assert [row.language for row in services.translations(briefing)] == ["en"]
    response = post_form(client, f"/briefings/{briefing.id}/translate", {"language": "cy"})
    welsh = services.in_language(briefing, "cy")
    assert welsh is None  # a draft translation is not shown to readers yet
    assert [row.language for row in services.translations(briefing)] == ["en", "cy"]
    assert response.headers["Location"].endswith("/edit")
