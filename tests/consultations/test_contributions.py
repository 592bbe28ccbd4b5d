"""Giving views: nothing a lay partner writes is lost, and each form is stored once."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from portal import db
from portal.consultations import contributions, services
from portal.consultations.models import Contribution, ContributionDraft, HeldForm
from portal.db import utcnow
from portal.outbox import OutboxMessage
from tests import factories
from tests.conftest import csrf_token, post_form, sign_in_as


@pytest.fixture
def fresh(world, make_user, make_membership):
    """An open proposal of A with every kind of question, and a lay partner yet to answer."""
    proposal = factories.make_proposal(
        world["a"],
        world["people"]["professional"],
        title="Evening hours",
        questions=[
            {"prompt": "What do you think?", "kind": "text", "required": True},
            {"prompt": "How much would it help?", "kind": "scale"},
            {"prompt": "Which evening?", "kind": "single", "options": ["Monday", "Friday"]},
            {"prompt": "What would help?", "kind": "multiple", "options": ["Parking", "Food"]},
        ],
    )
    person = make_user(email="new.voice@example.org", display_name="Nia Voice", pseudonym="Wren")
    make_membership(person, world["a"])
    return proposal, person


def form_for(client, proposal):
    html = client.get(f"/proposals/{proposal.id}/contribute").get_data(as_text=True)
    key = re.search(r'name="submission_key" value="([^"]*)"', html).group(1)
    return html, key


def answers(proposal, key, **extra):
    text, scale, single, multiple = services.questions(proposal)
    return {
        "submission_key": key,
        "identity": "anonymous",
        f"q{text.id}": "Evenings would let me keep working.",
        f"q{scale.id}": "5",
        f"q{scale.id}_comment": "A lot.",
        f"q{single.id}": "1",
        f"q{multiple.id}": ["0", "1"],
        "action": "send",
        **extra,
    }


def stored(proposal):
    return db.session.scalars(
        sa.select(Contribution).where(Contribution.proposal_id == proposal.id)
    ).all()


def test_answers_are_stored_with_the_identity_chosen(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    _html, key = form_for(client, proposal)
    response = post_form(client, f"/proposals/{proposal.id}/contribute", answers(proposal, key))
    (contribution,) = stored(proposal)
    assert response.headers["Location"].endswith(f"/contributions/{contribution.id}?sent=1")
    assert (contribution.identity, contribution.author_id) == ("anonymous", person.id)
    by_question = {a.question_id: a for a in contributions.answers_of(contribution).values()}
    text, scale, single, multiple = services.questions(proposal)
    assert by_question[scale.id].scale == 5 and by_question[scale.id].text == "A lot."
    assert by_question[single.id].choices == ["Friday"]
    assert by_question[multiple.id].choices == ["Parking", "Food"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have your views" in page and "Reviewers do not see who you are." in page
    email = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.kind == "contribution_received", OutboxMessage.user_id == person.id
        )
    )
    assert "You chose to be anonymous" in email.body and "Evening hours" in email.subject


def test_sending_the_same_form_twice_stores_one_contribution(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    _html, key = form_for(client, proposal)
    first = post_form(client, f"/proposals/{proposal.id}/contribute", answers(proposal, key))
    second = post_form(client, f"/proposals/{proposal.id}/contribute", answers(proposal, key))
    assert len(stored(proposal)) == 1
    assert first.headers["Location"] == second.headers["Location"]


def test_a_second_form_changes_the_first_contribution_and_keeps_its_history(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    _html, key = form_for(client, proposal)
    post_form(client, f"/proposals/{proposal.id}/contribute", answers(proposal, key))
    text = services.questions(proposal)[0]
    post_form(
        client,
        f"/proposals/{proposal.id}/contribute",
        answers(proposal, "another-tab", **{f"q{text.id}": "Second thoughts."}),
    )
    (contribution,) = stored(proposal)
    assert contributions.answers_of(contribution)[text.id].text == "Second thoughts."
    (revision,) = contributions.revisions(contribution)
    assert revision.answers[str(text.id)]["text"] == "Evenings would let me keep working."


def test_a_failed_check_keeps_every_answer_typed(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    _html, key = form_for(client, proposal)
    text = services.questions(proposal)[0]
    response = post_form(
        client,
        f"/proposals/{proposal.id}/contribute",
        answers(proposal, key, **{f"q{text.id}": "", "identity": ""}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and stored(proposal) == []
    assert "Answer the question: What do you think?" in page and "A lot." in page
    assert 'value="1" checked' in page  # Friday, still chosen


def test_answers_sent_after_the_session_ended_wait_for_sign_in(app, client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    _html, key = form_for(client, proposal)
    token = csrf_token(client)
    client.delete_cookie("chorus_session")  # signed out in another tab, or timed out
    response = client.post(
        f"/proposals/{proposal.id}/contribute",
        data={**answers(proposal, key), "csrf_token": token},
    )
    assert response.status_code == 302 and stored(proposal) == []
    location = unquote(response.headers["Location"])
    assert location.startswith("/sign-in?next=")
    back = location.split("next=", 1)[1]
    sign_in_as(client, person)
    page = client.get(back).get_data(as_text=True)
    assert "Evenings would let me keep working." in page and "A lot." in page
    # The held copy is used once and becomes the draft, so a reload keeps the answers.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HeldForm)) == 0
    assert "Evenings would let me keep working." in client.get(back).get_data(as_text=True)


def test_a_stale_form_token_brings_the_answers_back(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    _html, key = form_for(client, proposal)
    response = client.post(
        f"/proposals/{proposal.id}/contribute",
        data={**answers(proposal, key), "csrf_token": "stale"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and stored(proposal) == []
    assert "Check them and send them again" in page and "A lot." in page


def test_save_and_come_back_later_keeps_a_draft(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    _html, key = form_for(client, proposal)
    text = services.questions(proposal)[0]
    response = post_form(
        client,
        f"/proposals/{proposal.id}/contribute",
        {"submission_key": key, f"q{text.id}": "Half an answer", "action": "save"},
    )
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert stored(proposal) == []
    html, same_key = form_for(client, proposal)
    assert "Half an answer" in html and same_key == key
    assert "Evening hours" in client.get("/my/contributions").get_data(as_text=True)
    post_form(client, f"/proposals/{proposal.id}/contribute", answers(proposal, key))
    assert db.session.get(ContributionDraft, (person.id, proposal.id)) is None


def test_autosave_keeps_a_draft_without_a_page(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    text = services.questions(proposal)[0]
    response = post_form(client, f"/proposals/{proposal.id}/draft", {f"q{text.id}": "Typing…"})
    assert response.status_code == 204
    draft = db.session.get(ContributionDraft, (person.id, proposal.id))
    assert draft.data[f"q{text.id}"] == ["Typing…"] and "csrf_token" not in draft.data


def test_changing_and_withdrawing_until_the_window_closes(client, world):
    contribution, proposal = world["contribution"], world["proposals"]["open"]
    sign_in_as(client, world["people"]["lay"])
    text = services.questions(proposal)[0]
    response = post_form(
        client,
        f"/contributions/{contribution.id}/edit",
        {"identity": "pseudonym", f"q{text.id}": "Changed my mind."},
    )
    assert response.status_code == 302
    db.session.refresh(contribution)
    assert contribution.identity == "pseudonym"
    assert contributions.answers_of(contribution)[text.id].text == "Changed my mind."
    post_form(client, f"/contributions/{contribution.id}/withdraw")
    db.session.refresh(contribution)
    assert contribution.is_withdrawn
    page = client.get(f"/contributions/{contribution.id}").get_data(as_text=True)
    assert "Withdrawn" in page and "Change your views" not in page


def test_nothing_changes_after_the_window_closes(world):
    contribution, proposal = world["contribution"], world["proposals"]["open"]
    proposal.closes_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(contributions.Refused, match="not open"):
        contributions.withdraw(world["people"]["lay"], contribution, proposal)
    with pytest.raises(contributions.Refused, match="not open"):
        factories.make_contribution(proposal, world["a"], world["people"]["lay"])


@pytest.mark.parametrize("role", ["professional", "coordinator"])
def test_only_lay_partners_give_views(world, role):
    with pytest.raises(contributions.NotAllowed):
        factories.make_contribution(world["proposals"]["open"], world["a"], world["people"][role])


def test_the_contribution_form_costs_the_same_statements_with_many_contributions(
    client, fresh, world, count_queries, make_user, make_membership
):
    proposal, person = fresh
    sign_in_as(client, person)
    client.get(f"/proposals/{proposal.id}/contribute")
    with count_queries() as few:
        client.get(f"/proposals/{proposal.id}/contribute")
    for number in range(20):
        voice = make_user(email=f"voice{number}@example.org")
        make_membership(voice, world["a"])
        factories.make_contribution(proposal, world["a"], voice)
    with count_queries() as many:
        assert client.get(f"/proposals/{proposal.id}/contribute").status_code == 200
    assert len(many) == len(few)


def test_answers_without_a_session_are_limited_per_address(app, client, fresh, monkeypatch):
    proposal, _person = fresh
    monkeypatch.setitem(app.config, "CONTRIBUTE_LIMIT", "2 per minute")
    statuses = [
        client.post(f"/proposals/{proposal.id}/contribute", data={"q1": "x"}).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_a_form_too_big_to_send_gets_an_error_page(client, fresh):
    proposal, person = fresh
    sign_in_as(client, person)
    response = client.post(
        f"/proposals/{proposal.id}/contribute", data={"q1": "x" * (7 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert "Sorry, there is a problem with that request" in response.get_data(as_text=True)
