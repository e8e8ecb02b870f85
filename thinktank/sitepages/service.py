"""Site pages: the shown text (newest version in the reader's language, else Danish, else the
shipped default), saving a new version, and installing the shipped defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from thinktank.audit.service import record
from thinktank.errors import NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION, render_markdown
from thinktank.permissions import require
from thinktank.sitepages.models import SitePageVersion

#: The pages, in the order the footer and the editor list them.
SLUGS = ("about", "privacy", "accessibility", "cookies")
LOCALES = ("da", "en")
FALLBACK_LOCALE = "da"
DEFAULTS_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "site_pages"

AUDIT_ACTIONS = {"site_page_saved": _l("A site page was edited")}


@dataclass(frozen=True)
class Default:
    title: str
    body: str


@cache
def shipped_defaults() -> dict[tuple[str, str], Default]:
    """The default texts shipped in ``thinktank/data/site_pages/<slug>.yaml``, by (slug, locale)."""
    found = {}
    for slug in SLUGS:
        data = yaml.safe_load((DEFAULTS_DIRECTORY / f"{slug}.yaml").read_text(encoding="utf-8"))
        for locale in LOCALES:
            found[(slug, locale)] = Default(data[locale]["title"], data[locale]["body"])
    return found


@cache
def _rendered_default(slug: str, locale: str) -> SitePageVersion:
    # an unsaved stand-in: a fresh database shows the shipped text, rendered once per process
    default = shipped_defaults()[(slug, locale)]
    return SitePageVersion(
        slug=slug,
        locale=locale,
        number=0,
        title=default.title,
        body=default.body,
        body_html=cook(default.body),
    )


def cook(body: str) -> str:
    """The page's HTML from its Markdown, through the one sanitiser. The sanitiser starts
    headings at h3 (they sit under a page's sections); on a site page they sit right under
    its h1, so each level moves up one: only tag names change, after sanitising."""
    html = str(render_markdown(body))
    for level in range(3, 7):
        html = re.sub(rf"<(/?)h{level}([ >])", rf"<\1h{level - 1}\2", html)
    return html


def check_slug(slug: str) -> str:
    if slug not in SLUGS:
        raise NotFound()
    return slug


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ValidationFailed(_("Choose Danish or English."), field="locale")
    return locale


def _newest(slug: str, locale: str) -> SitePageVersion | None:
    return db.session.scalar(
        select(SitePageVersion)
        .where(SitePageVersion.slug == slug, SitePageVersion.locale == locale)
        .order_by(SitePageVersion.number.desc())
        .limit(1)
    )


def current(slug: str, locale: str) -> SitePageVersion:
    """The text to show: the newest saved version in ``locale``, else in Danish, else the
    shipped default."""
    check_slug(slug)
    for candidate in dict.fromkeys((locale, FALLBACK_LOCALE)):
        if candidate in LOCALES:
            found = _newest(slug, candidate)
            if found is not None:
                return found
    return _rendered_default(slug, locale if locale in LOCALES else FALLBACK_LOCALE)


def versions(slug: str, locale: str) -> list[SitePageVersion]:
    """Every saved version of a page in one language, newest first, with their authors."""
    check_slug(slug)
    return list(
        db.session.scalars(
            select(SitePageVersion)
            .where(SitePageVersion.slug == slug, SitePageVersion.locale == locale)
            .options(joinedload(SitePageVersion.author))
            .order_by(SitePageVersion.number.desc())
        )
    )


def version(slug: str, locale: str, number: int) -> SitePageVersion:
    check_slug(slug)
    found = db.session.scalar(
        select(SitePageVersion)
        .where(
            SitePageVersion.slug == slug,
            SitePageVersion.locale == locale,
            SitePageVersion.number == number,
        )
        .options(joinedload(SitePageVersion.author))
    )
    if found is None:
        raise NotFound()
    return found


def save(
    actor, slug: str, locale: str, *, title: str, body: str, note: str = ""
) -> SitePageVersion:
    """Save a new version of a page in one language (the earlier ones stay readable)."""
    require("edit_site_pages", user=actor)
    check_slug(slug)
    check_locale(locale)
    title, body = title.strip(), body.strip()
    if not title:
        raise ValidationFailed(_("Give the page a title."), field="title")
    if not body:
        raise ValidationFailed(_("Write the page's text."), field="body")
    page = _add(slug, locale, title, body, note.strip(), actor)
    record(
        "site_page_saved", actor=actor, subject=page, page=slug, locale=locale, number=page.number
    )
    return page


def _add(slug, locale, title, body, note, actor) -> SitePageVersion:
    number = (
        db.session.scalar(
            select(func.max(SitePageVersion.number)).where(
                SitePageVersion.slug == slug, SitePageVersion.locale == locale
            )
        )
        or 0
    ) + 1
    page = SitePageVersion(
        slug=slug,
        locale=locale,
        number=number,
        title=title,
        body=body,
        body_html=cook(body),
        markup_version=MARKUP_VERSION,
        note=note,
        author_id=getattr(actor, "id", None),
    )
    db.session.add(page)
    db.session.flush()
    return page


def install_defaults() -> int:
    """Store the shipped texts as version 1 of every page and language that has none yet."""
    have = set(
        db.session.execute(select(SitePageVersion.slug, SitePageVersion.locale).distinct()).all()
    )
    added = 0
    for (slug, locale), default in shipped_defaults().items():
        if (slug, locale) not in have:
            _add(slug, locale, default.title, default.body, "", None)
            added += 1
    return added


def rerender_markdown() -> int:
    """Re-render the pages' HTML cooked by an older sanitiser; returns how many versions."""
    stale = db.session.scalars(
        select(SitePageVersion).where(SitePageVersion.markup_version != MARKUP_VERSION)
    ).all()
    for page in stale:
        page.body_html = cook(page.body)
        page.markup_version = MARKUP_VERSION
    return len(stale)
