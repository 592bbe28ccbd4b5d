"""The header's menu: which links a person sees, worked out once per language and role.

Every page shows the menu. Building it in the template cost a dozen `url_for`
calls and a dozen translations on each request; here each combination of
language, address root and role is built once per process and then reused. Only
the two figures ("waiting", "unread") change from one request to the next, and
the template takes them from the header facts.
"""

from typing import Any, NamedTuple

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

EVERYONE, SIGNED_IN, STAFF, REVIEWER, LAY = "everyone", "signed in", "staff", "reviewer", "lay"

# (endpoint, text, who sees it, the header fact counted beside it, what that count means)
LINKS = (
    ("main.index", _l("Home"), EVERYONE, None, None),
    ("communities.directory", _l("Communities"), EVERYONE, None, None),
    ("briefings.index", _l("Briefings"), EVERYONE, None, None),
    ("main.my_work", _l("My work"), STAFF, "work_count", _l("waiting")),
    ("consultations.inbox", _l("Review inbox"), REVIEWER, None, None),
    ("communities.mine", _l("My communities"), SIGNED_IN, None, None),
    ("consultations.mine", _l("My contributions"), LAY, None, None),
    ("impact.mine", _l("My impact"), LAY, None, None),
    ("involvement.mine", _l("My involvement"), LAY, None, None),
    ("notifications.index", _l("Notifications"), SIGNED_IN, "unread", _l("unread")),
    ("impact.board", _l("You said, we did"), EVERYONE, None, None),
    ("briefings.glossary_index", _l("Glossary"), EVERYONE, None, None),
    ("accounts.profile", _l("Your profile"), SIGNED_IN, None, None),
)


class Link(NamedTuple):
    endpoint: str
    href: str
    text: str
    count: str | None  # type: ignore[assignment]  # the key of its figure in the header facts
    count_text: str | None


_built: dict[Any, Any] = {}
MAX_KEPT = 100


def header_menu(facts):
    """The menu's links for this person: `facts` are the header facts, {} when signed out."""
    audience = {EVERYONE}
    if facts:
        audience.add(SIGNED_IN)
        audience.update(
            group
            for group, shown in (
                (STAFF, facts["staff"]),
                (REVIEWER, facts["reviewer"]),
                (LAY, facts["lay"]),
            )
            if shown
        )
    key = (str(get_locale()), request.script_root, frozenset(audience))
    menu = _built.get(key)
    if menu is None:
        if len(_built) > MAX_KEPT:  # a few dozen in practice; this only bounds the memory
            _built.clear()
        menu = _built[key] = tuple(
            Link(endpoint, url_for(endpoint), str(text), count, count_text and str(count_text))
            for endpoint, text, shown_to, count, count_text in LINKS
            if shown_to in audience
        )
    return menu
