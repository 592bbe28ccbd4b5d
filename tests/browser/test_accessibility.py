"""Every page, for every role and language, passes axe-core (WCAG 2.2 AA) and reflows at 320 px."""

from pathlib import Path

import pytest

from .pages import (
    ANONYMOUS,
    EVERYONE,
    LOCALES,
    NOT_PAGES,
    PAGES,
    RTL_LOCALES,
    choose_language,
    endpoint_of,
    open_page,
    pages_for,
    sign_in,
)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
RUN_AXE = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((node) => node.target.join(" ")),
  }));
}"""


# Labels, error summaries and ARIA references all point at ids: each must be unique.
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) {
    seen.set(element.id, (seen.get(element.id) || 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def test_every_get_route_has_a_page_in_the_registry(live_server):
    routes = {
        rule.endpoint
        for rule in live_server.app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    }
    covered = {entry.endpoint for entry in PAGES}
    missing = routes - covered - NOT_PAGES
    assert missing == set(), "add these routes' pages to tests/browser/pages.py"
    assert routes >= NOT_PAGES, "NOT_PAGES names endpoints that are no longer GET routes"
    assert not NOT_PAGES & covered, "a download in NOT_PAGES also has a page in PAGES"


@pytest.mark.browser
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", EVERYONE)
def test_pages_have_no_axe_violations(browser, live_server, role, locale):
    assert AXE.exists(), f"axe-core is missing at {AXE}: run npm ci"
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    context.add_init_script(path=AXE)  # axe-core is then present in every page the context opens
    page = context.new_page()
    problems = []
    try:
        if role == ANONYMOUS:
            page.goto(live_server("/"))
        else:
            sign_in(page, live_server, role)
        choose_language(page, locale)
        for entry in pages_for(role):
            response = open_page(page, live_server, entry)
            problems += _check_page(page, live_server, entry, response, locale)
    finally:
        context.close()
    assert not problems, f"{role}, {locale}: {len(problems)} problem(s)\n" + "\n".join(problems)


def _check_page(page, server, entry, response, locale):
    """What is wrong with the page the browser shows, as readable lines."""
    problems = []
    if response is None or response.status != entry.status:
        status = response.status if response else "no response"
        problems.append(f"[{entry}] HTTP status {status}, expected {entry.status}")
    landed = endpoint_of(server, page.url)
    if landed != entry.endpoint:
        problems.append(f"[{entry}] ended on {page.url} ({landed}), expected {entry.endpoint}")
    lang, direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    if lang != locale:
        problems.append(f"[{entry}] <html lang={lang!r}>, expected {locale!r}")
    expected_direction = "rtl" if locale in RTL_LOCALES else "ltr"
    if direction != expected_direction:
        problems.append(f"[{entry}] <html dir={direction!r}>, expected {expected_direction!r}")
    duplicates = page.evaluate(DUPLICATE_IDS)
    if duplicates:
        problems.append(f"[{entry}] duplicate id attributes: {', '.join(duplicates)}")
    for violation in page.evaluate(RUN_AXE, AXE_OPTIONS):
        problems.append(
            f"[{entry}] {violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {violation['nodes']} element(s), e.g. {'; '.join(violation['targets'])}"
        )
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("role", EVERYONE)
def test_pages_reflow_at_320_css_pixels(browser, live_server, role):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    page = context.new_page()
    too_wide = []
    try:
        if role != ANONYMOUS:
            sign_in(page, live_server, role)
            choose_language(page, "en")  # the account may keep the language of an earlier test
        for entry in pages_for(role):
            open_page(page, live_server, entry)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 321:
                too_wide.append(f"[{entry}] scrolls sideways: {width} px wide")
    finally:
        context.close()
    assert not too_wide, "\n".join(too_wide)
