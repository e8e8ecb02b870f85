"""Everyday Markdown reads as on GitHub, Discourse or Decidim; quotes and diffs use its plain text."""

from __future__ import annotations

from html import unescape

import pytest
from markupsafe import Markup

from tests.test_markup import assert_only_allowed_markup
from thinktank.markup import plain_text, render_markdown
from thinktank.text import unwrap_paragraphs


def test_a_list_right_after_a_line_is_a_list():
    assert render_markdown("Punkter:\n- data\n- etik") == Markup(
        "<p>Punkter:</p>\n<ul>\n<li>data</li>\n<li>etik</li>\n</ul>"
    )


def test_a_numbered_list_right_after_a_line_is_a_list():
    assert render_markdown("Trin:\n1. data\n2. etik") == Markup(
        "<p>Trin:</p>\n<ol>\n<li>data</li>\n<li>etik</li>\n</ol>"
    )


def test_danish_numbered_list_with_parentheses():
    assert render_markdown("1) første\n2) anden") == Markup(
        "<ol>\n<li>første</li>\n<li>anden</li>\n</ol>"
    )


def test_list_nested_with_two_spaces():
    html = render_markdown("- data\n  - persondata\n  - åbne data\n- etik")

    assert html == Markup(
        "<ul>\n<li>data<ul>\n<li>persondata</li>\n<li>åbne data</li>\n</ul>\n</li>\n"
        "<li>etik</li>\n</ul>"
    )


def test_list_nested_under_a_numbered_item_and_three_levels_deep():
    assert "<li>data<ul>\n<li>persondata</li>" in render_markdown("1. data\n   - persondata")
    deep = render_markdown("- a\n  - b\n    - c\n- d")
    assert deep.count("<ul>") == 3 and "<li>b<ul>\n<li>c</li>" in deep


def test_a_year_inside_a_paragraph_does_not_start_a_list():
    assert "<ol>" not in render_markdown("Det skete i\n2024. Det år blev alt anderledes.")


def test_initials_at_the_start_of_a_line_stay_text():
    assert render_markdown("A. Jensen mente det") == Markup("<p>A. Jensen mente det</p>")


def test_bare_link_becomes_a_link():
    html = render_markdown("Se https://kl.dk/digitalisering?side=2.")

    assert html == Markup(
        '<p>Se <a href="https://kl.dk/digitalisering?side=2" rel="nofollow noopener">'
        "https://kl.dk/digitalisering?side=2</a>.</p>"
    )


def test_www_address_becomes_a_link():
    assert render_markdown("Læs www.kl.dk") == Markup(
        '<p>Læs <a href="http://www.kl.dk" rel="nofollow noopener">www.kl.dk</a></p>'
    )


def test_email_address_becomes_a_mail_link():
    html = render_markdown("Skriv til sekretariat@kl.dk")

    assert_only_allowed_markup(html)
    assert unescape(html) == (
        '<p>Skriv til <a href="mailto:sekretariat@kl.dk" rel="nofollow noopener">'
        "sekretariat@kl.dk</a></p>"
    )


def test_strikethrough():
    assert render_markdown("~~gennemstreget~~") == Markup("<p><del>gennemstreget</del></p>")


def test_single_tilde_stays_text():
    assert render_markdown("ca. ~20 kommuner og ~30 andre") == Markup(
        "<p>ca. ~20 kommuner og ~30 andre</p>"
    )


def test_single_line_break_is_a_br():
    assert render_markdown("Hej\nmed dig") == Markup("<p>Hej<br>\nmed dig</p>")


@pytest.mark.parametrize("scheme", ["ftp://x.dk/a", "javascript:alert(1)", "file:///etc/passwd"])
def test_bare_links_are_only_http_https_or_mailto(scheme):
    html = render_markdown(f"se {scheme} her")

    assert "href" not in html
    assert_only_allowed_markup(html)


def test_a_bare_link_stops_before_what_is_not_a_url():
    html = render_markdown("http://x.dk/<script>alert(1)</script>")

    assert_only_allowed_markup(html)
    assert '<a href="http://x.dk/" rel="nofollow noopener">' in html
    assert "&lt;script&gt;" in html


def test_code_keeps_links_lists_and_tildes_as_typed():
    html = render_markdown(
        "`https://kl.dk ~~x~~ a@b.dk`\n\n```\nPunkter:\n- a\n  - b\nhttps://kl.dk\n```"
    )

    assert html == Markup(
        "<p><code>https://kl.dk ~~x~~ a@b.dk</code></p>\n"
        "<pre><code>Punkter:\n- a\n  - b\nhttps://kl.dk\n</code></pre>"
    )


def test_indented_code_keeps_its_list_lines():
    html = render_markdown("Tekst\n\n    - a\n      - b\n\nmere")

    assert html == Markup("<p>Tekst</p>\n<pre><code>- a\n  - b\n</code></pre>\n<p>mere</p>")


def test_plain_text_is_what_a_reader_sees():
    source = "## Overskrift\n\n**Fed** og *kursiv*\nny linje\n\nPunkter:\n- a\n  - b\n1) en"

    assert plain_text(source) == (
        "Overskrift\n\nFed og kursiv\nny linje\n\nPunkter:\n\n- a\n  - b\n\n1. en"
    )


def test_plain_text_can_leave_out_quotes_and_keeps_special_characters_as_text():
    assert plain_text("> citat\n\nSvar & <b>", quotes=False) == "Svar & <b>"


def test_texts_wrapped_in_the_source_are_unwrapped_but_lists_and_code_keep_their_lines():
    source = "En lang\nlinje.\n\n> Et citat\n> fortsat.\n\n- punkt\n  fortsat\n  - under\n\n```\na\nb\n```"

    assert unwrap_paragraphs(source) == (
        "En lang linje.\n\n> Et citat fortsat.\n\n- punkt fortsat\n  - under\n\n```\na\nb\n```"
    )
