"""One way to paginate a query: ``paginate(select(...))`` reads ?page= from the request."""

from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from thinktank.extensions import db
from thinktank.inputs import int_arg


def paginate(statement: Select, per_page: int | None = None) -> Pagination:
    """A page of results; a page number past the end gives an empty page, not a 404, but a
    number no page can have (beyond what the database counts) is a 404."""
    return db.paginate(
        statement,
        page=int_arg("page", 1),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
