"""The Danish words of the index and the query, without a database."""

from __future__ import annotations

from thinktank.search.text import parse, snippet, stem, stems


def test_danish_stemming_joins_the_forms_of_a_word():
    assert stem("algoritmer") == stem("algoritmen") == stem("algoritmens")
    assert stem("ledige") == stem("ledighed")
    assert stem("Æbler") == stem("æbler")


def test_stop_words_are_left_out_of_the_index():
    assert stems("Det er en algoritme og en model") == f"{stem('algoritme')} {stem('model')}"


def test_a_query_reads_phrases_words_and_minus_words():
    query = parse('chatbot "menneskelig kontakt" -generativ')
    assert [(t.words, t.negated) for t in query.terms] == [
        (("chatbot",), False),
        (("menneskelig", "kontakt"), False),
        (("generativ",), True),
    ]
    assert query.websearch() == '"chatbot" "menneskelig kontakt" -"generativ"'


def test_search_syntax_characters_never_reach_the_database_as_syntax():
    query = parse('NEAR : ( OR * AND NOT ) ^ {col}: "')
    for term in query.terms:
        assert all(word.isalnum() for word in term.words)
    assert '"near"' in query.websearch() and '"or"' in query.websearch()
    assert query.fts5().count('"') % 2 == 0


def test_queries_with_nothing_to_find_are_not_searchable():
    assert not parse("").searchable
    assert not parse("!!! ... ???").searchable
    assert not parse("og det er i").searchable  # only stop words
    assert not parse("-chatbot").searchable  # only a minus word
    assert parse("x" * 1000).searchable


def test_a_snippet_is_escaped_before_the_matches_are_marked():
    query = parse("algoritmer")
    html = str(snippet('<script>alert(1)</script> Algoritmen & "modellen" <mark>x</mark>', query))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>Algoritmen</mark>" in html
    assert "&lt;mark&gt;x&lt;/mark&gt;" in html
    assert html.count("<mark>") == 1


def test_danish_quotation_marks_quote_a_phrase():
    assert parse("»menneskelig kontakt«").terms == parse('"menneskelig kontakt"').terms
