"""Optimistic concurrency for edit forms: two people editing the same text never silently
overwrite each other.

An edit form carries the edit version it was opened at (``EditVersionField``); the service
claims the next version with one conditional UPDATE (``claim_edit``), so of two saves
started from the same version exactly one goes through, even when they arrive at the same
moment. The other raises :class:`EditConflict` with the change it would have overwritten;
the view shows it above the form, with what was typed kept and the version moved on, so a
deliberate second save goes through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from wtforms import HiddenField
from wtforms.validators import ValidationError

from thinktank.diff import diff_html
from thinktank.errors import DomainError
from thinktank.extensions import db

#: Edit versions count saves of one text; anything longer than this is not one of ours.
MAX_VERSION_DIGITS = 9

UNREADABLE_VERSION = _l(
    "This form could not be matched with the saved text, so nothing was saved. "
    "Compare your text with the saved one, then save again."
)


@dataclass(frozen=True)
class Change:
    """One field the other person changed: its label and the difference as safe HTML."""

    label: object
    html: Markup


def text_changes(fields) -> list[Change]:
    """``Change``s from (label, before, after) triples, for the fields that differ."""
    return [
        Change(label, diff_html(before, after))
        for label, before, after in fields
        if before != after
    ]


class EditConflict(DomainError):
    """Someone else saved since the form was opened; ``changes`` show what they changed."""

    status = 409
    default_message = _l(
        "Someone else saved a change while you were editing, so your text has not been saved "
        "yet. Their change is shown below and your text is kept in the form: save again to "
        "replace their version with yours."
    )

    def __init__(self, current_version: int, changes: list[Change]):
        super().__init__()
        self.current_version = current_version
        self.changes = changes


class EditVersionField(HiddenField):
    """The edit version a form was opened at: a small whole number, or a form error.

    A post without the field, or with it empty (the same form creating a new text), is not
    checked; a browser editing a saved text always sends its version.
    """

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0] if valuelist and valuelist[0] != "" else None

    def pre_validate(self, form) -> None:
        if self.data is None:
            return
        value = str(self.data)
        if not value.isascii() or not value.isdigit() or len(value) > MAX_VERSION_DIGITS:
            self.data = None
            raise ValidationError(str(UNREADABLE_VERSION))
        self.data = int(value)

    def post_validate(self, form, validation_stopped) -> None:
        # hidden fields are left out of the error summary: say it above the form instead
        for message in self.errors:
            if message not in form.form_errors:
                form.form_errors.append(message)

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class EditVersionMixin:
    """For a form that edits a stored text: ``edit_version`` is the version it was opened at."""

    edit_version = EditVersionField()

    def expected_version(self) -> int | None:
        data = self.edit_version.data
        return data if isinstance(data, int) else None

    def opened_at(self, version: int) -> None:
        """Carry ``version`` (the stored one) in the form, as when it is first shown."""
        self.edit_version.data = version


def claim_edit(
    obj, column: str, expected: int | None, changes: Callable[[int], list[Change]]
) -> None:
    """Take the next edit version of ``obj`` if it is still at ``expected``, else raise
    :class:`EditConflict` with ``changes(expected)``: what was saved since then.

    Call it before changing ``obj``. ``expected=None`` (a post without a version) claims
    the next version unchecked.
    """
    table = type(obj).__table__
    counter = table.c[column]
    current = getattr(obj, column)
    if expected is None:
        expected = current
    if current == expected:
        with db.session.no_autoflush:  # the conditional UPDATE must run before any change
            claimed = db.session.execute(
                update(table)
                .where(table.c.id == obj.id, counter == expected)
                .values({column: counter + 1})
            )
        if claimed.rowcount == 1:
            set_committed_value(obj, column, expected + 1)
            return
    db.session.refresh(obj)  # someone saved a moment ago: show their change as it is now
    raise EditConflict(getattr(obj, column), changes(expected))
