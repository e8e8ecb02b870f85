"""The API's HTTP conventions: query parameters, pages with Link headers, conditional
responses (ETag, Last-Modified, 304), caching and CORS for public data, problem+json."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError
from sqlalchemy import Select
from werkzeug.exceptions import HTTPException

from thinktank.api.schemas import LICENCE
from thinktank.extensions import db

#: Public data changes seldom and every response carries a validator: caches may keep it a
#: minute and must then revalidate (a cheap 304).
CACHE_CONTROL = "public, max-age=60, must-revalidate"


class BadParameters(HTTPException):
    """A query parameter the endpoint does not know or a value it does not accept."""

    code = 400

    def __init__(self, errors: dict[str, list[str]]):
        self.detail = _("A query parameter is not valid.")
        super().__init__(self.detail)
        self.errors = errors


def read_args(schema: type[Schema]) -> dict[str, Any]:
    """The query parameters as ``schema`` loads them; a 400 problem when they do not fit."""
    try:
        return schema().load(request.args.to_dict())
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"": error.messages}
        raise BadParameters(
            {
                name: [str(m) for m in (v if isinstance(v, list) else [v])]
                for name, v in messages.items()
            }
        ) from None


def _link(page: int, args: dict[str, Any]) -> str:
    values = {**(request.view_args or {}), **args, "page": page}
    return url_for(request.endpoint, _external=True, **values)


def page_of(statement: Select, args: dict[str, Any], serialise) -> tuple[dict, dict[str, str]]:
    """One page of ``statement`` as the list envelope, and its Link header."""
    pagination = db.paginate(
        statement, page=args["page"], per_page=args["per_page"], max_per_page=100, error_out=False
    )
    others = {k: v for k, v in args.items() if k != "page"}
    pages = max(pagination.pages, 1)
    next_url = _link(args["page"] + 1, others) if args["page"] < pagination.pages else None
    prev_url = _link(min(args["page"] - 1, pages), others) if args["page"] > 1 else None
    links = {"first": _link(1, others), "last": _link(pages, others)}
    if next_url:
        links["next"] = next_url
    if prev_url:
        links["prev"] = prev_url
    body = {
        "items": serialise(list(pagination.items)),
        "page": args["page"],
        "per_page": args["per_page"],
        "total": pagination.total or 0,
        "pages": pagination.pages,
        "next": next_url,
        "prev": prev_url,
        "licence": LICENCE,
    }
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return body, {"Link": header}


def respond(
    schema: Schema,
    data: Any,
    last_modified: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """``data`` dumped by ``schema`` as JSON, with a validator and 304 on a conditional GET."""
    response = current_app.json.response(schema.dump(data))
    response.headers.update(headers or {})
    response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
    return response.make_conditional(request)


def latest(*moments: datetime | None) -> datetime | None:
    found = [moment for moment in moments if moment is not None]
    return max(found) if found else None


def public_headers(response: Response) -> Response:
    """CORS for reading from any origin (no credentials), and caching for public data."""
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = (
        "ETag, Last-Modified, Link, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, "
        "X-RateLimit-Reset"
    )
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept"
        headers["Access-Control-Max-Age"] = "86400"
    elif response.status_code < 400:
        headers["Cache-Control"] = CACHE_CONTROL
    else:
        headers["Cache-Control"] = "no-store"
    headers["Vary"] = "Cookie"  # the labels follow the language cookie
    return response
