"""The required pages (/about, /privacy, /accessibility, /cookies) and their editor."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from thinktank.errors import ValidationFailed
from thinktank.forms import attach_error
from thinktank.permissions import permission_required
from thinktank.sitepages import service
from thinktank.sitepages.cookies import site_cookies
from thinktank.sitepages.forms import SitePageForm
from thinktank.transaction import transaction

bp = Blueprint("sitepages", __name__)


def _show(slug: str, **extra):
    page = service.current(slug, str(get_locale()))
    return render_template(f"sitepages/{slug}.html", page=page, slug=slug, **extra)


@bp.get("/about")
def about():
    return _show("about")


@bp.get("/privacy")
def privacy():
    config = current_app.config
    controller = {
        "name": config["DATA_CONTROLLER_NAME"],
        "address": config["DATA_CONTROLLER_ADDRESS"],
        "email": config["DATA_CONTROLLER_EMAIL"],
        "dpo": config["DPO_CONTACT"],
    }
    return _show("privacy", controller=controller)


@bp.get("/accessibility")
def accessibility():
    return _show("accessibility")


@bp.get("/cookies")
def cookies():
    return _show("cookies", cookies=site_cookies())


@bp.get("/site-pages/")
@permission_required("edit_site_pages")
def index():
    pages = [
        (slug, {locale: service.current(slug, locale) for locale in service.LOCALES})
        for slug in service.SLUGS
    ]
    return render_template("sitepages/list.html", pages=pages)


@bp.route("/site-pages/<slug>/<lang>", methods=["GET", "POST"])
@permission_required("edit_site_pages")
def edit(slug: str, lang: str):
    service.check_slug(slug)
    if lang not in service.LOCALES:
        return redirect(url_for("sitepages.edit", slug=slug, lang="da"))
    shown = service.current(slug, lang)
    form = SitePageForm(data={"title": shown.title, "body": shown.body})
    if form.validate_on_submit():
        try:
            with transaction():
                service.save(
                    current_user,
                    slug,
                    lang,
                    title=form.title.data,
                    body=form.body.data,
                    note=form.note.data or "",
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The page has been saved as a new version."), "success")
            return redirect(url_for("sitepages.edit", slug=slug, lang=lang))
    return render_template(
        "sitepages/edit.html",
        form=form,
        slug=slug,
        lang=lang,
        shown=shown,
        versions=service.versions(slug, lang),
    )


@bp.get("/site-pages/<slug>/<lang>/v<int:number>")
@permission_required("edit_site_pages")
def version(slug: str, lang: str, number: int):
    if lang not in service.LOCALES:
        return redirect(url_for("sitepages.index"))
    return render_template(
        "sitepages/version.html", page=service.version(slug, lang, number), slug=slug, lang=lang
    )
