"""HTTP caching: validators and 304s for answers that are the same for every visitor, private
answers for everyone else, and static files under addresses that change with their content.

An anonymous page holds nothing of the visitor's own (no CSRF token, no flash, no session), so
a browser or proxy may keep it and revalidate it with its ETag; a logged-in person's page, or
a form with its per-visitor CSRF token, is never stored anywhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session, url_for
from flask_login import current_user
from werkzeug.security import safe_join

#: A static file asked for under its content hash never changes at that address.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Pages a shared cache may keep, always asking the server again (a 304 costs no body).
SHARED = "no-cache"
PRIVATE = "private, no-store"
#: Answers that get validators: pages and the Atom feed (the API has its own, api/conventions).
PAGE_TYPES = {"text/html", "application/atom+xml"}
HASH_LENGTH = 12


def static_hash(filename: str) -> str | None:
    """The first characters of the SHA-256 of a static file, read once per app (and again
    on every request in debug mode, where the files are being edited); None if no such file."""
    hashes: dict[str, str] = current_app.extensions.setdefault("static_hashes", {})
    if filename in hashes and not current_app.debug:
        return hashes[filename]
    path = safe_join(current_app.static_folder, filename)
    if path is None or not Path(path).is_file():
        return None  # not remembered: the table only ever holds files that exist
    hashes[filename] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_LENGTH]
    return hashes[filename]


def static_url(filename: str) -> str:
    """The address of a static file with its content hash (``/static/css/site.css?v=…``):
    browsers keep it for a year, and a changed file gets a new address."""
    return url_for("static", filename=filename, v=static_hash(filename))


def is_personal() -> bool:
    """Whether this answer was made for one visitor: logged in, a CSRF token put in a form,
    or the session changed (a flash shown, a token stored)."""
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return current_user.is_authenticated or field_name in g or session.modified


def init_app(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url

    @app.after_request
    def set_cache_headers(response: Response) -> Response:
        if request.endpoint == "static":
            return _static_headers(response)
        if current_user.is_authenticated:
            # a page for a logged-in user holds their data: no browser or proxy may keep it
            # (the back button after logging out, a shared computer)
            response.headers["Cache-Control"] = PRIVATE
            response.vary.add("Cookie")
            return response
        if response.mimetype not in PAGE_TYPES:
            return response
        response.vary.add("Cookie")  # the language cookie chooses the text
        if is_personal():
            response.headers["Cache-Control"] = PRIVATE
            return response
        response.headers["Cache-Control"] = SHARED
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.is_streamed
        ):
            # Error pages keep their status: only a page that was found can be "not modified".
            response.add_etag()
            response.make_conditional(request)
        return response


def _static_headers(response: Response) -> Response:
    filename = (request.view_args or {}).get("filename", "")
    hashed = request.args.get("v")
    if hashed and response.status_code in (200, 304) and hashed == static_hash(filename):
        response.headers["Cache-Control"] = IMMUTABLE
    return response
