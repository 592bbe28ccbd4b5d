"""How Chorus is put together can be read from create_app: every route, signal and hook."""

import ast
from pathlib import Path

import sqlalchemy as sa

from portal import signals
from portal.accounts.models import User
from portal.communities import member_counts, timeline
from portal.communities.models import Community, Membership
from portal.impact import influence

PORTAL = Path(__file__).resolve().parent.parent / "portal"
DOMAINS = [p.parent.name for p in PORTAL.glob("*/blueprint.py")]


def test_no_module_is_imported_only_for_its_side_effects():
    marked = [
        f"{path.relative_to(PORTAL)}:{number}"
        for path in PORTAL.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "noqa: F401" in line
    ]
    assert marked == []


def test_every_route_is_listed_in_its_domains_blueprint(app):
    """Routes are added in blueprint.py, not by decorators spread over the view modules."""
    decorated = []
    for path in PORTAL.rglob("*views.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            for decorator in getattr(node, "decorator_list", []):
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and getattr(target.value, "id", "") == "bp":
                    decorated.append(f"{path.relative_to(PORTAL)}: {node.name}")
    assert decorated == []
    assert sorted(DOMAINS) == sorted(app.blueprints)
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            view = app.view_functions[rule.endpoint]
            domain = rule.endpoint.split(".")[0]
            assert view.__module__.startswith(f"portal.{domain}."), rule.endpoint


def test_create_app_connects_the_reactions_between_domains(app):
    assert influence.on_themes_changed in signals.themes_changed.receivers_for(None)
    assert influence.on_theme_merging in list(signals.theme_merging.receivers_for(object()))
    assert influence.on_proposal_moved in list(signals.proposal_moved.receivers_for(object()))
    for target, name, hook in (
        (Membership, "after_insert", member_counts._count_after_insert_or_delete),
        (User, "after_update", member_counts._rename_memberships),
        (Membership, "after_update", timeline._members_milestone),
        (Community, "after_insert", timeline._founded),
    ):
        assert sa.event.contains(target, name, hook), hook.__name__
