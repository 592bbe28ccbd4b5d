"""A readable difference between two versions of a briefing.

Texts are compared paragraph by paragraph; a changed paragraph is then
compared word by word, so the reader sees the words that changed rather
than two whole paragraphs.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
WORDS = re.compile(r"\S+\s*")

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME, ADDED or REMOVED
    text: str


def paragraphs(text):
    return [p.strip() for p in PARAGRAPH_BREAK.split(text or "") if p.strip()]


def diff_words(old, new):
    """Pieces of one paragraph: words kept, added and removed, in reading order."""
    old_words, new_words = WORDS.findall(old), WORDS.findall(new)
    pieces = []
    matcher = SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece(SAME, "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(Piece(REMOVED, "".join(old_words[a1:a2])))
        if b2 > b1:
            pieces.append(Piece(ADDED, "".join(new_words[b1:b2])))
    return pieces


def diff_text(old, new):
    """A list of paragraphs, each a list of pieces. Empty when nothing changed."""
    old_paragraphs, new_paragraphs = paragraphs(old), paragraphs(new)
    if old_paragraphs == new_paragraphs:
        return []
    result = []
    matcher = SequenceMatcher(a=old_paragraphs, b=new_paragraphs, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        old_part, new_part = old_paragraphs[a1:a2], new_paragraphs[b1:b2]
        if op == "equal":
            result += [[Piece(SAME, p)] for p in old_part]
        elif op == "replace" and len(old_part) == len(new_part):
            result += [diff_words(o, n) for o, n in zip(old_part, new_part, strict=True)]
        else:
            result += [[Piece(REMOVED, p)] for p in old_part]
            result += [[Piece(ADDED, p)] for p in new_part]
    return result


def diff_versions(old, new):
    """The changed parts of two versions, as (part name key, paragraphs) pairs."""
    parts = []
    for name in ("title", "summary", "body", "easy_read"):
        changes = diff_text(getattr(old, name), getattr(new, name))
        if changes:
            parts.append((name, changes))
    return parts
