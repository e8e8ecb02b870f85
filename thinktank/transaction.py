"""The unit of work: ``with transaction(): service.do(...)`` commits once at the end of the
block and rolls everything back on any error, so an action that fails half-way leaves
nothing behind.

Services only change the session (add, change, flush) and never commit; the view, the CLI
command or the demo loader around them opens the one transaction. Nested blocks join the
outer one: only the outermost commits, and an error anywhere rolls back the whole of it.

A request that flushed writes outside any ``transaction()`` has them rolled back when the
request ends (Flask-SQLAlchemy removes the session); in testing that is an error, so a
forgotten ``transaction()`` fails a test instead of silently losing the write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from thinktank.extensions import db

log = logging.getLogger(__name__)

_DEPTH = "thinktank.transaction_depth"
_UNCOMMITTED = "thinktank.uncommitted_writes"


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit the block's changes together at its end; roll them all back on any error."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def in_transaction() -> bool:
    """True inside a ``transaction()`` block."""
    return db.session().info.get(_DEPTH, 0) > 0


class UncommittedWrites(RuntimeError):
    """A request flushed writes that no ``transaction()`` committed (raised in testing)."""


def _flushed(session, _context) -> None:
    session.info[_UNCOMMITTED] = True


def _ended(session, *_args) -> None:
    session.info.pop(_UNCOMMITTED, None)


def init_app(app: Flask) -> None:
    """Watch for writes that would be lost: flushed, or changed, but never committed."""
    for name, listener in (
        ("after_flush", _flushed),
        ("after_commit", _ended),
        ("after_soft_rollback", _ended),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)

    @app.teardown_request
    def _check_uncommitted(error) -> None:
        if in_transaction():
            # A request context pushed inside a transaction() block (the demo loader's, for
            # url_for, inside the CLI's): the block, not this context, ends the unit of work.
            return
        session = db.session()
        lost = session.info.pop(_UNCOMMITTED, False) or bool(
            session.new or session.dirty or session.deleted
        )
        session.info.pop(_DEPTH, None)
        if not lost or error is not None:
            return
        session.rollback()
        message = "a request changed the database outside transaction(): the change was lost"
        if app.testing:
            raise UncommittedWrites(message)
        log.error(message)
