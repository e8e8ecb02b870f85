"""Front page, public log, language choice and health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from thinktank.accounts import service as accounts
from thinktank.audit.service import describe, events_query
from thinktank.extensions import db
from thinktank.i18n import LANGUAGE_COOKIE
from thinktank.pagination import paginate
from thinktank.redirects import safe_next
from thinktank.transaction import transaction

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    from thinktank.cases.lifecycle import make_due_moves
    from thinktank.cases.service import under_discussion
    from thinktank.public.tasks import my_tasks
    from thinktank.recommendations.portal import latest

    with transaction():  # the front page shows each case's state as it is now
        make_due_moves()
    return render_template(
        "public/index.html",
        tasks=my_tasks(current_user),
        cases=under_discussion(current_user),
        recommendations=latest(3),
    )


@bp.get("/log")
def log():
    page = paginate(events_query(public_only=True))
    return render_template("public/log.html", page=page, describe=describe)


@bp.get("/language/<language>")
def set_language(language: str):
    """Remember the chosen language in a cookie (and on the account) and go back.

    A plain link, not a form: the pages a visitor only reads carry no CSRF token and set no
    cookie, and a forged switch of language harms no one.
    """
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    target = safe_next(request.args.get("next")) or url_for("public.index")
    response = make_response(redirect(target))
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    if current_user.is_authenticated:
        with transaction():
            accounts.set_locale(current_user, language)
    return response


@bp.get("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
