"""Briefing Markdown becomes safe HTML, and glossary words link to their explanations."""

from html.parser import HTMLParser

import pytest

from portal.briefings.rendering import mark_terms, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="steal()">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    '<iframe src="https://example.org"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](vbscript:msgbox(1))",
    '<svg onload="alert(1)"></svg>',
]


SAFE_TAGS = {"p", "a", "em", "strong", "code", "ul", "ol", "li", "br"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "#")


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html):
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_leaves_nothing_that_runs(markdown):
    found = elements(render_markdown(markdown))
    for tag, attributes in found:
        assert tag in SAFE_TAGS
        assert not [name for name in attributes if name.startswith("on") or name == "style"]
        if "href" in attributes:
            assert attributes["href"].lower().startswith(SAFE_SCHEMES)


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown("Before <b onclick='x()'>bold</b> after")
    assert "<b" not in html
    assert "&lt;b onclick=" in html


def test_ordinary_markdown_keeps_its_meaning():
    html = render_markdown(
        "# Our plan\n\nWe **will** open [late](https://example.org/times).\n\n"
        "- Monday\n- Friday\n\n"
        "| Day | Time |\n|---|---|\n| Monday | 5pm |"
    )
    assert "<h2>Our plan</h2>" in html  # the page title is the only first-level heading
    assert "<strong>will</strong>" in html
    assert '<a href="https://example.org/times" rel="noopener noreferrer nofollow">late</a>' in html
    assert "<ul>\n<li>Monday</li>" in html
    assert '<table class="nhsuk-table">' in html


def test_the_highest_heading_of_the_body_is_a_second_level_heading():
    html = render_markdown("## Before you come\n\nText.\n\n### Parking\n\nMore.")
    assert "<h2>Before you come</h2>" in html and "<h3>Parking</h3>" in html


def test_images_show_their_words_instead():
    html = render_markdown("See ![a map of the unit](https://example.org/map.png).")
    assert "a map of the unit" in html
    assert "<img" not in html


def test_the_first_use_of_each_term_links_to_its_explanation():
    html = render_markdown("Oncology helps. The oncology team and the day unit are open.")
    marked, used = mark_terms(html, (("term-1", "oncology"), ("term-2", "day unit")))
    assert used == ("term-1", "term-2")
    assert marked.count('href="#term-1"') == 1
    assert (
        '<a class="chorus-term" href="#term-1" aria-describedby="term-1-explained">Oncology</a>'
        in marked
    )
    assert 'aria-describedby="term-2-explained">day unit</a>' in marked


def test_terms_are_not_marked_inside_links_headings_or_code():
    html = render_markdown(
        "## Oncology\n\n[oncology services](https://example.org) and `oncology` then oncology."
    )
    marked, used = mark_terms(html, (("term-1", "oncology"),))
    assert used == ("term-1",)
    assert "<h2>Oncology</h2>" in marked
    assert "<code>oncology</code>" in marked
    assert 'then <a class="chorus-term" href="#term-1"' in marked


def test_terms_match_whole_words_and_escaped_characters():
    html = render_markdown("Go to A&E. Oncologyward is one word.")
    marked, used = mark_terms(html, (("term-1", "A&E"), ("term-2", "oncology")))
    assert used == ("term-1",)
    assert 'aria-describedby="term-1-explained">A&amp;E</a>' in marked
