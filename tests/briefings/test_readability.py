"""The readability panel's numbers: textstat's, on the words readers will read."""

import subprocess
import sys
from types import SimpleNamespace

import pytest
import textstat

from portal.briefings.readability import analyse, reading_age

PLAIN = (
    "The unit will open from 5pm to 9pm on weekdays.\n\n"
    "You can choose a time that suits you. Your nurse will help you book."
)
HARD = (
    "Multidisciplinary oncological evaluation necessitates comprehensive "
    "histopathological characterisation, facilitating individualised therapeutic "
    "interventions that optimise survivorship outcomes considerably."
)


def term(word, say_instead=""):
    return SimpleNamespace(term=word, say_instead=say_instead)


def test_scores_are_textstat_scores_of_the_summary_and_body():
    report = analyse("A short summary.", PLAIN, "en")
    text = "A short summary.\n\n" + PLAIN
    assert report.available
    assert report.reading_ease == textstat.flesch_reading_ease(text)
    assert report.grade == textstat.flesch_kincaid_grade(text)
    assert report.smog == textstat.smog_index(text)
    assert report.sentences == textstat.sentence_count(text) == 4
    assert report.words == textstat.lexicon_count(text)


def test_known_texts_score_as_published_for_textstat_0_7_8():
    report = analyse("", "The cat sat on the mat.", "en")
    assert report.reading_ease == pytest.approx(116.145)
    assert report.grade == pytest.approx(-1.45)
    report = analyse(
        "", "Piles (haemorrhoids) are swollen blood vessels in and around the bottom.", "en"
    )
    assert report.reading_ease == pytest.approx(64.92, abs=0.01)
    assert report.grade == pytest.approx(6.94, abs=0.01)
    assert report.smog == pytest.approx(8.84, abs=0.01)


def test_reading_age_is_the_grade_plus_five_and_never_below_five():
    assert reading_age(6.94) == 12
    assert reading_age(-1.45) == 5
    assert analyse("", HARD, "en").reading_age > 18
    assert analyse("", PLAIN, "en").reading_age <= 9


def test_headings_and_list_items_count_as_sentences_of_their_own():
    body = "## When it opens\n\n- Monday evenings\n- Tuesday evenings\n\nCome along."
    report = analyse("", body, "en")
    assert report.sentences == textstat.sentence_count(
        "When it opens.\n\nMonday evenings.\n\nTuesday evenings.\n\nCome along."
    )
    assert "##" not in str(report.long_sentences)


def test_sentences_over_twenty_words_are_listed_with_their_length():
    twenty = " ".join(["word"] * 19) + " end."
    twenty_one = "This sentence " + " ".join(["really"] * 17) + " goes on."
    report = analyse("", f"{twenty} {twenty_one}", "en")
    assert report.long_sentences == [(twenty_one, 21)]


def test_paragraphs_of_more_than_three_sentences_are_listed():
    four = "We open late. You can book. Your nurse helps. Bring a friend."
    three = "We open late. You can book. Your nurse helps."
    report = analyse("", f"{four}\n\n{three}", "en")
    assert report.long_paragraphs == [(four, 4)]


def test_glossary_terms_without_an_explanation_beside_them_are_listed():
    terms = [term("oncology", "cancer care"), term("haemorrhoids", "piles"), term("triage")]
    body = "The oncology team treats piles (haemorrhoids). Triage (sorting by need) comes first."
    report = analyse("", body, "en", terms)
    assert [t.term for t in report.unexplained_terms] == ["oncology"]


def test_other_languages_get_no_scores_rather_than_wrong_ones():
    report = analyse("Crynodeb byr.", "Bydd yr uned yn agor gyda'r nos.", "cy")
    assert not report.available
    assert report.reading_age is None
    assert not report.above(11)


def test_an_empty_draft_has_no_reading_age():
    report = analyse("", "", "en")
    assert report.available and report.reading_age is None


def test_scores_are_computed_with_the_network_unavailable():
    """textstat 0.7.8 needs no download: it must work on an offline hospital server."""
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network unavailable')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from portal.briefings.readability import analyse\n"
        "report = analyse('A summary.', 'Your nurse will help you book a time.', 'en')\n"
        "print(report.reading_age, report.smog)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    age, smog = result.stdout.split()
    assert int(age) >= 5 and float(smog) > 0
