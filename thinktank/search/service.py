"""Searching the index: ranked hits the searcher may open, the filters with their counts,
one page of results with escaped, highlighted snippets. The same rules on both databases;
only the full-text expression differs (PostgreSQL tsvector/tsquery, SQLite FTS5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup
from sqlalchemy import (
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy import text as sql
from sqlalchemy.dialects.postgresql import TSQUERY

from thinktank.cases.vocabulary import CaseState, Domain, TechnologyKind
from thinktank.extensions import db
from thinktank.inputs import int_arg
from thinktank.search import text
from thinktank.search.models import Kind, SearchDocument
from thinktank.search.policies import visible_clause
from thinktank.search.text import Query

#: The filters: query-string name, vocabulary, and the column it filters.
FILTERS = {
    "type": (Kind, SearchDocument.kind),
    "domain": (Domain, SearchDocument.domain),
    "technology": (TechnologyKind, SearchDocument.technology),
    "state": (CaseState, SearchDocument.state),
}
_SNIPPET_WORDS = 30
_HEADLINE_OPTIONS = (
    f"StartSel={text.START}, StopSel={text.STOP}, MaxWords={_SNIPPET_WORDS}, MinWords=12, "
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)
_SNIPPET_SOURCE_LIMIT = 20000  # characters of a long text the snippet is looked for in


def read_filters(args) -> dict[str, Any]:
    """Filter values from the query string; values not on the lists are ignored."""
    return {
        name: vocabulary(args[name])
        for name, (vocabulary, _column) in FILTERS.items()
        if args.get(name) in vocabulary._value2member_map_
    }


@dataclass
class Hit:
    document: SearchDocument
    snippet: Markup


@dataclass
class Results:
    query: Query
    filters: dict[str, Any]
    counts: dict[str, dict[str, int]]  # filter name -> value -> hits with the other filters
    page: Pagination | None
    cap: int = 0  # hits are counted up to this; ``page.total`` above it means "more than"
    counted_among_first: bool = False  # the filters' counts are among the first ``cap``


class _HitPage(Pagination):
    """The existing pagination (and its macro) over a page fetched by the search."""

    def _query_items(self) -> list:
        return self._query_args["fetch"](self._query_offset, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["found"]["total"]


def _backend() -> str:
    return "postgresql" if db.session.get_bind().dialect.name == "postgresql" else "sqlite"


def _tsquery(query: Query):
    return func.websearch_to_tsquery(literal_column("'danish'::regconfig"), query.websearch())


_VECTOR = literal_column("search_documents.search_vector")
_PAIRS = literal_column("search_documents.search_pairs")
_FTS = literal_column("search_fts")
_FTS_TABLE = table("search_fts", column("rowid"))

#: Each word's lexemes and their positions as PostgreSQL's ``danish`` configuration makes them.
_LEXEMES = sql(
    "SELECT word, entry.lexeme, entry.positions FROM unnest(CAST(:words AS text[])) AS word "
    "LEFT JOIN LATERAL unnest(to_tsvector('danish'::regconfig, word)) AS entry ON true"
)


_MAX_LEXEME_BYTES = 2047


def _tsquery_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _phrase_pairs(query: Query) -> str | None:
    """PostgreSQL: the pairs of neighbouring lexemes the query's phrases need, as a tsquery
    over ``search_pairs`` (migration ``0017_searchperf2``), or None without a phrase. The GIN
    index answers it exactly where it cannot answer a phrase; it is only a necessary
    condition (a pair of neighbouring words of a phrase, each one lexeme), and the phrase
    itself is still matched by the full tsquery, so the hits are the same."""
    phrases = [term.words for term in query.positive if len(term.words) > 1]
    if not phrases:
        return None
    words = sorted({word for phrase in phrases for word in phrase})
    entries: dict[str, list] = {}
    for word, lexeme, positions in db.session.execute(_LEXEMES, {"words": words}):
        entries.setdefault(word, []).append((lexeme, positions))

    def lexeme(word: str) -> str | None:  # one token of one lexeme, not a stop word
        found = entries.get(word, [])
        return found[0][0] if len(found) == 1 and found[0][1] == [1] else None

    pairs = {
        f"{lexeme(one)} {lexeme(following)}"
        for phrase in phrases
        for one, following in zip(phrase, phrase[1:], strict=False)
        if lexeme(one) and lexeme(following)
    }
    # the index leaves out a pair longer than a lexeme may be (2,047 bytes), and so does this
    pairs = {pair for pair in pairs if len(pair.encode()) <= _MAX_LEXEME_BYTES}
    return " & ".join(_tsquery_lexeme(pair) for pair in sorted(pairs)) or None


def _matching(query: Query, columns: list, pairs: str | None = None):
    """SELECT ``columns`` FROM the documents matching ``query`` (and the rank expression);
    on PostgreSQL ``pairs`` (``_phrase_pairs``) narrows the index scan for a phrase."""
    if _backend() == "postgresql":
        tsquery = _tsquery(query)
        rank = func.ts_rank_cd(_VECTOR, tsquery) * SearchDocument.boost
        if pairs:  # the index finds the pairs; the phrase is checked on their rows only
            # (ts_match_vq is @@ as a function, which the planner keeps out of the index scan:
            # there it would read the posting lists of both common words for nothing)
            statement = select(*columns).where(
                _PAIRS.op("@@")(cast(literal(pairs), TSQUERY)), func.ts_match_vq(_VECTOR, tsquery)
            )
        else:
            statement = select(*columns).where(_VECTOR.op("@@")(tsquery))
        return statement, rank.desc()
    rank = func.bm25(_FTS, 10.0, 4.0, 1.0) * SearchDocument.boost  # lower is better
    statement = (
        select(*columns)
        .select_from(SearchDocument)
        .join(_FTS_TABLE, _FTS_TABLE.c.rowid == SearchDocument.id)
        .where(sql("search_fts MATCH :match").bindparams(match=query.fts5()))
    )
    return statement, rank.asc()


#: The cheap pre-order the bounded candidate set is taken in (an index follows it): a current
#: recommendation before other things, the newest first. Only the candidates are ranked.
_PREORDER = (SearchDocument.boost.desc(), SearchDocument.dated_at.desc(), SearchDocument.id.desc())


def _cap() -> int:
    """How many hits are counted and ranked at most (one more tells "more than")."""
    return current_app.config["SEARCH_COUNT_CAP"]


def _counts(
    query: Query, user, filters: dict[str, Any], pairs: str | None
) -> tuple[dict, int, list[int] | None, bool]:
    """The first ``cap + 1`` visible hits in the pre-order: the hits per filter value among
    them (with the other filters applied, as facets count), how many of them pass the
    filters, and the ids of those in the order of the results (by rank, then the newest
    first: the rank is read with the rows, so the page needs only its own documents) -- or
    None for the ids where there were more hits than the cap and filters are chosen: the
    filtered candidates are then looked for by the page -- and whether there were more hits
    than the cap."""
    columns = [column for _vocabulary, column in FILTERS.values()]
    statement, order = _matching(query, [], pairs)
    statement = (
        statement.add_columns(
            SearchDocument.id, order.element.label("relevance"), SearchDocument.dated_at, *columns
        )
        .where(visible_clause(user))
        .order_by(*_PREORDER)
        .limit(_cap() + 1)
    )
    rows = db.session.execute(statement).all()
    counts: dict[str, dict[str, int]] = {name: {} for name in FILTERS}
    chosen = []
    names = list(FILTERS)
    for row in rows:
        values = dict(zip(names, row[3:], strict=True))
        values = {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}
        for name in names:
            others = all(
                values[other] == filters[other].value for other in filters if other != name
            )
            if others and values[name] is not None:
                counts[name][values[name]] = counts[name].get(values[name], 0) + 1
        if all(values[name] == value.value for name, value in filters.items()):
            chosen.append(row)
    # the results' order: relevance (higher first on PostgreSQL, bm25 lower first on
    # SQLite), then the newest, then the highest id -- as the page query orders them
    sign = -1 if _backend() == "postgresql" else 1
    chosen.sort(key=lambda row: -row.id)
    chosen.sort(key=lambda row: row.dated_at, reverse=True)
    chosen.sort(key=lambda row: sign * row.relevance)
    ids = [row.id for row in chosen]
    capped = len(rows) > _cap()
    return counts, len(ids), None if capped and filters else ids, capped


def _fetch(
    query: Query,
    user,
    filters: dict[str, Any],
    ids: list[int] | None,
    found: dict,
    pairs: str | None,
):
    """The page: the candidates are the first ``cap + 1`` hits in the pre-order (``ids``,
    already ranked, or looked for here with the filters), and only they are ranked; their
    number (``found["total"]``) comes with the page's rows."""

    def fetch(offset: int, limit: int) -> list[Hit]:
        if ids is not None:
            return _documents(ids[offset : offset + limit], query)
        statement, order = _matching(query, [SearchDocument.id], pairs)
        statement = statement.where(visible_clause(user))
        for name, value in filters.items():
            statement = statement.where(FILTERS[name][1] == value.value)
        statement = statement.order_by(*_PREORDER).limit(_cap() + 1)
        if _backend() == "postgresql":
            # the candidates carry what ranks them, so only the page's rows are read again
            candidates = statement.add_columns(
                _VECTOR.label("vector"), SearchDocument.boost, SearchDocument.dated_at
            ).subquery()
            rank = func.ts_rank_cd(candidates.c.vector, _tsquery(query)) * candidates.c.boost
            ranked = (
                select(
                    candidates.c.id,
                    func.count().over().label("found"),
                    func.row_number()
                    .over(
                        order_by=(
                            rank.desc(),
                            candidates.c.dated_at.desc(),
                            candidates.c.id.desc(),
                        )
                    )
                    .label("place"),
                )
                .order_by(rank.desc(), candidates.c.dated_at.desc(), candidates.c.id.desc())
                .limit(limit)
                .offset(offset)
                .subquery()
            )
            page = select(SearchDocument, ranked.c.found, ranked.c.place).join(
                ranked, ranked.c.id == SearchDocument.id
            )
            hits, total = _with_headlines(page, query)
            found["total"] = total
            return hits
        candidates = statement.add_columns(order.element.label("relevance")).subquery()
        ranked = (
            select(SearchDocument, func.count().over().label("found"))
            .join(candidates, candidates.c.id == SearchDocument.id)
            .order_by(
                candidates.c.relevance.asc(),
                SearchDocument.dated_at.desc(),
                SearchDocument.id.desc(),
            )
            .limit(limit)
            .offset(offset)
        )
        rows = db.session.execute(ranked).all()
        found["total"] = rows[0].found if rows else 0
        return [
            Hit(document, text.snippet(_source(document), query, _SNIPPET_WORDS))
            for document, _found in rows
        ]

    return fetch


def _documents(ids: list[int], query: Query) -> list[Hit]:
    """The hits of the documents ``ids``, in that order, with their snippets."""
    if not ids:
        return []
    statement = select(SearchDocument, literal(len(ids)).label("found")).where(
        SearchDocument.id.in_(ids)
    )
    if _backend() == "postgresql":
        hits, _total = _with_headlines(statement, query)
    else:
        hits = [
            Hit(document, text.snippet(_source(document), query, _SNIPPET_WORDS))
            for document in db.session.scalars(statement)
        ]
    place = {id_: n for n, id_ in enumerate(ids)}
    return sorted(hits, key=lambda hit: place[hit.document.id])


def _source(document: SearchDocument) -> str:
    return "\n".join(p for p in (document.summary, document.body) if p)[:_SNIPPET_SOURCE_LIMIT]


def _with_headlines(statement, query: Query) -> tuple[list[Hit], int]:
    """PostgreSQL: the page's documents and ``ts_headline`` of each, in one query (the
    headline only for the page's rows). The marks are escaped with the text in Python."""
    page = statement.subquery()
    document = db.aliased(SearchDocument, page)
    source = func.left(
        func.replace(
            func.replace(
                func.concat_ws("\n", func.nullif(page.c.summary, ""), func.nullif(page.c.body, "")),
                text.START,
                "",
            ),
            text.STOP,
            "",
        ),
        _SNIPPET_SOURCE_LIMIT,
    )
    headline = func.ts_headline(
        literal_column("'danish'::regconfig"), source, _tsquery(query), _HEADLINE_OPTIONS
    )
    statement = select(document, page.c.found, headline)
    if "place" in page.c:
        statement = statement.order_by(page.c.place)
    rows = db.session.execute(statement).all()
    hits = [Hit(found, text.mark(" ".join((marked or "").split()))) for found, _n, marked in rows]
    return hits, rows[0][1] if rows else 0


def _nothing(offset: int, limit: int) -> list[Hit]:
    return []


def search(user, raw_query: str, filters: dict[str, Any]) -> Results:
    """The searcher's results for ``raw_query``: nothing is looked up without a word to find."""
    query = text.parse(raw_query)
    if not query.searchable:
        return Results(query, filters, {name: {} for name in FILTERS}, None)
    pairs = _phrase_pairs(query) if _backend() == "postgresql" else None
    counts, total, ids, capped = _counts(query, user, filters, pairs)
    found = {"total": total}
    page = _HitPage(
        page=int_arg("page", 1),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
        fetch=(
            _fetch(query, user, filters, ids, found, pairs) if total or ids is None else _nothing
        ),
        found=found,
    )
    if ids is not None:
        page.total = total  # known, also when the page asked for is past the end
    return Results(query, filters, counts, page, _cap(), capped)
