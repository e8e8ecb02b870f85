"""Whole anonymous pages kept in the shared cache (Flask-Caching: Redis or in-process).

A page is kept when an anonymous visitor with an empty session asked for it with GET and
the answer was a 200 that sets no cookie; it is keyed by the page generation, the language,
the path and the query string. ``thinktank.wiring`` lists the pages (by endpoint) and the
tables whose writes change no anonymous page.

**Invalidation.** The generation is a random token in one row of ``page_generation``. A
session hook notes every flushed or bulk-written row of any other table, and just before the
transaction commits it writes a new token, in the same transaction. So the token and the
data change together, atomically and for every worker at once, whatever the cache backend
(an in-process cache per worker included): a request that reads the new token reads the new
data too, and every page kept under an older token is never looked up again. Bumping after
the commit instead would leave a window in which a worker reads the old token and keeps a
page of new data under it, or, after a crash in between, the old pages forever; and a
counter in the cache would be lost with it and start again at numbers already used. A
random token never repeats, even after a database is restored from a backup. The cost is
one small query per page served from the cache, and writers that touch shown rows queue
for the one row only for the moment of their commit.

**Time.** A vote past its closing time closes on the next request that loads its case
(``lifecycle.make_due_moves``). Beside the pages of a generation the cache keeps when the
next due move falls; a request after that moment runs the due moves before it looks for a
page (closing a vote writes, so the generation changes), and a page is not kept while a
move is due that its view did not make.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from hashlib import sha256

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import String, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from thinktank.extensions import cache, db
from thinktank.models import utcnow
from thinktank.transaction import transaction

log = logging.getLogger(__name__)

#: The header that says whether a page came from the cache ("hit") or was rendered ("miss").
STATUS_HEADER = "X-Page-Cache"
# How long the page cache is left alone after the cache backend failed once.
CACHE_RETRY_SECONDS = 30
# What a cache backend raises when it is down (Redis refuses, times out, or the socket fails).
_CACHE_ERRORS = (RedisError, OSError)
# The request's key, generation and due time (set when a page may be kept).
_REQUEST = "page_cache"
# Set on the session when a flush or bulk write touched a row shown to anonymous visitors.
_CHANGED = "thinktank.page_cache_changed"
# The due time of a generation with no due move at all.
_NEVER = math.inf
_ROW_ID = 1

_pages: set[str] = set()
#: table -> the columns whose change shows on no anonymous page (None: the whole table)
_unshown: dict[str, frozenset[str] | None] = {"page_generation": None}
_due_moves: list[Callable[[], int]] = []
_next_due: list[Callable[[], datetime | None]] = []


class PageGeneration(db.Model):
    """One row: the token of the current generation of anonymous pages."""

    __tablename__ = "page_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))


# --- what the wiring says ----------------------------------------------------------------


def cache_pages(endpoints: Iterable[str]) -> None:
    """Keep the anonymous answers of these endpoints in the cache."""
    _pages.update(endpoints)


def unshown(table: str, columns: Iterable[str] | None = None) -> None:
    """Writes to ``table`` (or only to these of its columns) change no anonymous page."""
    _unshown[table] = frozenset(columns) if columns is not None else None


def due_moves(make: Callable[[], int], next_due: Callable[[], datetime | None]) -> None:
    """``make()`` makes the moves now due (on every case); ``next_due()`` says when the next
    one falls (None: none is set)."""
    _due_moves[:] = [make]
    _next_due[:] = [next_due]


def install() -> None:
    """Give every transaction a new generation when it changes a shown row (from the wiring)."""
    for name, listener in _HOOKS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def installed() -> bool:
    return all(event.contains(Session, name, listener) for name, listener in _HOOKS)


def init_app(app: Flask) -> None:
    """Serve kept pages before the view runs and keep the new ones (called last in create_app,
    so the cache is looked at after every other check and sees the view's own response)."""
    app.extensions["page_cache"] = {"down_until": 0.0, "hits": 0, "misses": 0}
    app.before_request(_serve_kept_page)
    app.after_request(_keep_page)


# --- invalidation ------------------------------------------------------------------------


def _shows(obj, state: str) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table not in _unshown:
        return True
    columns = _unshown[table]
    if columns is None:
        return False
    if state != "dirty":
        return True
    state = inspect(obj)
    return any(
        state.attrs[column.key].history.has_changes()
        for column in state.mapper.column_attrs
        if column.key not in columns
    )


def _after_flush(session: Session, _context) -> None:
    if session.info.get(_CHANGED):
        return
    for state, objects in (
        ("new", session.new),
        ("dirty", session.dirty),
        ("deleted", session.deleted),
    ):
        if any(_shows(obj, state) for obj in objects):
            session.info[_CHANGED] = True
            return


def _bulk_write(execute_state) -> None:
    """``session.execute(update(…))`` and the like write without a flush."""
    if not (execute_state.is_update or execute_state.is_delete or execute_state.is_insert):
        return
    table = getattr(execute_state.statement, "table", None)
    name = getattr(table, "name", None)
    if name not in _unshown or _unshown[name] is not None:
        execute_state.session.info[_CHANGED] = True


def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        bump(session)


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


_HOOKS = (
    ("after_flush", _after_flush),
    ("do_orm_execute", _bulk_write),
    ("before_commit", _before_commit),
    ("after_transaction_end", _forget),
)


def bump(session: Session) -> None:
    """A new generation in ``session``'s transaction: every kept page is out of date."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = PageGeneration.__table__
    token = secrets.token_hex(8)
    connection.execute(
        insert(table)
        .values(id=_ROW_ID, token=token)
        .on_conflict_do_update(index_elements=[table.c.id], set_={"token": token})
    )


def generation() -> str:
    """The current generation's token ("0" before the first write)."""
    token = db.session.scalar(select(PageGeneration.token).where(PageGeneration.id == _ROW_ID))
    return token or "0"


# --- serving and keeping -----------------------------------------------------------------


def _may_use_cache() -> bool:
    """An anonymous GET of a kept endpoint, with nothing in the visitor's session."""
    return (
        request.method == "GET"
        and request.endpoint in _pages
        and current_app.config["PAGE_CACHE_TIMEOUT"] > 0
        and time.monotonic() >= current_app.extensions["page_cache"]["down_until"]
        and not session
        and not current_user.is_authenticated
    )


def _keys(token: str) -> tuple[str, str]:
    address = request.path + "?" + request.query_string.decode("latin-1")
    digest = sha256(address.encode()).hexdigest()[:32]
    return f"page:{token}:{get_locale()}:{digest}", f"page-due:{token}"


def _serve_kept_page() -> Response | None:
    if not _may_use_cache():
        return None
    stats = current_app.extensions["page_cache"]
    token = generation()
    page_key, due_key = _keys(token)
    try:
        kept, due = cache.get_many(page_key, due_key)
    except _CACHE_ERRORS as error:
        _cache_failed(error)
        return None
    if due is not None and due <= utcnow().timestamp() and _due_moves:
        with transaction():
            made = _due_moves[0]()
        if made:
            token = generation()
            page_key, due_key = _keys(token)
        kept, due = None, None
    if kept is not None and due is not None:
        stats["hits"] += 1
        g.page_cache_hit = True
        status, headers, body = kept
        response = Response(body, status=status, headers=headers)
        response.headers[STATUS_HEADER] = "hit"
        return response
    stats["misses"] += 1
    setattr(g, _REQUEST, (page_key, due_key, due))
    return None


def _keep_page(response: Response) -> Response:
    planned = g.pop(_REQUEST, None)
    if planned is None:
        return response
    response.headers[STATUS_HEADER] = "miss"
    if not _keepable(response):
        return response
    page_key, due_key, due = planned
    if due is None:
        next_due = _next_due[0]() if _next_due else None
        due = next_due.timestamp() if next_due is not None else _NEVER
    if due <= utcnow().timestamp():
        return response  # a move is due that this view does not make: show it fresh
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name not in ("Content-Length", "Set-Cookie", STATUS_HEADER)
    ]
    kept = (response.status_code, headers, response.get_data())
    try:
        cache.set_many(
            {page_key: kept, due_key: due}, timeout=current_app.config["PAGE_CACHE_TIMEOUT"]
        )
    except _CACHE_ERRORS as error:
        _cache_failed(error)
    return response


def _keepable(response: Response) -> bool:
    """A plain 200 for a visitor who is still anonymous and is given no cookie."""
    return (
        response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not session
        and not session.modified
        and not current_user.is_authenticated
    )


def _cache_failed(error: Exception) -> None:
    log.warning(
        "Page cache unavailable (%s); pages are rendered without it for %d s",
        error,
        CACHE_RETRY_SECONDS,
    )
    current_app.extensions["page_cache"]["down_until"] = time.monotonic() + CACHE_RETRY_SECONDS
