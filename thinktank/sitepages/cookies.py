"""The cookies the site sets: the one list the cookie page shows (a test compares it with
what the app really sets)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from thinktank.i18n import LANGUAGE_COOKIE


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: object
    lifetime: object


def site_cookies() -> list[Cookie]:
    """Every cookie the site can set, by its configured name."""
    config = current_app.config
    remember_days = config["REMEMBER_COOKIE_DURATION"].days
    return [
        Cookie(
            config.get("SESSION_COOKIE_NAME") or "session",
            _l(
                "Keeps you logged in while you use the site, and holds the security token "
                "(CSRF) that protects every form against forged requests."
            ),
            _l("Until you close the browser"),
        ),
        Cookie(
            config.get("REMEMBER_COOKIE_NAME") or "remember_token",
            _l(
                'Set only when you tick "Remember me on this device" at login: keeps you '
                "logged in on this device. Logging out removes it."
            ),
            _l("%(days)d days", days=remember_days),
        ),
        Cookie(
            LANGUAGE_COOKIE,
            _l("Remembers the language you chose (Danish or English)."),
            _l("1 year"),
        ),
    ]
