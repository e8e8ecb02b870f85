"""Language choice: Danish by default, English when chosen (remembered in a cookie and on the account)."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

LANGUAGE_COOKIE = "thinktank_lang"


def N_(message: str) -> str:
    """Mark a string for extraction where it must stay a plain str (translated later)."""
    return message


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request:
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        chosen = request.cookies.get(LANGUAGE_COOKIE)
        if chosen in languages:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
