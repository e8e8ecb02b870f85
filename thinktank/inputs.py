"""Bounds on what a client sends: numbers the database can hold, text without control characters."""

from __future__ import annotations

import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

#: The largest whole number both SQLite and PostgreSQL accept in an INTEGER column; a
#: larger id or page number cannot exist, and sent to the database it is an error (a 500).
MAX_INT = 2**31 - 1

_DIGITS = re.compile(r"[0-9]{1,10}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# C0 controls and DEL, except tab, newline and carriage return, which text may hold.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BoundedIntConverter(IntegerConverter):
    """Flask's ``int`` URL converter with an upper bound: ``/cases/99999999999`` is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def bounded_int(value) -> int:
    """``value`` as a whole number from 0 to :data:`MAX_INT`; ValueError otherwise.

    Fits as ``type=`` of ``request.args.get`` (a bad value gives the default) and as a
    WTForms ``coerce`` (a bad value gives a form error).
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise ValueError(value)
    if not 0 <= number <= MAX_INT:
        raise ValueError(value)
    return number


def int_arg(name: str, default: int) -> int:
    """The query argument ``name`` as a whole number: ``default`` when it is missing or not a
    number, a 404 when it is a number no row or page can have."""
    number = request.args.get(name, default, type=int)
    if abs(number) > MAX_INT:
        abort(404)
    return number


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds any control character (tab, newline and the C1 range included)."""
    return _CONTROL.search(text) is not None


def without_control_characters(value):
    """Input filter: control characters (NUL, ESC…) are never meant, and PostgreSQL refuses
    NUL in text; tab, newline and carriage return stay."""
    return _CONTROL_IN_TEXT.sub("", value) if isinstance(value, str) else value
