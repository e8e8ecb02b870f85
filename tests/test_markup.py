"""User Markdown becomes safe HTML: what a hostile author writes never runs on our pages."""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from thinktank.markup import MARKUP_VERSION, plain_excerpt, render_markdown

# The rules restated independently of the module, so a loosened allow-list fails here.
TAGS = {"p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote"}
TAGS |= {"ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del"}
LINK_ATTRIBUTES = {"href", "title", "rel"}
URL_STARTS = ("http://", "https://", "mailto:")

DANGEROUS_URLS = {
    "javascript": "javascript:alert(1)",
    "upper-case": "JaVaScRiPt:alert(1)",
    "hex-entity": "jav&#x61;script:alert(1)",
    "decimal-entity": "&#106;avascript:alert(1)",
    "tab-entity": "java&#09;script:alert(1)",
    "colon-entity": "javascript&colon;alert(1)",
    "leading-spaces": "   javascript:alert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "data-html": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data-svg": "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
}

LINK_FORMS = {
    "inline": "[x]({url})",
    "inline-angle": "[x](<{url}>)",
    "inline-newline": "[x](\n{url})",
    "reference": "[x][r]\n\n[r]: {url}",
    "image": "![x]({url})",
    "image-reference": "![x][r]\n\n[r]: {url}",
}

RAW_HTML = {
    "script": "<script>alert(1)</script>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "svg": "<svg onload=alert(1)>",
    "img": "<img src=x onerror=alert(1)>",
    "style": "<style>body{display:none}</style>",
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "form": '<form action="https://evil.example"><input name="password"></form>',
    "base": '<base href="https://evil.example/">',
    "meta": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "link-onclick": '<a href="https://x" onclick="alert(1)">x</a>',
    "p-onmouseover": "<p onmouseover=alert(1)>hi</p>",
    "style-attribute": '<p style="position:fixed;top:0">hi</p>',
    "nested-script": "<scr<script>ipt>alert(1)</script>",
    "unclosed": '<a href="https://x"><b>unclosed',
    "unclosed-blocks": "<div><p>",
    "comment": "<!-- <script>alert(1)</script> -->",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "textarea": "<textarea></p><script>alert(1)</script></textarea>",
}

HOSTILE = {
    **{
        f"{form}-{scheme}": template.format(url=url)
        for form, template in LINK_FORMS.items()
        for scheme, url in DANGEROUS_URLS.items()
    },
    **{f"raw-{name}": source for name, source in RAW_HTML.items()},
    "autolink-javascript": "<javascript:alert(1)>",
    "autolink-data": "<data:text/html,<script>alert(1)</script>>",
    "title-injection": '[x](https://a "t\\" onclick=\\"alert(1)")',
    "relative-link": "[x](/admin/users/)",
    "protocol-relative-link": "[x](//evil.example)",
    "raw-html-in-table": "| a |\n|---|\n| <script>alert(1)</script> |",
    "raw-html-in-list": "- <iframe src=https://evil.example>",
    "markdown-in-html": '<div markdown="1">*hi* <script>alert(1)</script></div>',
}


class _Tags(HTMLParser):
    """Every tag and comment a browser would see in the output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def assert_only_allowed_markup(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert not parser.comments
    for tag, attributes in parser.tags:
        assert tag in TAGS, tag
        assert set(attributes) <= (LINK_ATTRIBUTES if tag == "a" else set()), (tag, attributes)
        if tag == "a":
            # As the browser reads them: character references decoded.
            assert attributes["href"].lower().startswith(URL_STARTS), attributes
            assert attributes["rel"] == "nofollow noopener"


def as_visible_text(source: str) -> str:
    return f"<p>{escape(source, quote=False)}</p>"


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_yields_only_allowed_markup(source):
    assert_only_allowed_markup(render_markdown(source))


@pytest.mark.parametrize("url", DANGEROUS_URLS.values(), ids=DANGEROUS_URLS.keys())
@pytest.mark.parametrize("template", LINK_FORMS.values(), ids=LINK_FORMS.keys())
def test_dangerous_link_loses_its_target_but_keeps_its_text(template, url):
    html = render_markdown(template.format(url=url))

    assert html == Markup("<p>x</p>")
    for scheme in ("javascript", "vbscript", "data:", "&#"):
        assert scheme not in html.lower()


def test_javascript_autolink_stays_visible_text():
    html = render_markdown("<javascript:alert(1)>")

    assert html == Markup("<p>&lt;javascript:alert(1)&gt;</p>")
    assert "href" not in html


def test_data_autolink_stays_visible_text():
    html = render_markdown("<data:text/html,<script>alert(1)</script>>")

    assert "<script" not in html
    assert "href" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("source", RAW_HTML.values(), ids=RAW_HTML.keys())
def test_raw_html_is_shown_as_the_text_the_author_typed(source):
    html = render_markdown(source)

    assert html == as_visible_text(source)
    for live in ("<script", "<iframe", "<svg", "<img", "<style", "<object", "<embed"):
        assert live not in html.lower()
    for live in ("<form", "<base", "<meta", "<input", "<div", "<b>", "<!--"):
        assert live not in html.lower()


def test_event_handler_attributes_never_become_attributes():
    html = render_markdown('<a href="https://x" onclick="alert(1)">x</a>\n\n<p onmouseover=a>')

    assert "<a" not in html
    assert "&lt;a href=" in html
    assert "<p onmouseover" not in html


def test_link_title_cannot_inject_an_attribute():
    html = render_markdown('[x](https://a "t\\" onclick=\\"alert(1)")')

    assert 'onclick="' not in html
    assert html.startswith('<p><a href="https://a" title="t\\&quot; onclick=')
    assert html.endswith('rel="nofollow noopener">x</a></p>')


def test_table_alignment_style_is_dropped():
    html = render_markdown("| left | right |\n|:--|--:|\n| 1 | 2 |")

    assert "style=" not in html
    assert "<th>left</th>" in html
    assert "<td>2</td>" in html


def test_script_in_inline_code_is_visible_text():
    assert render_markdown("Use `<script>` here") == Markup(
        "<p>Use <code>&lt;script&gt;</code> here</p>"
    )


def test_script_in_fenced_code_is_visible_text():
    html = render_markdown("```html\n<script>alert('x & y')</script>\n```")

    assert html == Markup(
        "<pre><code>&lt;script&gt;alert('x &amp; y')&lt;/script&gt;\n</code></pre>"
    )


def test_script_in_indented_code_is_visible_text():
    html = render_markdown("    <iframe src=x></iframe>")

    assert html == Markup("<pre><code>&lt;iframe src=x&gt;&lt;/iframe&gt;\n</code></pre>")


def test_entities_written_by_the_author_stay_text():
    html = render_markdown("&lt;script&gt; AT&T")

    assert "<script" not in html
    assert html == Markup("<p>&lt;script&gt; AT&amp;T</p>")


def test_empty_input_renders_nothing():
    assert render_markdown(None) == Markup("")
    assert render_markdown("") == Markup("")


def test_rendered_html_is_markup_so_templates_do_not_escape_it_again():
    assert isinstance(render_markdown("*hi*"), Markup)


def test_https_link_gets_nofollow_noopener():
    html = render_markdown('[Folketinget](https://www.ft.dk/ "Tinget")')

    assert html == Markup(
        '<p><a href="https://www.ft.dk/" title="Tinget" rel="nofollow noopener">Folketinget</a></p>'
    )


def test_mailto_link_works():
    html = render_markdown("[skriv](mailto:sekretariat@example.dk)")

    assert html == Markup(
        '<p><a href="mailto:sekretariat@example.dk" rel="nofollow noopener">skriv</a></p>'
    )


def test_autolink_in_markdown_syntax_is_a_link():
    html = render_markdown("<https://example.dk/a?b=1&c=2>")

    assert html == Markup(
        '<p><a href="https://example.dk/a?b=1&amp;c=2" rel="nofollow noopener">'
        "https://example.dk/a?b=1&amp;c=2</a></p>"
    )


def test_email_autolink_is_a_mailto_link():
    html = render_markdown("<sekretariat@example.dk>")

    assert_only_allowed_markup(html)
    assert 'rel="nofollow noopener"' in html
    assert plain_excerpt("<sekretariat@example.dk>") == "sekretariat@example.dk"


def test_bare_url_is_a_link_with_nofollow_noopener():
    assert render_markdown("see https://example.dk") == Markup(
        '<p>see <a href="https://example.dk" rel="nofollow noopener">https://example.dk</a></p>'
    )


@pytest.mark.parametrize("url", ["/admin/users/", "#top", "//evil.example", "ftp://x.dk"])
def test_link_without_an_allowed_absolute_target_becomes_text(url):
    assert render_markdown(f"[x]({url})") == Markup("<p>x</p>")


def test_headings_are_demoted_below_the_page_headings():
    html = render_markdown("# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six")

    assert html == Markup(
        "<h3>One</h3>\n<h4>Two</h4>\n<h5>Three</h5>\n<h6>Four</h6>\n<h6>Five</h6>\n<h6>Six</h6>"
    )


def test_headings_start_below_the_page_headings_and_never_skip_a_level():
    """A recommendation written with ## and #### sits under the page's h2 as h3 and h4."""
    html = render_markdown("## Kort fortalt\n\n#### Første råd\n\n## Baggrund")

    assert html == Markup("<h3>Kort fortalt</h3>\n<h4>Første råd</h4>\n<h3>Baggrund</h3>")


def test_setext_heading_is_demoted_too():
    assert render_markdown("Title\n=====") == Markup("<h3>Title</h3>")


def test_image_becomes_its_alt_text():
    html = render_markdown("Before ![a chart](https://example.dk/c.png) after")

    assert html == Markup("<p>Before a chart after</p>")


def test_linked_image_keeps_the_link_and_the_alt_text():
    html = render_markdown("[![logo](https://example.dk/l.png)](https://example.dk)")

    assert html == Markup('<p><a href="https://example.dk" rel="nofollow noopener">logo</a></p>')


def test_table_renders_as_table():
    html = render_markdown("| Parti | Stemmer |\n|---|---|\n| A | 3 |")

    assert html.startswith("<table>\n<thead>\n<tr>\n<th>Parti</th>")
    assert "<tbody>\n<tr>\n<td>A</td>\n<td>3</td>" in html


def test_fenced_code_renders_pre_code():
    html = render_markdown("```python\nprint(1)\n```")

    assert html == Markup("<pre><code>print(1)\n</code></pre>")


def test_emphasis_lists_and_blockquote():
    html = render_markdown("*em* **strong**\n\n> citat\n\n1. en\n2. to\n\n- punkt\n\n---")

    assert "<p><em>em</em> <strong>strong</strong></p>" in html
    assert "<blockquote>\n<p>citat</p>\n</blockquote>" in html
    assert "<ol>\n<li>en</li>\n<li>to</li>\n</ol>" in html
    assert "<ul>\n<li>punkt</li>\n</ul>" in html
    assert "<hr>" in html


def test_single_newline_is_a_line_break():
    assert render_markdown("one\ntwo") == Markup("<p>one<br>\ntwo</p>")


def test_danish_letters_survive():
    assert render_markdown("Æbler, øl og å — ÆØÅ æøå") == Markup("<p>Æbler, øl og å — ÆØÅ æøå</p>")


def test_plain_excerpt_drops_markup():
    excerpt = plain_excerpt("# Overskrift\n\n**Fed** [link](https://x.dk) og `kode` &amp; æøå")

    assert excerpt == "Overskrift Fed link og kode & æøå"


def test_plain_excerpt_cuts_at_a_word_boundary():
    source = "Rådet anbefaler " + "grundig behandling " * 20
    excerpt = plain_excerpt(source, length=50)
    kept = excerpt.removesuffix("…")

    assert excerpt.endswith("…")
    assert len(kept) <= 50
    assert "<" not in excerpt
    assert source.startswith(kept + " ")


def test_plain_excerpt_cuts_a_single_long_word_at_the_length():
    assert plain_excerpt("a" * 30, length=10) == "a" * 10 + "…"


def test_short_plain_excerpt_is_whole():
    assert plain_excerpt("Kort *tekst*.") == "Kort tekst."


def test_plain_excerpt_keeps_angle_brackets_as_plain_text_to_be_escaped_on_output():
    assert plain_excerpt("a <script>b</script>") == "a <script>b</script>"


def test_markup_version_is_an_integer():
    assert isinstance(MARKUP_VERSION, int)
    assert MARKUP_VERSION >= 1


MEMBERS = {"ekspert1": ("Anders Holm", "/members/3"), "anders.holm": ("Anders Holm", "/members/3")}


def test_mentions_become_links_to_the_member_page():
    html = render_markdown("Hej @ekspert1, hvad mener du?", mentions=MEMBERS.get)
    assert '<a href="/members/3" rel="nofollow noopener">@Anders Holm</a>' in html
    assert_only_allowed_markup_with_member_links(html)


def test_unknown_mentions_stay_text_and_emails_become_mail_links():
    html = render_markdown("Skriv til @nogen eller anders@kl.dk", mentions=MEMBERS.get)
    assert "@nogen" in html and html.count("<a ") == 1
    assert 'href="mailto:anders@kl.dk"' in unescape(html)
    assert_only_allowed_markup(html)


def test_mentions_in_code_stay_code():
    html = render_markdown("`@ekspert1`\n\n    @ekspert1", mentions=MEMBERS.get)
    assert "<a" not in html and html.count("@ekspert1") == 2


def test_authors_cannot_write_site_relative_links_themselves():
    html = render_markdown("[x](/members/3) [y](/admin/users/)", mentions=MEMBERS.get)
    assert "href" not in html


def test_a_resolver_cannot_smuggle_other_paths():
    html = render_markdown("@x", mentions=lambda token: ("X", "/admin/users/"))
    assert "href" not in html and "@X" in html
    html = render_markdown("@x", mentions=lambda token: ("<b>X</b>", "javascript:alert(1)"))
    assert "href" not in html and "<b>" not in html


def assert_only_allowed_markup_with_member_links(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attributes in parser.tags:
        assert tag in TAGS
        if tag == "a":
            href = attributes["href"]
            assert href.startswith(URL_STARTS) or re.fullmatch(r"/members/\d+", href)
