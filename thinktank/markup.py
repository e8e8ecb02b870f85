"""render_markdown(): the only way user text becomes HTML.

Two layers, so one mistake does not become a hole:

1. Markdown never sees raw HTML as HTML. Its raw-HTML block preprocessor and inline pattern
   are switched off, so ``<script>`` in the source is ordinary text and comes out escaped,
   exactly as the user typed it (also inside code, where it is most often meant).
2. nh3 then cleans what Markdown made against an allow-list: the tags below, ``href`` and
   ``title`` on links only, and only absolute http(s) and mailto links (or a member's page
   for a mention). No ``style``, no ``class``, no images, no comments. It parses the way a
   browser does, so what it lets through is what a browser will see.

Why nh3: it binds ``ammonia``, the Rust sanitiser built on html5ever (the HTML5 parser of
Servo), which is maintained, fuzzed and fast. bleach, used before, has been deprecated by
its maintainers since 2023 and rests on html5lib, which is no longer developed; the Python
projects that sanitise user HTML (readme_renderer, NetBox, Open edX) moved to nh3 as well.
nh3 has no token filters, so the decisions about links (which to keep, which to turn into
text) are made on Markdown's tree before it, and nh3 checks them again as the second layer.

What the page itself needs is decided here as well:

- Headings are demoted below the page's own h1 and h2: the text's levels, in order, become
  h3, h4, h5, h6 (``## A`` then ``#### B`` → h3, h4), so user text never outranks the page
  and never skips a level (a heading outline that skips confuses screen-reader users).
- Images are dropped and their alt text kept as plain text: no remote content, no tracking
  pixels, and the words the author gave still read.
- Links keep their target only when it is absolute (relative and ``#`` links would point
  into our own site); those get ``rel="nofollow noopener"``, the rest become their text.

Bare links, ``www.`` addresses and e-mail addresses become links too (pymdownx.magiclink);
they pass the same rules, so only http(s) and mailto targets survive.

Mentions (``@[Full Name]`` or ``@handle``) become links to the member's page when the caller passes a resolver;
they are the only site-relative links allowed (``/members/<id>``), and never inside code.

Results are meant to be stored beside the source; bump MARKUP_VERSION whenever a rule here
changes, so stored HTML can be re-rendered.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from html.parser import HTMLParser

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from markupsafe import Markup
from pymdownx.magiclink import RE_LINK, MagiclinkPattern

from thinktank.markup_lists import ListLinesExtension

MARKUP_VERSION = 5

# Markdown as members know it from GitHub, Discourse or Decidim: a single line break is a
# line break, bare links and e-mail addresses become links, ~~text~~ is struck through,
# and lists work after a line of text, numbered ``1)`` and nested by two spaces.
_EXTENSIONS = [
    "tables",
    "fenced_code",
    "sane_lists",
    "nl2br",
    "pymdownx.magiclink",
    "pymdownx.tilde",
    "pymdownx.fancylists",
    ListLinesExtension(),
]
_EXTENSION_CONFIGS = {
    "pymdownx.tilde": {"subscript": False},
    # Only "1." and "1)": "A. Jensen" or "I. think" at the start of a line stay text.
    "pymdownx.fancylists": {"additional_ordered_styles": []},
}

_TAGS = frozenset(
    {"p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote"}
    | {"ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del"}
)
_ATTRIBUTES = {"a": {"href", "title"}}
_PROTOCOLS = frozenset({"http", "https", "mailto"})
_ABSOLUTE_URL = ("http://", "https://", "mailto:")
_LINK_REL = "nofollow noopener"
_MEMBER_PATH = re.compile(r"/members/\d+")
_MENTION_MARK = "data-mention"
#: ``@[Full Name]`` (as the name is shown), or ``@`` then a handle: the name without spaces
#: (``@SofieLund``, ``@sofie-lund``) or an e-mail prefix. Letters, digits, dots, hyphens and
#: underscores; the bracketed form also spaces.
MENTION_PATTERN = r"(?<![\w@])@(?:\[([^\[\]\n]{1,80})\]|([\w][\w.-]*[\w]|[\w]))"
_MENTION = re.compile(MENTION_PATTERN)
_HANDLE = re.compile(r"[\w][\w.-]*[\w]|[\w]")
#: token -> (shown name, member page path), or None when nobody has that name
MentionResolver = Callable[[str], tuple[str, str] | None]
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _heading_levels(root: etree.Element) -> dict[str, str]:
    """The heading levels the text uses, in order, mapped to h3, h4, … (h6 at most)."""
    used = sorted({element.tag for element in root.iter() if element.tag in _HEADINGS})
    return {tag: f"h{min(3 + n, 6)}" for n, tag in enumerate(used)}


class _FitToPage(Treeprocessor):
    """Demote headings, replace images by their alt text, and turn links without an allowed
    target into their text (only mentions may point into the site), before nh3."""

    def run(self, root: etree.Element) -> None:
        levels = _heading_levels(root)
        pairs = [(parent, child) for parent in root.iter() for child in parent]
        # Innermost first: a link is unwrapped only after what it holds has been fitted.
        for parent, child in reversed(pairs):
            if child.tag in levels:
                child.tag = levels[child.tag]
            if child.tag == "img":
                _replace_by_text(parent, child, child.get("alt", ""))
            elif child.tag == "a" and not _keeps_target(child):
                _unwrap(parent, child)


def _keeps_target(link: etree.Element) -> bool:
    href = link.get("href", "")
    if link.attrib.pop(_MENTION_MARK, None) is not None:
        return _MEMBER_PATH.fullmatch(href) is not None
    return _is_absolute(href)


def _is_absolute(href: str) -> bool:
    # Markdown writes e-mail autolinks as character references behind a placeholder.
    decoded = html.unescape(href.replace(AMP_SUBSTITUTE, "&"))
    return decoded.lower().startswith(_ABSOLUTE_URL)


def _replace_by_text(parent: etree.Element, child: etree.Element, text: str) -> None:
    text += child.tail or ""
    index = list(parent).index(child)
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(child)


def _unwrap(parent: etree.Element, child: etree.Element) -> None:
    """Put ``child``'s text and elements in its place: a link becomes what it says."""
    index = list(parent).index(child)
    inside = list(child)
    if inside:  # the link's tail follows its last element
        inside[-1].tail = (inside[-1].tail or "") + (child.tail or "")
        child.tail = None
    _replace_by_text(parent, child, child.text or "")
    for offset, element in enumerate(inside):
        parent.insert(index + offset, element)


class _Mentions(InlineProcessor):
    """``@token`` → a link to the member's page, when the resolver knows the token."""

    def __init__(self, resolve: MentionResolver) -> None:
        super().__init__(MENTION_PATTERN)
        self.resolve = resolve

    def handleMatch(self, match, data):  # Markdown's method name
        found = self.resolve((match.group(1) or match.group(2)).strip())
        if found is None:
            return None, None, None
        name, path = found
        link = etree.Element("a", {"href": path, _MENTION_MARK: "1"})
        link.text = f"@{name}"
        return link, match.start(0), match.end(0)


class _BareLinks(MagiclinkPattern):
    """magiclink's bare links, except a URL right after ``=`` or ``="``: in raw HTML the
    author typed (``<iframe src="https://…">``, shown as text) it stays part of that text."""

    def handleMatch(self, match, data):  # Markdown's method name
        if data[: match.start(0)].endswith(("=", '="', "='")):
            return None, None, None
        return super().handleMatch(match, data)


def mention_tokens(text: str) -> list[str]:
    """The names or handles ``text`` mentions, in order, each once (also inside code)."""
    tokens = (bracketed.strip() or handle for bracketed, handle in _MENTION.findall(text or ""))
    return list(dict.fromkeys(token for token in tokens if token))


def mention_as_written(token: str) -> str:
    """How to write the mention of ``token``: ``@jens`` or ``@[Sofie Lund]``."""
    return f"@{token}" if _HANDLE.fullmatch(token) else f"@[{token}]"


def _allow_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's second look at what survived its allow-list (``value`` is decoded, as a browser
    reads it): the attribute as it is, or None to drop it."""
    if name == "rel":
        return value if tag == "a" and value == _LINK_REL else None
    if name not in _ATTRIBUTES.get(tag, ()):
        return None
    if name != "href":
        return value
    allowed = value.lower().startswith(_ABSOLUTE_URL) or _MEMBER_PATH.fullmatch(value)
    return value if allowed else None


#: A link nh3 took the target from (one Markdown's tree kept but nh3 found invalid): its
#: text stays, the link goes. nh3's output is normalised, and links never nest.
_LINK_WITHOUT_TARGET = re.compile(
    r'<a(?: title="[^"<>]*")? rel="' + re.escape(_LINK_REL) + r'">(.*?)</a>', re.DOTALL
)


def _clean(converted: str) -> str:
    cleaned = nh3.clean(
        converted,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_allow_attribute,
        strip_comments=True,
        link_rel=_LINK_REL,
        url_schemes=_PROTOCOLS,
    )
    return _LINK_WITHOUT_TARGET.sub(r"\1", cleaned)


def _markdown(mentions: MentionResolver | None) -> markdown.Markdown:
    md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)
    bare_links = _BareLinks(RE_LINK, md)
    bare_links.config = md.inlinePatterns["magic-link"].config
    md.inlinePatterns.register(bare_links, "magic-link", 85)
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    if mentions is not None:
        md.inlinePatterns.register(_Mentions(mentions), "mention", 65)
    # After "inline" (20), which makes the images, and before "unescape" (0).
    md.treeprocessors.register(_FitToPage(md), "fit_to_page", 5)
    return md


def render_markdown(text: str | None, mentions: MentionResolver | None = None) -> Markup:
    """User Markdown as sanitised HTML, safe to put on any page as it is."""
    if not text:
        return Markup("")
    # A fresh converter per call: Markdown objects keep state (references, stash).
    converted = _markdown(mentions).convert(text)
    return Markup(_clean(converted))  # noqa: S704 - nh3 cleaned it


_BREAK = "\x00"


class _PlainText(HTMLParser):
    """Our own rendered HTML back to readable plain text: one block per paragraph, list
    items as "- item" lines, line breaks kept, no markup characters."""

    _BLOCKS = frozenset({"p", "h3", "h4", "h5", "h6", "li", "pre", "tr", "hr", "ul", "ol"})

    def __init__(self, quotes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.quotes = quotes  # False: leave out quoted text (a quote of a quote)
        self.blocks: list[tuple[str, str]] = []  # (kind, text)
        self.buffer: list[str] = []
        self.kind = "p"
        self.prefix = ""
        self.serial = 0  # which list an item belongs to: items of one list stay together
        self.lists: list[list] = []  # [tag, next number]
        self.pre = 0
        self.quoted = 0

    def _flush(self) -> None:
        text = "".join(self.buffer)
        if not self.pre:  # whitespace as a browser shows it; _BREAK marks a <br>
            text = re.sub(f" ?{_BREAK} ?", "\n", " ".join(text.split()))
        if text.strip() and (self.quotes or not self.quoted):
            self.blocks.append((self.kind, self.prefix + text.strip("\n").rstrip()))
        self.buffer, self.kind, self.prefix = [], "p", ""

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self._BLOCKS or tag == "blockquote":
            self._flush()
        if tag in ("ul", "ol"):
            self.serial += not self.lists
            self.lists.append([tag, 1])
        elif tag == "li" and self.lists:
            kind, number = self.lists[-1]
            self.lists[-1][1] += 1
            self.kind = f"li{self.serial}"
            marker = f"{number}." if kind == "ol" else "-"
            self.prefix = "  " * (len(self.lists) - 1) + marker + " "
        elif tag == "br":
            self.buffer.append(_BREAK)
        elif tag in ("td", "th") and "".join(self.buffer).strip():
            self.buffer.append(" | ")
        elif tag == "pre":
            self.pre += 1
        elif tag == "blockquote":
            self.quoted += 1

    def handle_endtag(self, tag) -> None:
        if tag in self._BLOCKS or tag == "blockquote":
            self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "pre":
            self.pre -= 1
        elif tag == "blockquote":
            self.quoted -= 1

    def handle_data(self, data: str) -> None:
        self.buffer.append(data)

    def text(self) -> str:
        self._flush()
        parts: list[str] = []
        for index, (kind, text) in enumerate(self.blocks):
            if index:
                together = kind.startswith("li") and self.blocks[index - 1][0] == kind
                parts.append("\n" if together else "\n\n")
            parts.append(text)
        return "".join(parts)


def plain_text(text: str | None, quotes: bool = True) -> str:
    """The text as a reader sees it, without markup: paragraphs apart by an empty line,
    list items on lines of their own ("- item"), line breaks kept. For quotes and diffs.

    Plain text, not HTML: escape it where it is output (templates do). ``quotes=False``
    leaves out what the text itself quotes.
    """
    parser = _PlainText(quotes)
    parser.feed(render_markdown(text))
    parser.close()
    return parser.text()


def plain_text_of_html(rendered: str, quotes: bool = True) -> str:
    """``plain_text`` of HTML this module rendered and stored: no second Markdown pass."""
    parser = _PlainText(quotes)
    parser.feed(rendered)
    parser.close()
    return parser.text()


def plain_excerpt(text: str, length: int = 200) -> str:
    """The text without markup, cut at a word boundary, for list pages and feeds.

    Plain text, not HTML: escape it where it is output (templates do).
    """
    plain = html.unescape(nh3.clean(render_markdown(text), tags=set()))
    words = " ".join(plain.split())
    if len(words) <= length:
        return words
    head = words[: length + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head[:length]
    return cut.rstrip(" ,.;:") + "…"
