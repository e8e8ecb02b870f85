"""The LIX readability index against examples worked out by hand."""

from __future__ import annotations

import pytest

from thinktank.lix import Readability, band, counts_of_html, lix, lix_of_html, readability
from thinktank.markup import render_markdown


def test_a_sentence_of_known_words():
    # Katten(6) sad på måtten(6). Hunden(6) gøede(5) højlydt(7)!
    # 7 words, 2 sentences, 1 word over 6 letters: 7/2 + 100*1/7 = 3.5 + 14.29 = 17.79
    assert lix("Katten sad på måtten. Hunden gøede højlydt!") == pytest.approx(17.7857, abs=1e-3)
    assert readability("Katten sad på måtten. Hunden gøede højlydt!") == Readability(
        18, "Very easy"
    )


def test_a_harder_text_worked_by_hand():
    # 10 words, 1 sentence; long: kommunerne(10) kunstig(7) intelligens(11) forsigtighed(12)
    text = "Kommunerne bør bruge kunstig intelligens med stor forsigtighed i dag."
    assert lix(text) == pytest.approx(10 / 1 + 100 * 4 / 10)
    assert readability(text) == Readability(50, "Hard")


def test_six_letters_is_not_long_seven_is():
    assert lix("Kattes") == pytest.approx(1.0)
    assert lix("Æbletræ") == pytest.approx(1 + 100.0)  # Danish letters count as letters


def test_one_long_word():
    assert lix("Sammenlægningsudvalget") == pytest.approx(101.0)
    assert readability("Sammenlægningsudvalget") == Readability(101, "Very hard")


@pytest.mark.parametrize("text", ["", None, "   \n\n  ", "...", "!? : .", "- \n\n#"])
def test_text_without_words_has_no_lix(text):
    assert lix(text) is None
    assert readability(text) == Readability(None, None)


def test_text_without_a_terminator_is_one_sentence():
    assert lix("en to tre fire") == pytest.approx(4.0)


def test_each_terminator_ends_a_sentence_and_runs_of_them_end_one():
    assert counts_of_html("<p>Husk dette: tre ting.</p>").sentences == 2
    assert counts_of_html("<p>Hvad?! Nej... Jo!</p>").sentences == 3
    assert counts_of_html("<p>Det er 3.5 procent af 1.234 kr.</p>").sentences == 1


def test_numbers_are_words_but_never_long():
    counts = counts_of_html("<p>I 2026 kom 1.234 nye og 3,5 procent.</p>")
    assert (counts.words, counts.long_words) == (8, 1)  # only "procent" is long


def test_markdown_syntax_is_removed_first():
    markdown = (
        "# Overskrift\n\nEn **fed** og *kursiv* [lænke](https://example.org/en-meget-lang-adresse) "
        "her."
    )
    # the same words as plain sentences: Overskrift. En fed og kursiv lænke her.
    assert lix(markdown) == pytest.approx(lix("Overskrift. En fed og kursiv lænke her."))
    assert lix(markdown) == pytest.approx(7 / 2 + 100 * 1 / 7)


def test_lists_tables_code_and_html_are_read_as_a_reader_sees_them():
    # each list item and table cell ends a sentence when it has no terminator of its own
    assert lix("- en\n- to\n- tre") == pytest.approx(1.0)
    table = "| Hvem | Hvad |\n|---|---|\n| vi | gør det |"
    assert counts_of_html(str(render_markdown(table))).words == 5
    # a code block is not prose; inline code is
    assert lix("```\nsammenlægningsudvalget kode.\n```\n\nTekst her.") == pytest.approx(2.0)
    assert counts_of_html(str(render_markdown("Brug `lix` her."))).words == 3
    # HTML tags written in the text are not words (the sanitiser shows them as text)
    assert counts_of_html(str(render_markdown("<b>Fed</b> tekst. <!-- skjult -->"))).words == 2


def test_stored_html_gives_the_same_lix_as_its_markdown():
    markdown = "## Kort\n\nVi anbefaler tre ting:\n\n1. Sig det.\n2. Hjælp borgeren hurtigt."
    assert lix_of_html(str(render_markdown(markdown))) == lix(markdown)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (0, "Very easy"),
        (24.49, "Very easy"),
        (24.5, "Easy"),  # shown as 25: the band of the shown value
        (34, "Easy"),
        (35, "Medium"),
        (44.4, "Medium"),
        (45, "Hard"),
        (54, "Hard"),
        (55, "Very hard"),
        (120, "Very hard"),
    ],
)
def test_bands(value, name):
    assert band(value) == name
