"""LIX, the Scandinavian readability index: words per sentence plus the percentage of long
words (more than 6 letters).

The text is Markdown; its syntax is removed first by rendering it through the one
sanitiser and reading the text a reader would see (stored HTML can be read directly, so a
page never renders Markdown again to show a LIX). The rules, decided here:

- A word is a run of letters and digits; a hyphen or apostrophe inside it joins
  (``e-mail-adresse`` is one word of 12 letters). Numbers (``2026``, ``3,5``,
  ``1.234``) count as one word each, but never as long words: only letters are counted.
- A sentence ends at ``.``, ``:``, ``!`` or ``?`` followed by a space or the end of a
  block, after at least one word (``?!`` and ``...`` end one sentence; ``3.5`` and
  ``f.eks.`` end none and one). A block (paragraph, heading, list item, table cell) that
  has words after its last terminator ends a sentence too, so a text without any
  terminator is one sentence, and a list of short items is not read as one long sentence.
- Code blocks and raw HTML tags are left out (they are not prose); the text of inline
  code, links and emphasis is kept, and so is an image's description, which the pages
  show in its place.
- A text without words (empty, only punctuation) has no LIX: ``None``, shown as "–".

The shown value is rounded half up to a whole number, and the band is that of the shown
value, so "25" always reads "Let".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from flask_babel import lazy_gettext as _l

from thinktank.markup import render_markdown

_WORD = re.compile(r"\d+(?:[.,]\d+)*(?![^\W_])|[^\W_]+(?:[-'’][^\W_]+)*")
# a terminator run at the end of the block or before a space; digits around "." do not end
_TERMINATOR = re.compile(r"[.:!?]+(?=\s|$)")
_TOKENS = re.compile(rf"{_WORD.pattern}|{_TERMINATOR.pattern}")
# raw HTML written in the Markdown: the sanitiser shows it as text, but it is not prose
_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.DOTALL)


@dataclass(frozen=True)
class Counts:
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float | None:
        if not self.words:
            return None
        return self.words / self.sentences + 100 * self.long_words / self.words


class _Blocks(HTMLParser):
    """The text of each block of sanitised HTML, without code blocks and images."""

    _BLOCKS = frozenset(
        {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "blockquote", "div"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.buffer: list[str] = []
        self.pre = 0

    def _flush(self) -> None:
        text = "".join(self.buffer).strip()
        if text:
            self.blocks.append(text)
        self.buffer = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self._BLOCKS or tag in ("ul", "ol", "pre", "table", "tr"):
            self._flush()
        if tag == "pre":
            self.pre += 1
        elif tag == "br":  # a line break inside a paragraph: the sentence goes on
            self.buffer.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag in self._BLOCKS or tag in ("ul", "ol", "pre", "table", "tr"):
            self._flush()
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.pre:
            self.buffer.append(data)


def _letters(word: str) -> int:
    return sum(character.isalpha() for character in word)


def count_text(blocks: list[str]) -> Counts:
    """Words, sentences and long words of plain-text blocks (see the module's rules)."""
    words = sentences = long_words = 0
    for block in blocks:
        open_sentence = False
        for token in _TOKENS.findall(_HTML.sub(" ", block)):
            if _WORD.fullmatch(token):
                words += 1
                long_words += _letters(token) > 6
                open_sentence = True
            elif open_sentence:
                sentences += 1
                open_sentence = False
        sentences += open_sentence
    return Counts(words, sentences, long_words)


def counts_of_html(rendered: str) -> Counts:
    parser = _Blocks()
    parser.feed(rendered or "")
    parser.close()
    parser._flush()
    return count_text(parser.blocks)


def lix_of_html(rendered: str) -> float | None:
    """The LIX of HTML the sanitiser rendered and stored (None: no words)."""
    return counts_of_html(rendered).lix


def lix(markdown: str | None) -> float | None:
    """The LIX of a Markdown text, its syntax removed first (None: no words)."""
    return lix_of_html(str(render_markdown(markdown)))


#: (lowest shown value of the band, its name), easiest first.
BANDS = (
    (0, _l("Very easy")),
    (25, _l("Easy")),
    (35, _l("Medium")),
    (45, _l("Hard")),
    (55, _l("Very hard")),
)


def shown_value(value: float) -> int:
    """The whole number shown, rounded half up (Python's round() would make 24.5 into 24)."""
    return int(value + 0.5)


def band(value: float) -> str:
    """The band's name for a LIX: under 25 very easy, 25-34 easy, 35-44 medium, 45-54
    hard, 55 and more very hard (of the shown, rounded value)."""
    shown = shown_value(value)
    return str(next(name for lowest, name in reversed(BANDS) if shown >= lowest))


@dataclass(frozen=True)
class Readability:
    """What a page shows: the rounded LIX and its band, or neither (no words)."""

    value: int | None
    band: str | None

    @classmethod
    def of(cls, value: float | None) -> Readability:
        if value is None:
            return cls(None, None)
        return cls(shown_value(value), band(value))


def readability(markdown: str | None) -> Readability:
    return Readability.of(lix(markdown))


def readability_of_html(rendered: str) -> Readability:
    return Readability.of(lix_of_html(rendered))
