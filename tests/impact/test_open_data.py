"""Open data: public changes, decisions and counts of what views did, as CSV and JSON."""

import csv
import io
import json

import sqlalchemy as sa

from portal import db
from portal.impact import influence
from portal.impact.models import ServiceChange
from tests import factories
from tests.impact.test_trace import NAMES


def _csv(client, name):
    response = client.get(f"/open-data/{name}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="chorus-{name}.csv"'
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def _json(client, name):
    response = client.get(f"/open-data/{name}.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.get_data(as_text=True))
    assert data["licence"] == "Open Government Licence v3.0"
    assert data["generated"][:4].isdigit()
    return data["items"]


def _members_only_things(impact):
    """A members-only change (the parent of a public one) and a members-only decision."""
    a, author = impact["a"], impact["people"]["professional"]
    hidden_proposal = factories.make_proposal(a, author, title="Staff car park")
    hidden_decision = factories.make_decision(
        hidden_proposal, a, author, summary="Swap the rota", visibility="members"
    )
    secret = factories.make_change(a, author, title="Staff rota swap", visibility="members")
    child = factories.make_change(
        a,
        author,
        title="New phone line",
        parent_id=secret.id,
        decision_ids=[impact["decision"].id, hidden_decision.id],
    )
    return secret, hidden_decision, child


def test_changes_hold_public_changes_only_and_no_trace_of_members_only_ones(client, impact):
    secret, hidden_decision, child = _members_only_things(impact)
    rows = {int(row["id"]): row for row in _csv(client, "changes")}
    assert set(rows) == {impact["change"].id, child.id}
    row = rows[child.id]
    assert row["community"] == "alpha" and row["status"] == "planned"
    assert row["parent_id"] == ""  # its parent is members-only
    assert row["decision_ids"] == str(impact["decision"].id)
    items = {item["id"]: item for item in _json(client, "changes")}
    assert items[child.id]["decision_ids"] == [impact["decision"].id]
    assert items[child.id]["parent_id"] is None
    assert set(items[child.id]) == {
        "id",
        "community",
        "title",
        "description",
        "service_area",
        "status",
        "status_date",
        "progress",
        "parent_id",
        "decision_ids",
    }
    assert "Staff rota swap" not in json.dumps(list(items.values()))


def test_decisions_hold_public_decisions_only(client, impact):
    _secret, hidden_decision, _child = _members_only_things(impact)
    rows = _csv(client, "decisions")
    assert [int(row["id"]) for row in rows] == [impact["decision"].id]
    assert rows[0]["proposal"] == "Weekend phone line"
    assert rows[0]["decided_by"] == "Clinical governance committee"
    assert [item["id"] for item in _json(client, "decisions")] == [impact["decision"].id]


def test_influence_holds_counts_only_never_who_or_what_was_said(client, impact):
    secret, _hidden_decision, _child = _members_only_things(impact)
    reviewer, proposal, _a = impact["people"]["professional"], impact["proposal"], impact["a"]
    influence.link(
        reviewer,
        proposal,
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        theme=impact["weekend_theme"],
    )
    influence.link(
        reviewer,
        proposal,
        target=f"change:{impact['change'].id}",
        effect="adopted",
        rationale="",
        contributions=[impact["named"], impact["pseudonym"]],
    )
    influence.link(
        reviewer,
        proposal,
        target=f"change:{secret.id}",
        effect="informed",
        rationale="",
        contributions=[impact["pseudonym"]],
    )
    items = _json(client, "influence")
    assert items == [
        {
            "target_type": "change",
            "target_id": impact["change"].id,
            "effect": "adopted",
            "contributions": 3,  # named (twice: directly and by theme), anonymous, pseudonym
            "links": 3,
        }
    ]
    body = client.get("/open-data/influence.csv").get_data(as_text=True)
    assert body.splitlines()[0] == "\ufefftarget_type,target_id,effect,contributions,links"
    everything = body + "".join(
        client.get(f"/open-data/{name}.{fmt}").get_data(as_text=True)
        for name in ("changes", "decisions")
        for fmt in ("csv", "json")
    )
    for name in NAMES:
        assert name not in everything
    assert "I would come in the evening." not in everything


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_made_plain(client, impact):
    impact["change"].title = '=HYPERLINK("http://evil.example")'
    db.session.flush()
    rows = _csv(client, "changes")
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example")'
    assert _json(client, "changes")[0]["title"] == '=HYPERLINK("http://evil.example")'


def test_unknown_files_and_formats_are_not_found(client, impact):
    for path in ("/open-data/people.csv", "/open-data/changes.xlsx", "/open-data/changes"):
        assert client.get(path).status_code == 404


def test_the_open_data_page_describes_each_file_and_its_licence(client, impact):
    html = client.get("/open-data").get_data(as_text=True)
    assert "Open Government Licence v3.0" in html
    for name in ("changes", "decisions", "influence"):
        assert f'href="/open-data/{name}.csv"' in html and f'href="/open-data/{name}.json"' in html
    assert "<code>decision_ids</code>" in html and "<code>contributions</code>" in html


def test_files_cost_the_same_statements_with_few_or_many_changes(client, impact, count_queries):
    def more(count):
        db.session.execute(
            sa.insert(ServiceChange),
            [
                {
                    "community_id": impact["a"].id,
                    "title": f"Change {i}",
                    "description": "A change.",
                    "service_area": "Cancer care",
                }
                for i in range(count)
            ],
        )

    more(2)
    with count_queries() as few:
        for name in ("changes", "decisions", "influence"):
            client.get(f"/open-data/{name}.json")
    more(300)
    with count_queries() as many:
        for name in ("changes", "decisions", "influence"):
            client.get(f"/open-data/{name}.json")
    assert len(many) == len(few)
    assert len(_json(client, "changes")) == 303
