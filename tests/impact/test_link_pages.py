"""Linking lay input to decisions and changes from the review pages, changing and removing
links, and the list of views still waiting for an outcome."""

import re

import pytest
import sqlalchemy as sa

from portal import db
from portal.consultations.models import Answer, Contribution, Proposal
from portal.impact import influence
from portal.impact.models import Influence, InfluenceRevision
from tests import factories
from tests.conftest import post_form, sign_in_as


def outcome_of(contribution):
    return db.session.scalar(
        sa.select(Contribution.outcome).where(Contribution.id == contribution.id)
    )


def live_links():
    return db.session.scalars(sa.select(Influence).where(Influence.removed_at.is_(None))).all()


def secrets_of(person):
    return [person.display_name, person.email, *([person.pseudonym] if person.pseudonym else [])]


# From the inbox ------------------------------------------------------------------------------


def test_the_inbox_bulk_action_leads_to_the_link_page_with_the_chosen_contributions(client, impact):
    proposal = impact["proposal"]
    sign_in_as(client, impact["people"]["professional"])
    inbox = client.get(f"/review?proposal={proposal.id}").get_data(as_text=True)
    assert "Link to a decision or change" in inbox and "/review/outcome-missing" in inbox
    chosen = [impact["anonymous"].id, impact["pseudonym"].id]
    response = post_form(
        client, f"/review/bulk?proposal={proposal.id}", {"selected": chosen, "action": "link"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"/proposals/{proposal.id}/influence?")
    assert sorted(int(i) for i in re.findall(r"contribution=(\d+)", location)) == sorted(chosen)
    page = client.get(location).get_data(as_text=True)
    for contribution in (impact["anonymous"], impact["pseudonym"]):
        assert f"Contribution {contribution.id}" in page
    assert f"Contribution {impact['named'].id}<" not in page
    assert "Anonymous" in page and "Wren" in page
    assert "I would come in the evening." in page  # an excerpt
    for secret in secrets_of(impact["second"]) + [impact["third"].display_name]:
        assert secret not in page
    assert 'value="decision:' in page and 'value="change:' in page
    assert "You must say why." in page  # the hint of "Not adopted"


def test_the_bulk_action_refuses_contributions_of_two_proposals(client, impact):
    other = factories.make_proposal(impact["a"], impact["people"]["professional"], title="Other")
    extra = factories.make_contribution(other, impact["a"], impact["second"])
    sign_in_as(client, impact["people"]["professional"])
    response = post_form(
        client, "/review/bulk", {"selected": [impact["named"].id, extra.id], "action": "link"}
    )
    assert response.status_code == 400
    assert "one proposal at a time" in response.get_data(as_text=True)


# Linking ----------------------------------------------------------------------------------


def test_a_theme_adopted_and_one_contribution_not_adopted_with_a_reason(client, impact):
    proposal, change = impact["proposal"], impact["change"]
    theme = impact["weekend_theme"]
    sign_in_as(client, impact["people"]["professional"])
    themes_page = client.get(f"/proposals/{proposal.id}/themes").get_data(as_text=True)
    assert f"/proposals/{proposal.id}/influence?theme={theme.id}" in themes_page
    path = f"/proposals/{proposal.id}/influence?theme={theme.id}"
    page = client.get(path).get_data(as_text=True)
    assert "Weekend calls" in page and "Contributions under it now: 2" in page
    response = post_form(
        client, path, {"target": f"change:{change.id}", "effect": "adopted", "rationale": ""}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/themes")
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Contributions that now have an outcome: 2." in follow
    assert outcome_of(impact["named"]) == outcome_of(impact["anonymous"]) == "shaped"

    one = f"/proposals/{proposal.id}/influence?contribution={impact['pseudonym'].id}"
    response = post_form(
        client,
        one,
        {
            "target": f"decision:{impact['decision'].id}",
            "effect": "not_adopted",
            "rationale": "We cannot staff Sundays yet.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/review?proposal={proposal.id}")
    assert outcome_of(impact["pseudonym"]) == "not_adopted"
    stored = {(link.theme_id, link.contribution_id, link.effect) for link in live_links()}
    assert stored == {
        (theme.id, None, "adopted"),
        (None, impact["pseudonym"].id, "not_adopted"),
    }
    listed = client.get(f"/proposals/{proposal.id}/influence").get_data(as_text=True)
    assert "Theme “Weekend calls”" in listed and "We cannot staff Sundays yet." in listed
    assert "Dr Pro" in listed  # who linked it


def test_not_adopted_without_a_reason_is_an_error_and_stores_nothing(client, impact):
    proposal = impact["proposal"]
    sign_in_as(client, impact["people"]["professional"])
    path = f"/proposals/{proposal.id}/influence?contribution={impact['named'].id}"
    response = post_form(
        client,
        path,
        {"target": f"decision:{impact['decision'].id}", "effect": "not_adopted", "rationale": " "},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "Say why it was not adopted" in page
    assert 'value="not_adopted" checked' in page
    assert f'<option value="decision:{impact["decision"].id}" selected>' in page
    assert live_links() == [] and outcome_of(impact["named"]) == "awaiting"
    missing = post_form(client, path, {"effect": "adopted", "rationale": "Kept words"})
    assert missing.status_code == 400
    text = missing.get_data(as_text=True)
    assert "Choose the decision or change it influenced" in text and "Kept words" in text
    assert live_links() == []


def test_the_review_page_shows_what_a_contribution_changed(client, impact):
    proposal, author = impact["proposal"], impact["people"]["professional"]
    influence.link(
        author,
        proposal,
        target=f"change:{impact['change'].id}",
        effect="adapted",
        rationale="Two evenings, not five.",
        theme=impact["weekend_theme"],
    )
    sign_in_as(client, author)
    page = client.get(f"/review/contributions/{impact['anonymous'].id}").get_data(as_text=True)
    assert "What it changed" in page and "Shaped a change" in page
    assert "Adopted with changes" in page and "Two evenings, not five." in page
    assert "Evening clinic on Tuesdays and Thursdays" in page
    assert "through the theme “Weekend calls”" in page
    link = live_links()[0]
    assert f"/influences/{link.id}" in page
    assert f"/proposals/{proposal.id}/influence?contribution={impact['anonymous'].id}" in page
    waiting = client.get(f"/review/contributions/{impact['pseudonym'].id}").get_data(as_text=True)
    assert (
        "Waiting for an outcome" in waiting and "Not linked to a decision or change yet." in waiting
    )


def test_with_nothing_to_link_to_the_page_says_how_to_make_one(client, impact):
    proposal = factories.make_proposal(
        impact["b"], impact["people"]["other_coordinator"], title="Visiting"
    )
    contribution_author = impact["people"]["requester"]
    factories.make_membership(contribution_author, impact["b"])
    contribution = factories.make_contribution(proposal, impact["b"], contribution_author)
    factories.close(proposal)
    sign_in_as(client, impact["people"]["other_coordinator"])
    page = client.get(f"/proposals/{proposal.id}/influence?contribution={contribution.id}")
    text = page.get_data(as_text=True)
    assert "There is nothing to link to yet" in text
    assert f"/proposals/{proposal.id}/decision" in text and "/communities/beta/changes/new" in text
    assert 'name="effect"' not in text


def test_who_may_link(client, impact):
    proposal = impact["proposal"]
    path = f"/proposals/{proposal.id}/influence?contribution={impact['named'].id}"
    data = {"target": f"change:{impact['change'].id}", "effect": "adopted"}
    sign_in_as(client, impact["people"]["lay"])
    assert client.get(path).status_code == 403
    assert post_form(client, path, data).status_code == 403
    sign_in_as(client, impact["people"]["other_coordinator"])
    assert client.get(path).status_code == 404
    sign_in_as(client, impact["people"]["professional"])
    other = factories.make_proposal(impact["a"], impact["people"]["professional"], title="Other")
    assert (
        client.get(f"/proposals/{other.id}/influence?contribution={impact['named'].id}").status_code
        == 404
    )
    assert client.get(f"/proposals/{proposal.id}/influence?theme=999999").status_code == 404
    assert live_links() == []


# One link ------------------------------------------------------------------------------------


def test_a_link_is_changed_then_removed_and_its_history_kept(client, impact):
    proposal, author = impact["proposal"], impact["people"]["professional"]
    (made,) = influence.link(
        author,
        proposal,
        target=f"decision:{impact['decision'].id}",
        effect="informed",
        rationale="",
        contributions=[impact["named"]],
    )
    sign_in_as(client, impact["people"]["coordinator"])
    path = f"/influences/{made.id}"
    page = client.get(path).get_data(as_text=True)
    assert "Informed the decision" in page and "Remove this link" in page
    refused = post_form(client, path, {"effect": "not_adopted", "rationale": ""})
    assert refused.status_code == 400 and "Say why it was not adopted" in refused.get_data(
        as_text=True
    )
    response = post_form(client, path, {"effect": "not_adopted", "rationale": "No budget."})
    assert response.status_code == 302
    assert outcome_of(impact["named"]) == "not_adopted"
    response = post_form(client, f"{path}/remove")
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/influence")
    assert outcome_of(impact["named"]) == "awaiting"
    page = client.get(path).get_data(as_text=True)
    assert "This link was removed" in page and 'name="effect"' not in page
    for words in ("Linked", "Changed", "Removed", "No budget.", "Dr Pro", "Coord A"):
        assert words in page
    actions = db.session.scalars(
        sa.select(InfluenceRevision.action).where(InfluenceRevision.influence_id == made.id)
    ).all()
    assert sorted(actions) == ["changed", "created", "removed"]


def test_only_reviewers_see_or_change_a_link(client, impact):
    (made,) = influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        contributions=[impact["named"]],
    )
    path = f"/influences/{made.id}"
    sign_in_as(client, impact["people"]["professional"])
    assert client.post(f"{path}/remove").status_code == 400  # no CSRF token
    sign_in_as(client, impact["people"]["lay"])
    assert client.get(path).status_code == 403
    assert post_form(client, f"{path}/remove").status_code == 403
    sign_in_as(client, impact["people"]["other_coordinator"])
    assert client.get(path).status_code == 404
    assert post_form(client, path, {"effect": "informed"}).status_code == 404
    assert client.get("/influences/999999").status_code == 404
    db.session.expire_all()
    assert live_links()[0].effect == "adopted"


# Views still waiting for an outcome ---------------------------------------------------------


def test_outcome_missing_lists_views_on_decided_proposals_without_revealing_authors(client, impact):
    open_one = factories.make_proposal(impact["a"], impact["people"]["professional"], title="Open")
    factories.make_contribution(open_one, impact["a"], impact["second"], identity="anonymous")
    influence.link(
        impact["people"]["professional"],
        impact["proposal"],
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        contributions=[impact["named"]],
    )
    sign_in_as(client, impact["people"]["professional"])
    page = client.get("/review/outcome-missing").get_data(as_text=True)
    assert "Weekend phone line" in page and "Open</td>" not in page
    for waiting in (impact["anonymous"], impact["pseudonym"]):
        assert f"Contribution {waiting.id}<" in page
        assert f"/proposals/{impact['proposal'].id}/influence?contribution={waiting.id}" in page
    assert f"Contribution {impact['named'].id}<" not in page
    assert "Anonymous" in page and "Wren" in page
    for secret in secrets_of(impact["second"]) + [impact["third"].display_name]:
        assert secret not in page


def test_outcome_missing_is_for_reviewers(client, impact):
    assert client.get("/review/outcome-missing").status_code == 302
    sign_in_as(client, impact["people"]["lay"])
    assert client.get("/review/outcome-missing").status_code == 403
    sign_in_as(client, impact["people"]["other_coordinator"])
    page = client.get("/review/outcome-missing").get_data(as_text=True)
    assert "Weekend phone line" not in page and "has an outcome" in page


# Statements per page ------------------------------------------------------------------------


def _many_contributions(impact, count):
    """`count` anonymous contributions to the decided proposal, each linked to the decision,
    inserted in bulk."""
    proposal = impact["proposal"]
    question = db.session.scalar(sa.select(Answer.question_id).limit(1))
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = list(range(first, first + count))
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "identity": "anonymous",
                "idempotency_key": f"bulk-{i}",
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(Answer),
        [{"contribution_id": i, "question_id": question, "text": f"View {i}"} for i in ids],
    )
    db.session.execute(
        sa.insert(Influence),
        [
            {
                "proposal_id": proposal.id,
                "contribution_id": i,
                "decision_id": impact["decision"].id,
                "effect": "informed",
                "rationale": "Weighed up.",
                "created_by_id": impact["people"]["professional"].id,
            }
            for i in ids
        ],
    )
    return ids


@pytest.mark.parametrize("page", ["link", "outcome_missing"])
def test_the_link_and_outcome_missing_pages_cost_the_same_with_more_data(
    client, impact, count_queries, page
):
    proposal = impact["proposal"]
    sign_in_as(client, impact["people"]["professional"])
    few_ids = _many_contributions(impact, 5)

    def path(ids):
        if page == "outcome_missing":
            return "/review/outcome-missing"
        query = "&".join(f"contribution={i}" for i in ids)
        return f"/proposals/{proposal.id}/influence?{query}"

    client.get(path(few_ids[:2]))
    with count_queries() as few:
        assert client.get(path(few_ids[:2])).status_code == 200
    many_ids = _many_contributions(impact, 600)
    # Links make outcomes "informed" only when refreshed: these stay "awaiting" for the list.
    with count_queries() as many:
        response = client.get(path(many_ids[:25]))
    assert response.status_code == 200 and len(many) == len(few)
    text = response.get_data(as_text=True)
    if page == "link":
        assert text.count("Change or remove") == 25
        pages = re.findall(r'href="([^"]*page=2[^"]*)"', text.replace("&amp;", "&"))
        assert pages and all(f"contribution={i}" in pages[0] for i in many_ids[:25])
    else:
        assert text.count("Link it") == 25
    assert db.session.scalar(sa.select(Proposal.decided_at).where(Proposal.id == proposal.id))
