"""Safe redirects to a ``next`` address given by the client."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from thinktank.inputs import has_control_characters


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Any control character refuses it: a newline cannot go into the Location header, and
    browsers drop tabs and newlines from an address, which could turn it into another site's.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if has_control_characters(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def next_from_request() -> str | None:
    return safe_next(request.values.get("next"))
