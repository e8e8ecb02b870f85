"""Hostile Markdown comes out inert: no script, no handler, no live link but http(s) and
mailto, nothing from SVG or MathML, no style, no frames, whatever the author nests or breaks.

The output is checked token by token, stricter than a browser reads it: every ``<`` must
open or close an allowed tag with allowed, quoted attributes, and text holds no ``<``.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from markupsafe import Markup

from thinktank.markup import _clean, plain_excerpt, plain_text, render_markdown

TAGS = {"p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote"}
TAGS |= {"ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del"}
_TAG = re.compile(r'<(/?)([a-z0-9]+)((?: [a-z]+="[^"<>]*")*)>')
_ATTRIBUTE = re.compile(r' ([a-z]+)="([^"<>]*)"')
_TARGET = re.compile(r"(?:https?://|mailto:)\S*|/members/\d+", re.IGNORECASE)

SCRIPTS = {
    "script": "<script>alert(1)</script>",
    "script-upper": "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "script-slash-attribute": "<script/xss src=https://evil.example/x.js></script>",
    "script-split-by-script": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-doubled-bracket": "<<script>script>alert(1)<</script>/script>",
    "script-null-byte": "<scr\x00ipt>alert(1)</script>",
    "script-closing-early": "</script><script>alert(1)</script>",
    "script-in-heading": "# <script>alert(1)</script>",
    "script-in-emphasis": "**<script>alert(1)</script>**",
    "script-in-link-text": "[<script>alert(1)</script>](https://example.dk)",
    "script-in-image-alt": "![<script>alert(1)</script>](https://example.dk/a.png)",
    "script-in-table": "| a |\n|---|\n| <script>alert(1)</script> |",
    "script-in-blockquote": "> <script>alert(1)</script>",
    "script-in-url": "[x](https://example.dk/<script>alert(1)</script>)",
    "noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template": "<template><script>alert(1)</script></template>",
}

HANDLERS = {
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-backticks": "<img src=`x`onerror=alert(1)>",
    "body-onload": "<body onload=alert(1)>",
    "div-slash-onclick": "<div/onclick=alert(1)>x</div>",
    "link-onmouseover": '<a href="https://example.dk" onmouseover="alert(1)">x</a>',
    "input-onfocus": "<input autofocus onfocus=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "video-source-onerror": "<video><source onerror=alert(1)>",
    "handler-in-image-markdown": '![x" onerror="alert(1)](https://example.dk/a.png)',
    "handler-through-title": '[x](https://example.dk "a\\" onmouseover=\\"alert(1)")',
    "handler-through-url-quote": '[x](https://example.dk/"onmouseover="alert(1))',
    "handler-through-url-apostrophe": "[x](https://example.dk/'onmouseover='alert(1))",
    "handler-in-reference-title": '[x][r]\n\n[r]: https://example.dk "a" onclick="alert(1)"',
    "handler-after-autolink": '<https://example.dk/"onmouseover="alert(1)>',
    "handler-in-bare-link": 'https://example.dk/"onmouseover="alert(1)',
}

#: Written as a link target in every Markdown form below: none may stay a link.
BAD_TARGETS = {
    "javascript": "javascript:alert(1)",
    "mixed-case": "JaVaScRiPt:alert(1)",
    "hex-entity": "&#x6A;avascript:alert(1)",
    "hex-entity-upper-x": "&#X6A;avascript&#X3A;alert(1)",
    "decimal-entity": "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)",
    "padded-decimal-entity": "&#0000106;avascript:alert(1)",
    "entity-without-semicolon": "&#106avascript:alert(1)",
    "named-colon": "javascript&colon;alert(1)",
    "tab-entity": "jav&#x09;ascript:alert(1)",
    "named-tab": "jav&Tab;ascript:alert(1)",
    "newline-entity": "jav&#x0A;ascript:alert(1)",
    "named-newline": "java&NewLine;script:alert(1)",
    "carriage-return-entity": "jav&#x0D;ascript:alert(1)",
    "control-prefix": "\x01javascript:alert(1)",
    "entity-space-prefix": "&#32;javascript:alert(1)",
    "nbsp-prefix": "&nbsp;javascript:alert(1)",
    "percent-encoded": "javascript%3Aalert(1)",
    "space-before-colon": "javascript :alert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "vbscript-upper": "VBSCRIPT:msgbox(1)",
    "livescript": "livescript:alert(1)",
    "data-html": "data:text/html,<script>alert(1)</script>",
    "data-base64": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data-mixed-case": "DaTa:text/html,x",
    "data-entity": "&#100;ata:text/html,x",
    "http-without-slashes": "http:javascript:alert(1)",
    "protocol-relative": "//evil.example/x",
    "backslash-protocol-relative": "\\\\evil.example/x",
    "site-relative": "/admin/users/",
    "member-lookalike": "/members/3/../../admin",
    "fragment": "#top",
    "file": "file:///etc/passwd",
    "ftp": "ftp://example.dk/x",
}

LINK_FORMS = {
    "inline": "[x]({url})",
    "inline-angle": "[x](<{url}>)",
    "inline-title": '[x]({url} "title")',
    "reference": "[x][r]\n\n[r]: {url}",
    "collapsed-reference": "[x][]\n\n[x]: {url}",
    "image": "![x]({url})",
    "linked-image": "[![x](https://example.dk/a.png)]({url})",
}

SVG_AND_MATHML = {
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "svg-animate": '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>',
    "svg-foreign-object": "<svg><foreignObject><iframe src=javascript:alert(1)>",
    "svg-use-data": '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    "math-href": '<math href="javascript:alert(1)">x</math>',
    "math-maction": '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x',
    "svg-image-link": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
}

STYLES = {
    "style-element": "<style>body{display:none}</style>",
    "style-attribute": '<p style="position:fixed;inset:0">x</p>',
    "style-import": "<style>@import 'https://evil.example/x.css';</style>",
    "style-expression": '<div style="width:expression(alert(1))">x</div>',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "table-alignment": "| a | b |\n|:-:|--:|\n| 1 | 2 |",
}

EMBEDS = {
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "frameset": '<frameset><frame src="https://evil.example"></frameset>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "applet": '<applet code="X.class"></applet>',
    "base": '<base href="https://evil.example/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "form": '<form action="https://evil.example"><input name="password"><button>Go</button>',
    "button-formaction": '<button formaction="javascript:alert(1)">x</button>',
    "portal": '<portal src="https://evil.example"></portal>',
}

BROKEN_AND_NESTED = {
    "unclosed-link": '<a href="https://example.dk"><b>unclosed',
    "unterminated-attribute": '<a href="javascript:alert(1)>x',
    "quote-breakout": '<img """><script>alert(1)</script>">',
    "comment": "<!-- <script>alert(1)</script> -->",
    "comment-bogus": "<!--><script>alert(1)</script>-->",
    "comment-in-attribute": '<a title="<!--" href="javascript:alert(1)">-->x</a>',
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "processing-instruction": '<?xml version="1.0"?><script>alert(1)</script>',
    "doctype": "<!DOCTYPE html><script>alert(1)</script>",
    "markdown-inside-html": '<div markdown="1">*hi* <script>alert(1)</script></div>',
    "textarea-breakout": "<textarea></textarea><script>alert(1)</script>",
    "title-breakout": "<title></title><script>alert(1)</script>",
    "xmp-breakout": "<xmp></xmp><img src=x onerror=alert(1)>",
    "plaintext": "<plaintext><script>alert(1)",
    "nested-links": "[a [b](javascript:alert(1))](https://example.dk)",
    "link-in-link-text": "[https://example.dk](javascript:alert(1))",
    "emphasis-across-html": "*<b>*x*</b>* <i onclick=alert(1)>y</i>",
    "code-span-broken": "`<script>` alert(1) `</script>`",
    "fence-unclosed": "```\n<script>alert(1)</script>",
    "html-in-list": "- <iframe src=https://evil.example>\n  - <script>alert(1)</script>",
    "deep-nesting": "> " * 40 + "<script>alert(1)</script>",
    "deep-list-nesting": "".join("  " * n + "- x\n" for n in range(30)) + "<img onerror=x>",
    "fullwidth-brackets": "＜script＞alert(1)＜/script＞",
    "line-separator": "[x](java\u2028script:alert(1))",
}

#: Classic mutation-XSS: markup that serialises differently from how it parsed.
MUTATIONS = {
    "math-mglyph-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "svg-p-style": '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "math-textarea": (
        '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea>'
        '<img onerror=alert(1) src=1>">'
    ),
    "form-math": "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "noembed-title": '<noembed><img title="</noembed><img src onerror=alert(1)>"></noembed>',
    "svg-style-comment": "<svg><style><!--</style><img src=x onerror=alert(1)>--></style></svg>",
    "select-template": "<select><template><style><!--</style><a rel=--><img src=x onerror=alert(1)>",
    "backtick-attribute": "<div title=`x`onmouseover=alert(1)>x</div>",
}

HOSTILE = {
    **{f"script-{k}": v for k, v in SCRIPTS.items()},
    **{f"handler-{k}": v for k, v in HANDLERS.items()},
    **{
        f"{form}-{name}": template.format(url=url)
        for form, template in LINK_FORMS.items()
        for name, url in BAD_TARGETS.items()
    },
    **{f"svg-math-{k}": v for k, v in SVG_AND_MATHML.items()},
    **{f"style-{k}": v for k, v in STYLES.items()},
    **{f"embed-{k}": v for k, v in EMBEDS.items()},
    **{f"broken-{k}": v for k, v in BROKEN_AND_NESTED.items()},
    **{f"mutation-{k}": v for k, v in MUTATIONS.items()},
}


def assert_inert(html: str) -> None:
    """Only allowed tags, ``href``/``title``/``rel`` on links only, and every link target
    absolute http(s) or mailto (or a member's page) as a browser decodes it."""
    position = 0
    for tag in _TAG.finditer(html):
        assert "<" not in html[position : tag.start()], html
        closing, name, attributes = tag.groups()
        assert name in TAGS, (name, html)
        found = dict(_ATTRIBUTE.findall(attributes))
        if closing or name != "a":
            assert not found, (name, found)
        else:
            assert set(found) <= {"href", "title", "rel"}, found
            assert found["rel"] == "nofollow noopener", found
            assert _TARGET.fullmatch(unescape(found["href"])), found
        position = tag.end()
    assert "<" not in html[position:], html


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_comes_out_inert(source):
    html = render_markdown(source)

    assert_inert(html)
    assert_inert(render_markdown(source, mentions=lambda token: ("X", "/members/1")))


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_stays_inert_in_plain_text_and_excerpts(source):
    """Plain text is escaped where it is output; it must not carry half a tag either way."""
    for plain in (plain_text(source), plain_excerpt(source, length=5000)):
        assert "\x00" not in plain
        assert str(Markup.escape(plain)).count("<") == 0


@pytest.mark.parametrize("name", BAD_TARGETS, ids=BAD_TARGETS.keys())
@pytest.mark.parametrize("template", LINK_FORMS.values(), ids=LINK_FORMS.keys())
def test_bad_link_target_leaves_only_the_words(template, name):
    html = render_markdown(template.format(url=BAD_TARGETS[name]))

    assert "<a" not in html
    assert "href" not in html
    assert "x" in re.sub(r"<[^>]*>", "", html)  # the words stay (some forms stay as typed)


@pytest.mark.parametrize(
    "source",
    ["javascript:alert(1)", "<javascript:alert(1)>", "data:text/html,<b>x</b>"],
)
def test_a_dangerous_address_written_as_text_is_shown_not_linked(source):
    html = render_markdown(source)

    assert "<a" not in html
    assert unescape(re.sub(r"<[^>]*>", "", html)) == source


@pytest.mark.parametrize("name", ["script", "script-upper", "script-in-heading"])
def test_script_is_shown_as_the_words_the_author_typed(name):
    source = SCRIPTS[name]
    html = render_markdown(source)

    assert "<script" not in html.lower()
    assert "&lt;script" in html.lower()
    assert source.lstrip("# ") in unescape(html)


@pytest.mark.parametrize(
    "source", [*SVG_AND_MATHML.values(), *EMBEDS.values(), *MUTATIONS.values()]
)
def test_svg_mathml_frames_and_mutations_never_become_elements(source):
    html = render_markdown(source).lower()

    for element in ("<svg", "<math", "<iframe", "<frame", "<object", "<embed", "<img"):
        assert element not in html
    for element in ("<style", "<form", "<input", "<button", "<base", "<meta", "<portal"):
        assert element not in html


def test_an_allowed_link_keeps_its_target_and_gains_nofollow_noopener():
    html = render_markdown('[Folketinget](https://www.ft.dk/?a=1&b=2 "Tinget")')

    assert html == Markup(
        '<p><a href="https://www.ft.dk/?a=1&amp;b=2" title="Tinget" rel="nofollow noopener">'
        "Folketinget</a></p>"
    )


def test_a_mention_is_the_only_link_into_the_site():
    members = {"sofie": ("Sofie Lund", "/members/7")}
    html = render_markdown("@sofie [her](/members/7) [admin](/admin)", mentions=members.get)

    assert html == Markup(
        '<p><a href="/members/7" rel="nofollow noopener">@Sofie Lund</a> her admin</p>'
    )


def test_a_mention_resolver_cannot_inject_markup_or_targets():
    html = render_markdown(
        "@x", mentions=lambda token: ('<img src=x onerror=alert(1)>"', "/members/1 onclick=a")
    )

    assert_inert(html)
    assert "<img" not in html and "href" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# The second layer on its own: if Markdown ever let raw HTML through, nh3 would still stop it.
SECOND_LAYER = {
    "script": ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    "handler": ('<p onclick="alert(1)">x</p>', "<p>x</p>"),
    "style": ('<p style="color:red">x</p><style>p{}</style>', "<p>x</p>"),
    "javascript-link": ('<a href="javascript:alert(1)">x</a>', "x"),
    "entity-link": ('<a href="jav&#x09;ascript:alert(1)">x</a>', "x"),
    "data-link": ('<a href="data:text/html,x" title="t">x</a>', "x"),
    "relative-link": ('<a href="/admin">x</a>', "x"),
    "member-link": (
        '<a href="/members/3">x</a>',
        '<a href="/members/3" rel="nofollow noopener">x</a>',
    ),
    "own-rel": (
        '<a href="https://example.dk" rel="opener" target="_blank">x</a>',
        '<a href="https://example.dk" rel="nofollow noopener">x</a>',
    ),
    "svg": ("<svg><a href='https://example.dk'>x</a></svg>", ""),
    "iframe": ('<iframe src="https://evil.example"></iframe>y', "y"),
    "img": ('<img src="https://example.dk/a.png" alt="a">', ""),
    "comment": ("<!-- x --><p>y</p>", "<p>y</p>"),
    "h1": ("<h1>x</h1>", "x"),
    "class-and-id": ('<p class="alert" id="main">x</p>', "<p>x</p>"),
}


@pytest.mark.parametrize(("html", "expected"), SECOND_LAYER.values(), ids=SECOND_LAYER.keys())
def test_the_sanitiser_alone_enforces_the_allow_list(html, expected):
    cleaned = _clean(html)

    assert_inert(cleaned)
    assert cleaned == expected
