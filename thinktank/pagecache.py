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
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import String, event, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.http import is_resource_modified, parse_cookie
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

from thinktank.extensions import cache, db
from thinktank.i18n import LANGUAGE_COOKIE
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
# The token this session wrote last (a view that writes may keep its page under it).
_WRITTEN = "thinktank.page_generation_written"
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
    """Serve kept pages in front of the app and keep new ones (called last in create_app, so
    the hooks run after every other before-request check and see the view's own response)."""
    app.extensions["page_cache"] = {"down_until": 0.0, "hits": 0, "misses": 0}
    app.before_request(_before_view)
    app.after_request(_after_view)
    if isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app.app = PageCacheLayer(app.wsgi_app.app, app)
    else:
        app.wsgi_app = PageCacheLayer(app.wsgi_app, app)


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
    session.info[_WRITTEN] = token
    connection.execute(
        insert(table)
        .values(id=_ROW_ID, token=token)
        .on_conflict_do_update(index_elements=[table.c.id], set_={"token": token})
    )


# --- serving and keeping -----------------------------------------------------------------
#
# A kept page is served by a thin WSGI layer in front of Flask, so a visitor's request costs
# the generation query and a cache lookup, not a request context, a session, a login check
# and the response hooks: the stored headers are the final ones (security headers too). Any
# request the layer cannot answer goes to Flask, whose hooks decide whether its answer may
# be kept and run the due moves; the layer then keeps the answer as it leaves the app, when
# it sets no cookie.


class PageCacheLayer:
    """The WSGI layer (inside ProxyFix, so it sees the host and scheme the app sees)."""

    def __init__(self, wsgi_app, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.engine = None
        self.identity_cookies = (
            app.config["SESSION_COOKIE_NAME"],
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )
        self.languages = tuple(app.config["LANGUAGES"])
        self.default_language = app.config["BABEL_DEFAULT_LOCALE"]
        self.trusted_hosts = app.config.get("TRUSTED_HOSTS")

    def __call__(self, environ, start_response):
        if not self._may_serve(environ):
            return self.wsgi_app(environ, start_response)
        stats = self.app.extensions["page_cache"]
        cookies = parse_cookie(environ)
        if any(name in cookies for name in self.identity_cookies):
            return self.wsgi_app(environ, start_response)  # logged in, or a session to honour
        language = cookies.get(LANGUAGE_COOKIE)
        language = language if language in self.languages else self.default_language
        try:
            token = self._generation()
        except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error):
            return self.wsgi_app(environ, start_response)  # the database is down: Flask says so
        page_key, due_key = keys(token, language, *_address(environ))
        try:
            kept, due = self._backend().get_many(page_key, due_key)
        except _CACHE_ERRORS as error:
            _cache_failed(stats, error)
            return self.wsgi_app(environ, start_response)
        if kept is None or due is None or due <= utcnow().timestamp():
            environ[_LOOKED_UP] = (token, language, due)
            return self._render_and_keep(environ, start_response)
        stats["hits"] += 1
        status, headers, body = kept
        if _not_modified(environ, headers):
            start_response("304 Not Modified", [(n, v) for n, v in headers if n in _304_HEADERS])
            return [b""]
        start_response(status, [*headers, (STATUS_HEADER, "hit")])
        return [body]

    def _may_serve(self, environ) -> bool:
        if environ.get("REQUEST_METHOD") != "GET":
            return False
        extensions = self.app.extensions["page_cache"]
        if (
            self.app.config["PAGE_CACHE_TIMEOUT"] <= 0
            or time.monotonic() < extensions["down_until"]
        ):
            return False
        if self.trusted_hosts:  # a forged Host is answered 400 by Flask, never from here
            try:
                get_host(environ, self.trusted_hosts)
            except SecurityError:
                return False
        try:
            endpoint, _arguments = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:  # not found, or a redirect (a missing slash): Flask answers
            return False
        return endpoint in _pages

    def _backend(self):
        """Flask-Caching's backend for this app (what ``cache`` uses inside an app context)."""
        return self.app.extensions["cache"][cache]

    def _generation(self) -> str:
        if self.engine is None:
            with self.app.app_context():
                self.engine = db.engine
        return read_generation(self.engine)

    def _render_and_keep(self, environ, start_response):
        seen: dict = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, remember)
        planned = environ.get(_KEEP)
        if planned is None or not _final_answer_keepable(seen):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        page_key, due_key, due, timeout = planned
        stored = [(n, v) for n, v in seen["headers"] if n != STATUS_HEADER]
        try:
            self._backend().set_many(
                {page_key: (seen["status"], stored, data), due_key: due}, timeout
            )
        except _CACHE_ERRORS as error:
            _cache_failed(self.app.extensions["page_cache"], error)
        return [data]


_GENERATION_SQL = "SELECT token FROM page_generation WHERE id = 1"  # _ROW_ID
# What Flask puts in the WSGI environ for the layer: what it looked up, and what to keep.
_LOOKED_UP = "thinktank.page_cache.looked_up"
_KEEP = "thinktank.page_cache.keep"
_304_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Date", "Expires")


def read_generation(engine) -> str:
    """The current generation's token ("0" before the first write), read on a pooled driver
    connection: a quarter of the time of SQLAlchemy's Connection around the same query."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_GENERATION_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        connection.close()
    return (row[0] if row else None) or "0"


def _final_answer_keepable(seen: dict) -> bool:
    """The answer as it leaves the app: a 200 that sets no cookie and that no header marks
    as one visitor's own (``Cache-Control: private`` or ``no-store``)."""
    if not seen.get("status", "").startswith("200"):
        return False
    for name, value in seen["headers"]:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control" and ("private" in value or "no-store" in value):
            return False
    return True


def _not_modified(environ, headers) -> bool:
    """The kept page's validators match the request's (If-None-Match, If-Modified-Since)."""
    etag = next((value for name, value in headers if name == "ETag"), None)
    modified = next((value for name, value in headers if name == "Last-Modified"), None)
    if etag is None and modified is None:
        return False
    return not is_resource_modified(environ, etag=etag, last_modified=modified)


def _address(environ) -> tuple[str, str]:
    return environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")


def keys(token: str, language: str, path: str, query: str) -> tuple[str, str]:
    """The cache keys of a page (by generation, language, path and query) and of the
    generation's next due move."""
    digest = sha256(f"{path}?{query}".encode("latin-1", "replace")).hexdigest()[:32]
    return f"page:{token}:{language}:{digest}", f"page-due:{token}"


def _may_keep_request() -> bool:
    """An anonymous GET of a kept endpoint, with nothing in the visitor's session."""
    return (
        _LOOKED_UP in request.environ
        and request.endpoint in _pages
        and not session
        and not current_user.is_authenticated
    )


def _plan(environ) -> None:
    """Before the view: make the moves now due, if the generation's time for them came."""
    token, language, due = environ[_LOOKED_UP]
    if due is not None and due <= utcnow().timestamp() and _due_moves:
        with transaction():
            made = _due_moves[0]()
        if made:
            token = read_generation(db.engine)
    page_key, due_key = keys(token, language, *_address(request.environ))
    setattr(g, _REQUEST, (page_key, due_key, token, language))
    current_app.extensions["page_cache"]["misses"] += 1


def _before_view() -> None:
    if _may_keep_request():
        _plan(request.environ)


def _after_view(response: Response) -> Response:
    planned = g.pop(_REQUEST, None)
    if planned is None:
        return response
    response.headers[STATUS_HEADER] = "miss"
    if not _keepable(response):
        return response
    page_key, due_key, token, language = planned
    written = db.session.info.get(_WRITTEN)
    # The view wrote (e.g. closed a due vote) before it rendered: its page shows that
    # generation, if nothing else was written since.
    if written not in (None, token) and read_generation(db.engine) == written:
        page_key, due_key = keys(written, language, *_address(request.environ))
    # asked every time (not taken from the cache), so a page costs the same queries always
    next_due = _next_due[0]() if _next_due else None
    due = next_due.timestamp() if next_due is not None else _NEVER
    if due <= utcnow().timestamp():
        return response  # a move is due that this view does not make: show it fresh
    request.environ[_KEEP] = (page_key, due_key, due, current_app.config["PAGE_CACHE_TIMEOUT"])
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


def _cache_failed(stats: dict, error: Exception) -> None:
    log.warning(
        "Page cache unavailable (%s); pages are rendered without it for %d s",
        error,
        CACHE_RETRY_SECONDS,
    )
    stats["down_until"] = time.monotonic() + CACHE_RETRY_SECONDS
