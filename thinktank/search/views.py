"""The search page and the OpenSearch description browsers add the site's search from."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from thinktank.cases.lifecycle import make_due_moves
from thinktank.inputs import without_control_characters
from thinktank.search import service
from thinktank.search.models import Kind, SearchDocument
from thinktank.text import slugify
from thinktank.transaction import transaction

bp = Blueprint("search", __name__)


@bp.app_template_global("search_result_url")
def result_url(document: SearchDocument) -> str:
    """The page a result opens: the thing itself (a comment in its thread)."""
    slug = slugify(document.title) or None
    if document.kind == Kind.RECOMMENDATION:
        return url_for("recommendations.show", recommendation_id=document.object_id, slug=slug)
    if document.kind == Kind.CASE:
        return url_for("cases.show", case_id=document.object_id, slug=slug)
    if document.kind == Kind.COMMENT:
        return url_for("discussion.show", comment_id=document.object_id)
    return url_for("members.show", member_id=document.object_id, slug=slug)


@bp.get("/search")
def index():
    with transaction():  # as every list: nothing found in a state it has already left
        make_due_moves()
    query = without_control_characters(request.args.get("q", ""))[:1000]
    filters = service.read_filters(request.args)
    results = service.search(current_user, query, filters)
    return render_template(
        "search/index.html", q=query, results=results, vocabularies=service.FILTERS
    )


@bp.get("/opensearch.xml")
def opensearch():
    base = current_app.config["BASE_URL"] + request.script_root
    body = render_template("search/opensearch.xml", base=base)
    return current_app.response_class(body, mimetype="application/opensearchdescription+xml")
