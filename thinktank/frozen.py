"""Frozen records: written once, never changed or deleted.

A vote's tally (``VoteResult``) is frozen when voting closes, and a recommendation version
(``RecommendationVersion``) when it is published (a version row exists only once published;
the draft is the recommendation's working copy). Both are what members and readers were
shown, so the model refuses to change them: a flush that would update or delete such a row
raises :class:`FrozenRecordChanged`, before any SQL is sent, and so does an ORM bulk
``update()``/``delete()`` of the model. Adding new rows is unaffected.

Exactly two paths may write to frozen rows, each naming the columns it writes, inside
:func:`rewriting`:

- ``flask rerender-markdown`` re-renders the HTML in them (a version's ``body_html`` and
  the opinions and quotes in it, the reasons in a tally's snapshot) from the Markdown kept
  beside it, after the sanitiser's rules changed, and records the rules' version;
- the demo loader dates the rows its story adds (a version's ``published_at``, a tally's
  ``frozen_at`` and the time in its snapshot).

Raw SQL is beyond this guard (a database trigger would be the next layer).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, QueryableAttribute, Session

from thinktank.errors import InvalidTransition
from thinktank.extensions import db

_ALLOWED = "thinktank.frozen_rewritable"


class Frozen:
    """Mixin for a model whose rows are frozen once written (see the module docstring)."""


class FrozenRecordChanged(InvalidTransition):
    default_message = _l("This record was frozen when it was published and cannot be changed.")


@contextmanager
def rewriting(*columns: QueryableAttribute) -> Iterator[None]:
    """Let exactly ``columns`` of frozen rows change inside the block (never a delete); the
    block's changes are flushed at its end, while they are still allowed."""
    session = db.session()
    before = session.info.get(_ALLOWED, frozenset())
    session.info[_ALLOWED] = before | {(column.class_, column.key) for column in columns}
    try:
        yield
        session.flush()
    finally:
        session.info[_ALLOWED] = before


def _allowed(session: Session) -> frozenset:
    return session.info.get(_ALLOWED, frozenset())


def _changed_columns(row: Frozen) -> set[str]:
    return {attribute.key for attribute in inspect(row).attrs if attribute.history.has_changes()}


def _refuse_changes(session: Session, _context, _instances) -> None:
    if any(isinstance(row, Frozen) for row in session.deleted):
        raise FrozenRecordChanged()
    allowed = _allowed(session)
    for row in session.dirty:
        if isinstance(row, Frozen) and any(
            (type(row), key) not in allowed for key in _changed_columns(row)
        ):
            raise FrozenRecordChanged()


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    # A bulk UPDATE is not checked column by column: a block naming any column of the
    # model allows it (the demo dates rows that way).
    allowed_models = {model for model, _key in _allowed(state.session)}
    for mapper in state.all_mappers:
        if issubclass(mapper.class_, Frozen) and (
            state.is_delete or mapper.class_ not in allowed_models
        ):
            raise FrozenRecordChanged()


def init_app(_app: Flask) -> None:
    """Guard every session: frozen rows are refused at flush and in bulk statements."""
    for name, listener in (
        ("before_flush", _refuse_changes),
        ("do_orm_execute", _refuse_bulk_changes),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
