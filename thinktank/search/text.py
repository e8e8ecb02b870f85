"""Danish words for the index and the query: tokens, stop words, Snowball stems, the parsed
query (phrases, words that must all match, minus words) and escaped, highlighted snippets.

PostgreSQL's ``danish`` configuration does the same Snowball stemming in the database; on
SQLite the index stores the stems made here, so both databases find the same documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer
from markupsafe import Markup, escape

#: A word: letters and digits (æ, ø and å included), never the underscore.
WORD = re.compile(r"[^\W_]+")
#: The longest query read, and the most terms used from it.
MAX_QUERY_LENGTH = 500
MAX_TERMS = 12
#: What ts_headline and the Python snippet put around a matched word before escaping.
START, STOP = "\u27e6", "\u27e7"


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    path = Path(__file__).with_name("danish_stopwords.txt")
    return frozenset(path.read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("danish")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` that are not stop words."""
    stops = stop_words()
    return [w for w in (m.lower() for m in WORD.findall(text or "")) if w not in stops]


def stems(text: str) -> str:
    """``text`` as the space-separated stems the SQLite index stores."""
    return " ".join(stem(w) for w in words(text))


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    negated: bool = False

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(w) for w in self.words)


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def positive(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def negative(self) -> list[Term]:
        return [t for t in self.terms if t.negated]

    @property
    def searchable(self) -> bool:
        """Something to look for: at least one word that must match."""
        return bool(self.positive)

    def highlight_stems(self) -> frozenset[str]:
        return frozenset(s for t in self.positive for s in t.stems)

    def websearch(self) -> str:
        """The query for PostgreSQL's ``websearch_to_tsquery``: every term quoted (so a word
        such as "or" is never an operator), only letters and digits inside the quotes."""
        return " ".join(
            ("-" if t.negated else "") + '"' + " ".join(t.words) + '"' for t in self.terms
        )

    def fts5(self) -> str:
        """The FTS5 MATCH expression over the stored stems: all phrases, none of the minus ones."""
        positive = " AND ".join('"' + " ".join(t.stems) + '"' for t in self.positive)
        negative = "".join(' NOT "' + " ".join(t.stems) + '"' for t in self.negative)
        return f"({positive}){negative}"


#: Danish and typographic quotation marks quote a phrase as " does.
_QUOTES = str.maketrans(dict.fromkeys("»«“”„", '"'))
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def parse(text: str) -> Query:
    """Quoted phrases, words (all must match) and minus words; everything else is ignored."""
    text = " ".join((text or "")[:MAX_QUERY_LENGTH].translate(_QUOTES).split())
    terms: list[Term] = []
    for match in _TOKEN.finditer(text):
        minus = bool(match.group(1) or match.group(3))
        found = tuple(words(match.group(2) if match.group(2) is not None else match.group(4)))
        if found and Term(found, minus) not in terms:
            terms.append(Term(found, minus))
    return Query(text, tuple(terms[:MAX_TERMS]))


def mark(marked: str) -> Markup:
    """Text with START/STOP around matched words as HTML: the text escaped, then the marks."""
    html = str(escape(marked))
    return Markup(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704


def without_marks(text: str) -> str:
    return (text or "").replace(START, "").replace(STOP, "")


def snippet(text: str, query: Query, size: int = 30) -> Markup:
    """About ``size`` words of ``text`` around the first matched word, matches marked."""
    text = without_marks(text)
    wanted = query.highlight_stems()
    tokens = list(WORD.finditer(text))
    if not tokens:
        return Markup("")
    first = next((i for i, t in enumerate(tokens) if stem(t.group()) in wanted), 0)
    start = max(0, first - size // 3)
    end = min(len(tokens), start + size)
    # the whole text's edges where the window reaches them, else from the first word shown
    position = 0 if start == 0 else tokens[start].start()
    parts = []
    for token in tokens[start:end]:
        parts.append(text[position : token.start()])
        word = token.group()
        parts.append(f"{START}{word}{STOP}" if stem(word) in wanted else word)
        position = token.end()
    if end == len(tokens):
        parts.append(text[position:])
    marked = "".join(parts)
    if start > 0:
        marked = "… " + marked
    if end < len(tokens):
        marked += " …"
    return mark(" ".join(marked.split()))
