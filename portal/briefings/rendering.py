"""Briefing text: Markdown to safe HTML, plain-text blocks for scoring, glossary help.

Markdown is rendered by markdown-it-py with raw HTML turned off, then
cleaned by nh3 with a short list of tags, so nothing an author writes can
run script in a reader's browser. Headings move so that the body's highest
one is a second-level heading: the page's title is the only first-level one.
"""

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Blocks whose text is scored as prose (headings are scored, code is not).
TEXT_BLOCKS = {"paragraph_open", "heading_open", "th_open", "td_open"}
ENDS_SENTENCE = re.compile(r"[.!?:;]\s*$")


def _image_as_text(self, tokens, index, options, env):
    """Images are not shown (they would be fetched from other sites): their words are."""
    return html.escape(tokens[index].content or "")


def _markdown():
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.add_render_rule("image", _image_as_text)
    return md


MARKDOWN = _markdown()


def _shift_headings(tokens):
    """The body's highest heading becomes a second-level heading, the rest follow."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if levels:
        shift = 2 - min(levels)
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    return tokens


def render_markdown(text):
    """Safe HTML for a briefing's Markdown."""
    if not text or not text.strip():
        return ""
    tokens = _shift_headings(MARKDOWN.parse(text))
    raw = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return clean.replace("<table>", '<table class="nhsuk-table">')


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, list item or table cell as plain text."""

    kind: str  # "paragraph", "heading" or "cell"
    text: str


def text_blocks(markdown_text):
    """The prose of a Markdown text, one block per paragraph, heading or cell."""
    blocks = []
    kind = None
    for token in MARKDOWN.parse(markdown_text or ""):
        if token.type in TEXT_BLOCKS:
            kind = {"paragraph_open": "paragraph", "heading_open": "heading"}.get(
                token.type, "cell"
            )
        elif token.type == "inline" and kind is not None:
            text = _inline_text(token).strip()
            if text:
                blocks.append(Block(kind, text))
            kind = None
    return blocks


def _inline_text(token):
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def prose(blocks):
    """Blocks joined into one text to score; a heading or cell ends as a sentence would."""
    return "\n\n".join(
        block.text if ENDS_SENTENCE.search(block.text) else block.text + "." for block in blocks
    )


# Glossary help -----------------------------------------------------------------

# Text inside these elements is never marked up: links, code, and headings.
SKIP_INSIDE = re.compile(r"^<(a|code|pre|h[2-6])\b")
TAG = re.compile(r"(<[^>]+>)")


def term_pattern(terms, in_html=False):
    """One pattern that finds any of the terms as whole words, longest first."""
    words = sorted({t.lower() for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return None
    if in_html:  # "A&E" is written "A&amp;E" in HTML
        words = [html.escape(word, quote=False) for word in words]
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=512)
def mark_terms(body_html, terms):
    """Link the first use of each glossary term to its explanation.

    `terms` is a tuple of (anchor id, term). The link is described by the
    explanation (`aria-describedby`), so screen readers read it out with the
    word, and it jumps to the explanation listed after the briefing, so it
    works without JavaScript. Returns the HTML and the anchor ids used, in
    the order they first appear.
    """
    by_word = {term.lower(): anchor for anchor, term in terms}
    pattern = term_pattern(by_word, in_html=True)
    if pattern is None:
        return body_html, ()
    used = []
    skip_depth = 0
    parts = TAG.split(body_html)
    for index, part in enumerate(parts):
        if part.startswith("<"):
            if part.startswith("</"):
                if SKIP_INSIDE.match("<" + part[2:]):
                    skip_depth = max(0, skip_depth - 1)
            elif SKIP_INSIDE.match(part):
                skip_depth += 1
            continue
        if skip_depth or not part:
            continue

        def link(match):
            anchor = by_word.get(html.unescape(match.group(1)).lower())
            if anchor is None or anchor in used:
                return match.group(0)
            used.append(anchor)
            return (
                f'<a class="chorus-term" href="#{anchor}" '
                f'aria-describedby="{anchor}-explained">{match.group(1)}</a>'
            )

        parts[index] = pattern.sub(link, part)
    return "".join(parts), tuple(used)
