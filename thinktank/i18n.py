"""Language choice: Danish by default, English when chosen (remembered in a cookie and on the account)."""

from __future__ import annotations

from babel.numbers import parse_pattern
from flask import current_app, request
from flask_babel import format_number, get_locale
from flask_login import current_user

LANGUAGE_COOKIE = "thinktank_lang"


def N_(message: str) -> str:
    """Mark a string for extraction where it must stay a plain str (translated later)."""
    return message


class Number:
    """A number that writes itself in the reader's language when shown ("20.000" in
    Danish, "20,000" in English): for messages built before the request, e.g. validators."""

    __slots__ = ("value",)

    def __init__(self, value: int | float) -> None:
        self.value = value

    def __str__(self) -> str:
        return format_number(self.value)


def percent_text(share: float) -> str:
    """A share as a percentage with at most one decimal, in the reader's language:
    0.4286 -> '42,9 %' in Danish, '42.9%' in English."""
    locale = get_locale()
    pattern = parse_pattern(locale.percent_formats[None].pattern)
    pattern.frac_prec = (0, 1)
    return pattern.apply(share, locale)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request:
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        chosen = request.cookies.get(LANGUAGE_COOKIE)
        if chosen in languages:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
