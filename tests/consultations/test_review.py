"""The review inbox: filters, themes, replies, bulk actions, export, and anonymity kept."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from portal import db
from portal.consultations import review, services
from portal.consultations.models import Answer, Contribution
from portal.outbox import OutboxMessage
from tests import factories
from tests.conftest import post_form, sign_in_as


@pytest.fixture
def voices(world, make_user, make_membership):
    """Three more contributions to the open proposal of A: named, pseudonymous, anonymous."""
    proposal, a = world["proposals"]["open"], world["a"]
    made = {}
    for identity, name, pseudonym, words in [
        ("named", "Nia Named", None, "Parking is hard in the evening."),
        ("pseudonym", "Paul Private", "Kestrel", "The bus stops at 6pm."),
        ("anonymous", "Secret Person", "Hidden Owl", "I am scared of hospitals at night."),
    ]:
        person = make_user(email=f"{identity}@example.org", display_name=name, pseudonym=pseudonym)
        make_membership(person, a)
        questions = services.questions(proposal)
        answers = {questions[0].id: (words, None, []), questions[1].id: ("", 3, [])}
        made[identity] = (
            person,
            factories.make_contribution(proposal, a, person, identity=identity, answers=answers),
        )
    return made


def inbox_text(client, query=""):
    return client.get(f"/review{query}").get_data(as_text=True)


def test_reviewers_see_names_as_chosen_and_never_the_anonymous_author(client, world, voices):
    sign_in_as(client, world["people"]["professional"])
    page = inbox_text(client)
    assert "Nia Named" in page and "Kestrel" in page and "Paul Private" not in page
    assert "Anonymous" in page
    person, contribution = voices["anonymous"]
    detail = client.get(f"/review/contributions/{contribution.id}").get_data(as_text=True)
    for secret in (person.display_name, person.pseudonym, person.email, f"/users/{person.id}"):
        assert secret not in page and secret not in detail
    export = client.get(f"/proposals/{world['proposals']['open'].id}/export.csv")
    text = export.get_data(as_text=True)
    assert person.display_name not in text and person.email not in text
    assert person.pseudonym not in text


def test_filters_and_search(client, world, voices):
    sign_in_as(client, world["people"]["coordinator"])
    proposal = world["proposals"]["open"]
    found = inbox_text(client, f"?proposal={proposal.id}&q=BUS")
    assert "The bus stops at 6pm." in found and "Parking is hard" not in found
    assert "Parking is hard" in inbox_text(client, "?status=new")
    assert "No contributions match" in inbox_text(client, "?status=responded")
    assert "No contributions match" in inbox_text(client, "?source=letter")


def test_a_reviewer_of_another_community_sees_none_of_them(client, world, voices):
    sign_in_as(client, world["people"]["other_coordinator"])
    assert "No contributions match" in inbox_text(client)
    _person, contribution = voices["named"]
    assert client.get(f"/review/contributions/{contribution.id}").status_code == 404


def test_bulk_theme_and_reply_reach_the_contributors(client, world, voices):
    sign_in_as(client, world["people"]["professional"])
    proposal = world["proposals"]["open"]
    ids = [voices[k][1].id for k in ("named", "anonymous")]
    post_form(
        client,
        f"/review/bulk?proposal={proposal.id}",
        {"selected": ids, "action": "theme", "theme": "Evening travel"},
    )
    assert review.themes_of(ids) == {i: ["Evening travel"] for i in ids}
    response = post_form(
        client,
        f"/review/bulk?proposal={proposal.id}",
        {
            "selected": ids,
            "action": "reply",
            "reply": "Thank you. We are talking to the bus company.",
        },
    )
    assert response.status_code == 302
    for identity in ("named", "anonymous"):
        person, contribution = voices[identity]
        db.session.refresh(contribution)
        assert contribution.review_status == "responded" and contribution.first_response_at
        message = db.session.scalar(
            sa.select(OutboxMessage).where(
                OutboxMessage.kind == "contribution_response", OutboxMessage.user_id == person.id
            )
        )
        assert "bus company" in message.body
    sign_in_as(client, voices["anonymous"][0])
    page = client.get(f"/contributions/{voices['anonymous'][1].id}").get_data(as_text=True)
    assert "We are talking to the bus company." in page


def test_bulk_needs_a_selection_and_keeps_the_reply_typed(client, world, voices):
    sign_in_as(client, world["people"]["professional"])
    response = post_form(client, "/review/bulk", {"action": "reply", "reply": "Kept words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Select at least one contribution" in page and "Kept words" in page


def test_a_missing_selection_is_shown_at_the_checkboxes_the_error_summary_links_to(
    client, world, voices
):
    proposal = world["proposals"]["open"]
    review.theme_named(proposal, "Parking")  # so that the filters offer the proposal's themes
    sign_in_as(client, world["people"]["professional"])
    response = post_form(client, f"/review/bulk?proposal={proposal.id}", {"action": "acknowledge"})
    page = response.get_data(as_text=True)
    assert '<a href="#selected">Select at least one contribution</a>' in page
    assert page.count('id="selected"') == 1
    assert 'id="selected-error"' in page and 'aria-describedby="selected-error"' in page
    assert page.count('id="theme"') == 1  # the filter; the bulk form's theme has its own id
    assert page.count('id="bulk-theme"') == 1


def test_a_reply_in_error_lets_the_language_switcher_come_back_to_the_contribution(
    client, world, voices
):
    contribution = voices["named"][1]
    sign_in_as(client, world["people"]["professional"])
    response = post_form(client, f"/review/contributions/{contribution.id}/reply", {"reply": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'name="next" value="/review/contributions/{contribution.id}"' in page


def test_themes_are_renamed_and_merged(client, world, voices):
    proposal = world["proposals"]["open"]
    reviewer = world["people"]["coordinator"]
    first = review.theme_named(proposal, "Parking")
    second = review.theme_named(proposal, "Car parking")
    review.add_theme(reviewer, [voices["named"][1]], first)
    review.add_theme(reviewer, [voices["named"][1], voices["pseudonym"][1]], second)
    sign_in_as(client, reviewer)
    post_form(
        client,
        f"/proposals/{proposal.id}/themes/{first.id}/merge",
        {"into": second.id},
    )
    assert [t.name for t in review.proposal_themes(proposal.id)] == [
        "Car parking",
        "Evening travel",
    ]
    assert review.theme_counts(proposal.id) == {second.id: 2}
    post_form(client, f"/proposals/{proposal.id}/themes/{second.id}/rename", {"name": "Parking"})
    db.session.expire_all()
    assert [t.name for t in review.proposal_themes(proposal.id)] == ["Evening travel", "Parking"]


def test_acknowledging_and_the_history(client, world, voices):
    _person, contribution = voices["named"]
    sign_in_as(client, world["people"]["professional"])
    post_form(client, f"/review/contributions/{contribution.id}/acknowledge")
    post_form(
        client,
        f"/review/contributions/{contribution.id}/themes",
        {"new_theme": "Parking"},
    )
    page = client.get(f"/review/contributions/{contribution.id}").get_data(as_text=True)
    assert "acknowledged – Dr Pro" in page and "theme added “Parking” – Dr Pro" in page


def test_overdue_after_the_configured_days_without_a_reply(app, client, world, voices):
    from datetime import timedelta

    from portal.db import utcnow

    _person, contribution = voices["named"]
    contribution.submitted_at = utcnow() - timedelta(days=11)
    db.session.flush()
    sign_in_as(client, world["people"]["professional"])
    page = inbox_text(client, "?overdue=y")
    assert f"Contribution {contribution.id}" in page and "Overdue" in page
    assert f"Contribution {voices['anonymous'][1].id}<" not in page


def test_the_export_opens_in_a_spreadsheet_and_defuses_formulas(client, world, make_user):
    proposal, a = world["proposals"]["open"], world["a"]
    person = make_user(email="formula@example.org", display_name='=HYPERLINK("x")')
    factories.make_membership(person, a)
    questions = services.questions(proposal)
    factories.make_contribution(
        proposal, a, person, answers={questions[0].id: ("=1+1 and café ☕", None, [])}
    )
    sign_in_as(client, world["people"]["professional"])
    response = client.get(f"/proposals/{proposal.id}/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["What do you think?", "How good is it?"]
    formula_row = next(row for row in rows if "café" in " ".join(row))
    assert "'=1+1 and café ☕" in formula_row and '\'=HYPERLINK("x")' in formula_row


def test_summary_counts_and_scale_spread(client, world, voices):
    sign_in_as(client, world["people"]["professional"])
    page = client.get(f"/proposals/{world['proposals']['open'].id}/summary").get_data(as_text=True)
    # The world's lay partner answered 4; the three voices answered 3.
    assert "Average 3.2 out of 5, from 4 answers." in page
    assert re.search(r"<title[^>]*>Answers from 1 to 5: 0, 0, 3, 1, 0</title>", page)


def _many_contributions(proposal, count, start=0):
    """`count` anonymous contributions with answers, inserted in bulk."""
    question = services.questions(proposal)[0]
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = range(first, first + count)
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
        [{"contribution_id": i, "question_id": question.id, "text": f"View {i}"} for i in ids],
    )


def test_the_inbox_costs_the_same_statements_with_10_or_10000_contributions(
    client, world, count_queries
):
    proposal = world["proposals"]["open"]
    _many_contributions(proposal, 9)
    sign_in_as(client, world["people"]["professional"])
    path = f"/review?proposal={proposal.id}&page=2&q=view"
    client.get(path)
    with count_queries() as few:
        assert client.get(f"/review?proposal={proposal.id}").status_code == 200
    _many_contributions(proposal, 9990)
    with count_queries() as many:
        page = client.get(f"/review?proposal={proposal.id}")
    assert page.status_code == 200 and len(many) == len(few)
    assert page.get_data(as_text=True).count('name="selected"') == 25
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 10000


def test_reviewer_queries_never_load_who_wrote_a_contribution(world):
    db.session.expunge_all()
    contribution, _proposal, _community, name = review.get_for_review(
        world["people"]["professional"], world["contribution"].id
    )
    assert name == "Lay Person"  # named: the name is worked out in SQL
    with pytest.raises(sa.exc.InvalidRequestError):
        contribution.author_id  # noqa: B018 - touching it is the test


def test_every_contribution_keeps_its_proposals_community(world):
    proposal = world["proposals"]["open"]
    assert world["contribution"].community_id == world["a"].id  # written by the service
    _many_contributions(proposal, 2)  # a bulk insert that leaves the community out
    stored = db.session.scalars(
        sa.select(Contribution.community_id).where(Contribution.proposal_id == proposal.id)
    ).all()
    assert len(stored) == 3 and set(stored) == {proposal.community_id}


def test_the_inbox_of_all_communities_lists_only_the_reviewers_own(client, world, make_user):
    b = world["b"]
    elsewhere = factories.make_proposal(b, world["people"]["other_coordinator"], title="Beta rota")
    neighbour = make_user(email="neighbour@example.org", display_name="Beta Neighbour")
    factories.make_membership(neighbour, b)
    with client.application.test_request_context():
        factories.make_contribution(elsewhere, b, neighbour)
    sign_in_as(client, world["people"]["professional"])
    html = client.get("/review").get_data(as_text=True)
    assert world["proposals"]["open"].title in html  # the world's view in community A
    assert "Beta rota" not in html
    sign_in_as(client, world["people"]["other_coordinator"])
    html = client.get("/review").get_data(as_text=True)
    assert "Beta rota" in html and world["proposals"]["open"].title not in html
