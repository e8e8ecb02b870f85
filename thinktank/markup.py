"""render_markdown(): the only way user text becomes HTML.

Two layers, so one mistake does not become a hole:

1. Markdown never sees raw HTML as HTML. Its raw-HTML block preprocessor and inline pattern
   are switched off, so ``<script>`` in the source is ordinary text and comes out escaped,
   exactly as the user typed it (also inside code, where it is most often meant).
2. bleach then cleans what Markdown made against an allow-list: the tags below, ``href`` and
   ``title`` on links only, and only absolute http(s) and mailto links. No ``style``, no
   ``class``, no images.

What the page itself needs is decided here as well:

- Headings are demoted two levels (``#`` → h3, ``##`` → h4, ``###`` → h5, deeper → h6), so
  user text never outranks the page's own h1 and h2.
- Images are dropped and their alt text kept as plain text: no remote content, no tracking
  pixels, and the words the author gave still read.
- Links keep their target only when it is absolute (relative and ``#`` links would point
  into our own site); those get ``rel="nofollow noopener"``, the rest become their text.

Results are meant to be stored beside the source; bump MARKUP_VERSION whenever a rule here
changes, so stored HTML can be re-rendered.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from collections.abc import Iterator

import bleach
import markdown
from bleach.html5lib_shim import Filter
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

MARKUP_VERSION = 1

_TAGS = frozenset(
    {"p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote"}
    | {"ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del"}
)
_ATTRIBUTES = {"a": ["href", "title"]}
_PROTOCOLS = frozenset({"http", "https", "mailto"})
_ABSOLUTE_URL = ("http://", "https://", "mailto:")
_LINK_REL = "nofollow noopener"
_HEADING_LEVELS = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}


class _FitToPage(Treeprocessor):
    """Demote headings and replace images by their alt text, before bleach sees them."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            if parent.tag in _HEADING_LEVELS:
                parent.tag = _HEADING_LEVELS[parent.tag]
            for image in parent.findall("img"):
                _replace_by_text(parent, image, image.get("alt", ""))


def _replace_by_text(parent: etree.Element, child: etree.Element, text: str) -> None:
    text += child.tail or ""
    index = list(parent).index(child)
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(child)


class _SafeLinks(Filter):
    """Links that kept their target get rel="nofollow noopener"; the others become text."""

    def __iter__(self) -> Iterator[dict]:
        kept: list[bool] = []
        for token in super().__iter__():
            if token.get("name") == "a" and token["type"] == "StartTag":
                kept.append((None, "href") in token["data"])
                if not kept[-1]:
                    continue
                token["data"][(None, "rel")] = _LINK_REL
            elif token.get("name") == "a" and token["type"] == "EndTag" and not kept.pop():
                continue
            yield token


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in _ATTRIBUTES.get(tag, ()):
        return False
    # bleach hands over the value with its character references; browsers decode them.
    return name != "href" or html.unescape(value).lower().startswith(_ABSOLUTE_URL)


_cleaner = bleach.Cleaner(
    tags=_TAGS,
    attributes=_allow_attribute,
    protocols=_PROTOCOLS,
    strip=True,
    filters=[_SafeLinks],
)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # After "inline" (20), which makes the images, and before "unescape" (0).
    md.treeprocessors.register(_FitToPage(md), "fit_to_page", 5)
    return md


def render_markdown(text: str | None) -> Markup:
    """User Markdown as sanitised HTML, safe to put on any page as it is."""
    if not text:
        return Markup("")
    # A fresh converter per call: Markdown objects keep state (references, stash).
    return Markup(_cleaner.clean(_markdown().convert(text)))  # noqa: S704 - bleach cleaned it


def plain_excerpt(text: str, length: int = 200) -> str:
    """The text without markup, cut at a word boundary, for list pages and feeds.

    Plain text, not HTML: escape it where it is output (templates do).
    """
    plain = html.unescape(bleach.clean(render_markdown(text), tags=set(), strip=True))
    words = " ".join(plain.split())
    if len(words) <= length:
        return words
    head = words[: length + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head[:length]
    return cut.rstrip(" ,.;:") + "…"
