"""The search page: Danish stemming, phrases, all words, minus words, ranking, filters with
counts, pages, escaped snippets, bad queries and a fixed number of queries."""

from __future__ import annotations

import re

import pytest

from tests.conftest import assert_page_safe, page_text
from tests.search_helpers import links, results, titles


@pytest.fixture
def anonymous(client_as):
    return client_as(None)


def test_algoritmer_finds_algoritmen_and_algoritmens(anonymous, make_case):
    make_case(title="Algoritmen i jobcentret")
    make_case(title="Om ledighed", summary="Hvad algoritmens forslag betyder for borgeren.")
    make_case(title="Noget helt andet", summary="En sag om parkering.")
    found = titles(anonymous, "algoritmer")
    assert sorted(found) == ["Algoritmen i jobcentret", "Om ledighed"]


def test_ledige_finds_ledighed_and_case_and_danish_letters_do_not_matter(anonymous, make_case):
    make_case(title="Langvarig ledighed", summary="Om ledighed i kommunen.")
    make_case(title="Ældreplejens robotter", summary="Robotter i ældreplejen.", affected="Alle")
    assert titles(anonymous, "ledige") == ["Langvarig ledighed"]
    assert titles(anonymous, "ÆLDREPLEJEN") == ["Ældreplejens robotter"]


def test_a_quoted_phrase_needs_the_words_together(anonymous, make_case):
    make_case(title="Bevar den menneskelige kontakt", summary="Borgeren møder et menneske.")
    make_case(title="Kontakt uden mennesker", summary="Menneskelig omsorg og digital kontakt.")
    assert titles(anonymous, '"menneskelig kontakt"') == ["Bevar den menneskelige kontakt"]
    assert len(results(anonymous, "menneskelig kontakt")) == 2


def test_a_phrase_of_common_words_needs_them_together_and_in_order(anonymous, make_case):
    make_case(title="Kommunen borgeren og data", summary="Om et møde.")
    make_case(title="Borgeren kommunen", summary="Kommunen taler ofte med borgeren.")
    make_case(title="Hjælp hver dag", summary="Algoritmen hjælper kommunen borgeren hver dag.")
    assert sorted(titles(anonymous, '"kommunen borgeren"')) == [
        "Hjælp hver dag",
        "Kommunen borgeren og data",
    ]
    assert titles(anonymous, '"algoritmen hjælper kommunen"') == ["Hjælp hver dag"]
    assert titles(anonymous, '"hjælper algoritmen kommunen"') == []
    assert titles(anonymous, '"kommunen borgeren" -"hjælper kommunen"') == [
        "Kommunen borgeren og data"
    ]
    assert len(results(anonymous, "kommunen borgeren")) == 3


def test_on_postgresql_a_phrase_is_narrowed_by_its_pairs_of_lexemes(app):
    from thinktank.extensions import db
    from thinktank.search import service, text

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the pairs are PostgreSQL's (SQLite's FTS5 indexes phrases)")
        pairs = service._phrase_pairs
        assert pairs(text.parse("kommunen borgeren")) is None
        assert pairs(text.parse('"kommunen borgeren" data')) == "'kommun borg'"
        assert pairs(text.parse('"algoritmen hjælper kommunen"')) == (
            "'algoritm hjælp' & 'hjælp kommun'"
        )
        assert pairs(text.parse('-"kommunen borgeren" data')) is None


def test_neighbouring_words_too_long_for_one_pair_are_saved_and_found(anonymous, make_case):
    make_case(title="Meget lange ord", risks=f"{'a' * 1100} {'b' * 1100} kontakt borgeren.")
    assert titles(anonymous, '"kontakt borgeren"') == ["Meget lange ord"]


def test_every_word_must_match_and_a_minus_word_leaves_out(anonymous, make_case):
    make_case(title="Chatbot med generativ AI", summary="En sprogmodel svarer borgerne.")
    make_case(title="Chatbot med faste svar", summary="Regelbaseret chatbot i borgerservice.")
    assert titles(anonymous, "chatbot -generativ") == ["Chatbot med faste svar"]
    assert titles(anonymous, "chatbot sprogmodel") == ["Chatbot med generativ AI"]
    assert titles(anonymous, "chatbot sprogmodel parkering") == []


def test_a_title_match_ranks_above_a_body_match(anonymous, make_case):
    make_case(title="Om skoler", summary="Vi drøfter hvordan profilering bruges i skolen.")
    make_case(title="Profilering af ledige", summary="En sag om jobcentret.")
    assert titles(anonymous, "profilering") == ["Profilering af ledige", "Om skoler"]


def test_a_current_recommendation_ranks_above_a_withdrawn_one(anonymous, make_recommendation):
    make_recommendation("withdrawn", title="Brug af ansigtsgenkendelse: gammel vejledning")
    make_recommendation("published", title="Brug af ansigtsgenkendelse: ny vejledning")
    assert titles(anonymous, "ansigtsgenkendelse", type="recommendation") == [
        "Brug af ansigtsgenkendelse: ny vejledning",
        "Brug af ansigtsgenkendelse: gammel vejledning",
    ]


def test_filters_narrow_the_results_and_count_them(anonymous, make_case, make_comment, member):
    health = make_case(title="Genoptræning med sensorer", domain="health_rehabilitation")
    make_case(title="Sensorer i jobcentret", domain="employment", technology="data_sharing")
    make_comment(health, member, "Sensorer kan overvåge for meget.")
    response = anonymous.get("/search?q=sensorer")
    text = page_text(response)
    assert "3 resultater" in text
    assert "Sag (2)" in text and "Kommentar (1)" in text
    assert titles(anonymous, "sensorer", type="case", domain="employment") == [
        "Sensorer i jobcentret"
    ]
    only_health = links(anonymous, "sensorer", domain="health_rehabilitation")
    assert len(only_health) == 2 and f"/cases/{health.id}-" in only_health[0] + only_health[1]
    # the counts of the other filters follow a chosen one
    text = page_text(anonymous.get("/search?q=sensorer&type=case"))
    assert "Beskæftigelse (1)" in text and "Sundhed og rehabilitering (1)" in text
    assert "Datadeling på tværs af sektorer (1)" in text


def test_an_unknown_filter_value_is_ignored(anonymous, make_case):
    make_case(title="Sensorer i jobcentret")
    assert titles(anonymous, "sensorer", type="nonsense", domain="<b>") == ["Sensorer i jobcentret"]


def test_results_come_in_pages(app, anonymous, make_case):
    for n in range(23):
        make_case(title=f"Robotter nummer {n}")
    first, second = results(anonymous, "robotter"), results(anonymous, "robotter", page=2)
    assert len(first) == app.config["PER_PAGE"] and len(second) == 23 - app.config["PER_PAGE"]
    assert not {link for link, _ in first} & {link for link, _ in second}
    page = anonymous.get("/search?q=robotter").get_data(as_text=True)
    assert 'href="/search?q=robotter&amp;page=2"' in page
    assert results(anonymous, "robotter", page=99) == []


def test_a_snippet_marks_the_words_and_cannot_carry_markup(
    anonymous, make_case, make_comment, member
):
    case = make_case(title="En sag om modeller")
    hostile = (
        'Algoritmen <img src=x onerror="alert(1)"> <script>alert(2)</script> '
        "[klik](javascript:alert(3)) <mark>falsk</mark> &lt;b&gt; **algoritmens** vægt"
    )
    make_comment(case, member, hostile)
    response = anonymous.get("/search?q=algoritmer")
    html = response.get_data(as_text=True)
    assert_page_safe(html)
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>Algoritmen</mark>" in snippet and "<mark>algoritmens</mark>" in snippet
    assert "<img" not in snippet and "<script" not in snippet and "<b>" not in snippet
    assert "falsk" in snippet and "<mark>falsk</mark>" not in snippet


def test_a_comment_result_says_where_it_belongs_and_links_to_its_place(
    anonymous, make_case, make_comment, member
):
    case = make_case(title="Sagen om tavlen")
    comment = make_comment(case, member, "Tavlen bør være digital.")
    [(link, title)] = results(anonymous, "tavle", type="comment")
    assert link == f"/comments/{comment.id}"
    assert "kommentar til sagen »Sagen om tavlen«" in page_text(
        anonymous.get("/search?q=tavle&type=comment")
    )
    landing = anonymous.get(link)
    assert landing.status_code == 302 and landing.location.endswith(f"#c{comment.id}")


@pytest.mark.parametrize(
    "q",
    [
        "x" * 1000,
        "!!! ... ???",
        "og det er i",
        '"',
        "*",
        "NEAR",
        "NEAR(a b)",
        ":",
        "(",
        ")",
        "title:algoritme",
        "a AND OR NOT b",
        "-",
        '-""',
        "'; DROP TABLE cases; --",
        "\\",
        "algoritme*",
        "^algoritme",
        "\u0000algoritme",
        "ord " * 300,
    ],
)
def test_a_bad_query_gives_a_page(anonymous, make_case, q):
    make_case(title="Algoritmen i jobcentret")
    response = anonymous.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert "Søg" in page_text(response)


def test_an_empty_query_gets_suggestions_and_links_to_the_portal(anonymous):
    text = page_text(anonymous.get("/search"))
    assert "Prøv fx" in text and "algoritmer" in text
    assert "Anbefalinger" in text and "Sager" in text
    text = page_text(anonymous.get("/search?q=og+det"))
    assert "Der var intet ord at søge efter" in text


def test_no_hits_get_a_helpful_page(anonymous, make_case):
    make_case(title="Algoritmen i jobcentret")
    text = page_text(anonymous.get("/search?q=zebraer"))
    assert "Intet fundet for »zebraer«" in text and "0 resultater" in text


def test_the_page_runs_the_same_number_of_queries_however_many_hits(
    anonymous, make_case, make_comment, member, count_queries
):
    case = make_case(title="Robotter i plejen")
    make_comment(case, member, "Robotter løfter.")
    anonymous.get("/search?q=robotter")
    with count_queries() as few:
        anonymous.get("/search?q=robotter")
    for n in range(12):
        other = make_case(title=f"Flere robotter {n}")
        make_comment(other, member, f"Robotter igen {n}.")
    with count_queries() as many:
        response = anonymous.get("/search?q=robotter")
    assert len(results(anonymous, "robotter")) == 20
    assert response.status_code == 200 and many.count == few.count


def test_every_page_has_a_labelled_search_box_and_the_opensearch_link(anonymous):
    html = anonymous.get("/").get_data(as_text=True)
    form = re.search(
        r'<form class="header-search" method="get" action="/search".*?</form>', html, re.S
    )
    assert form and '<label for="header-search-q">' in form.group() and 'name="q"' in form.group()
    assert '<link rel="search" type="application/opensearchdescription+xml"' in html
    description = anonymous.get("/opensearch.xml")
    assert description.mimetype == "application/opensearchdescription+xml"
    assert "http://localhost/search?q={searchTerms}" in description.get_data(as_text=True)


def test_hits_are_counted_exactly_up_to_the_cap(app, anonymous, make_case, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_COUNT_CAP", 3)
    for n in range(3):
        make_case(title=f"Robotter nummer {n}")
    text = page_text(anonymous.get("/search?q=robotter"))
    assert "3 resultater" in text and "mere end" not in text and "Sag (3)" in text
    assert "talt blandt de første" not in text


def test_above_the_cap_the_page_says_more_than_and_ranks_the_first(
    app, anonymous, make_case, monkeypatch, count_queries
):
    make_case(title="Robotter i plejen")
    with count_queries() as uncapped:
        anonymous.get("/search?q=robotter")
    monkeypatch.setitem(app.config, "SEARCH_COUNT_CAP", 3)
    for n in range(5):
        make_case(title=f"Robotter nummer {n}", domain="employment")
    with count_queries() as capped:
        response = anonymous.get("/search?q=robotter")
    text = page_text(response)
    assert "mere end 3 resultater" in text and "6 resultater" not in text
    assert "tallene ved filtrene tæller de første 3" in text
    assert "Sag (4)" in text  # the counts among the first cap + 1 candidates
    assert capped.count == uncapped.count
    # the candidates are the newest: the oldest is not among them, the newest is
    found = titles(anonymous, "robotter")
    assert "Robotter nummer 4" in found and "Robotter i plejen" not in found
    assert len(found) == 4
    # a filter narrows the candidates, and is counted exactly again when under the cap
    text = page_text(anonymous.get("/search?q=robotter&domain=employment&page=1"))
    assert "mere end 3 resultater" in text
    anonymous.get("/language/en?next=/")
    text = page_text(anonymous.get("/search?q=robotter"))
    assert "more than 3 results" in text and "the numbers beside the filters count" in text
