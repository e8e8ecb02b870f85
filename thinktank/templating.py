"""Jinja filters and globals: dates in the reader's language, the permission check."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_number, format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from thinktank.inputs import bounded_int
from thinktank.models import local_today
from thinktank.permissions import can


def datetime_text(value: datetime | None) -> str:
    """'24. november 2026 kl. 11.55' in Danish, 'November 24, 2026 at 11:55 AM' in English
    (Copenhagen time): one way of writing a moment on every page."""
    if value is None:
        return ""
    return _(
        "%(date)s at %(time)s", date=format_date(value, "long"), time=format_time(value, "short")
    )


def date_text(value: date | datetime | None) -> str:
    """'24. november 2026' in Danish, 'November 24, 2026' in English."""
    return format_date(value, "long") if value is not None else ""


def iso(value: date | datetime | None) -> str:
    """A valid HTML ``datetime`` attribute: UTC to the second ('2026-11-24T10:55:00Z'), or a date.

    HTML allows at most three digits of fractional seconds, so ``isoformat()``'s microseconds
    would make every ``<time>`` element invalid.
    """
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:  # stored timestamps are UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cooked(html: str | None) -> Markup:
    """Mark HTML stored by :func:`thinktank.markup.render_markdown` as safe.

    The only way stored user text reaches a page unescaped: the column holds the
    sanitiser's output, never raw input.
    """
    return Markup(html or "")  # noqa: S704


def page_url(number: int) -> str:
    """The current address with ``page`` set to ``number``, keeping every other query argument."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def canonical_url() -> str:
    """This page's address on the configured site (BASE_URL), keeping only the page number."""
    page = request.args.get("page", type=bounded_int)
    query = f"?page={page}" if page and page > 1 else ""
    return f"{current_app.config['BASE_URL']}{request.script_root}{request.path}{query}"


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        datetime=datetime_text, date=date_text, iso=iso, cooked=cooked, number=format_number
    )
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["canonical_url"] = canonical_url
    app.jinja_env.globals["local_today"] = local_today
    # A global (not a context variable), so imported macros can check permissions too.
    app.jinja_env.globals["can"] = lambda action, obj=None: can(current_user, action, obj)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def globals_for_templates():
        return {
            "current_locale": str(get_locale()),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
