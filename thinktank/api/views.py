"""The read-only JSON API at /api/v1, its OpenAPI document and the HTML reference at /api/."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from thinktank.api import arguments as a
from thinktank.api import conventions, exports, openapi, reading, serialise
from thinktank.api import schemas as s
from thinktank.api.conventions import latest, page_of, read_args, respond
from thinktank.audit.service import describe
from thinktank.cases.lifecycle import make_due_moves
from thinktank.cases.service import timeline_text
from thinktank.cases.vocabulary import (
    AiActRisk,
    AlgorithmRole,
    CaseState,
    Domain,
    TechnologyKind,
)
from thinktank.extensions import limiter
from thinktank.members.service import interests_of
from thinktank.models import local_today
from thinktank.recommendations import adoptions, experience, portal
from thinktank.recommendations.adoptions import MUNICIPALITIES
from thinktank.transaction import transaction

bp = Blueprint("api", __name__)
# one count per client address for the whole API (the app limiter's key function)
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api")(bp)
bp.after_request(conventions.public_headers)


def _due_moves() -> None:
    with transaction():  # as every list page: nothing shown in a state it has already left
        make_due_moves()


# --- recommendations ---------------------------------------------------------------------


@bp.get("/api/v1/recommendations")
def recommendations():
    args = read_args(a.RecommendationArgs)
    _due_moves()
    filters = {k: args.get(k) for k in ("domain", "technology", "role")}

    def serialise_page(versions):
        counts = adoptions.counts([v.recommendation_id for v in versions])
        return [
            serialise.recommendation_summary(v, counts.get(v.recommendation_id, 0))
            for v in versions
        ]

    body, headers = page_of(reading.recommendations(filters), args, serialise_page)
    changed = latest(*(item["last_published_at"] for item in body["items"]))
    return respond(s.RecommendationPageSchema(), body, changed, headers)


@bp.get("/api/v1/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id: int):
    version = reading.published_version(recommendation_id, None)
    item = version.recommendation
    versions = portal.versions(item.id)
    result = reading.frozen_results([item.case_id]).get(item.case_id)
    public = adoptions.public(item.id)
    reports = [r for r in experience.for_page(reading.ANONYMOUS, item.id) if not r.is_removed]
    body = serialise.recommendation_summary(version, len(public)) | {
        "body": version.body,
        "body_html": version.body_html,
        "withdrawn_at": item.withdrawn_at,
        "withdrawal_reason": item.withdrawal_reason,
        "superseded_by": item.superseded_by_id,
        "case": serialise.case_ref(item.case),
        "versions": [serialise.version_summary(v) for v in versions],
        "vote_result": serialise.vote_result(result.snapshot, result.frozen_at, item.case)
        if result
        else None,
        "minority_opinions": serialise.opinions_of(version, item.case),
        "cited_comments": serialise.cited_comments_of(version, item.case),
        "adoptions": [serialise.adoption_of(listed) for listed in public],
        "experience": [serialise.experience_of(report) for report in reports],
        "citation": serialise.citation_links(version),
        "licence": s.LICENCE,
    }
    changed = latest(
        item.last_published_at,
        item.withdrawn_at,
        *(a.adoption.decided_at for a in public),
        *(r.updated_at for r in reports),
    )
    return respond(s.RecommendationSchema(), body, changed)


@bp.get("/api/v1/recommendations/<int:recommendation_id>/versions/<int:number>")
def version(recommendation_id: int, number: int):
    found = reading.published_version(recommendation_id, number)
    current = number == found.recommendation.current_version
    return respond(s.VersionSchema(), serialise.version_detail(found, current), found.published_at)


# --- cases -------------------------------------------------------------------------------


@bp.get("/api/v1/cases")
def cases():
    args = read_args(a.CaseArgs)
    _due_moves()
    filters = {k: args.get(k) for k in ("state", "domain", "technology", "role")}
    body, headers = page_of(
        reading.public_cases(filters),
        args,
        lambda found: [serialise.case_summary(case) for case in found],
    )
    changed = latest(*(item["last_activity_at"] for item in body["items"]))
    return respond(s.CasePageSchema(), body, changed, headers)


@bp.get("/api/v1/cases/<int:case_id>")
def case(case_id: int):
    with transaction():
        make_due_moves(case_id)
    found = reading.public_case(case_id)
    result = reading.case_result(found)
    body = serialise.case_summary(found) | {
        name: getattr(found, name)
        for name in ("dilemma", "dilemma_html", "sensitive_data", "cross_sector_data")
        + ("data_sources", "affected", "benefits", "benefits_html", "risks", "risks_html")
        + ("legal_basis", "edited_at")
    }
    body |= {
        "personal_data": list(found.personal_data or []),
        "human_contact": found.human_contact.value,
        "dpia": found.dpia.value,
        "author": serialise.comment_author(found.author, found),
        "timeline": [
            {
                "action": step.action,
                "text": timeline_text(step),
                "from_state": step.from_state.value if step.from_state else None,
                "to_state": step.to_state.value,
                "at": step.created_at,
                "actor": serialise.comment_author(step.actor, found),
                "note": step.note,
            }
            for step in found.transitions
        ],
        "positions": [
            {
                "id": p.id,
                "title": p.title,
                "explanation": p.explanation,
                "explanation_html": p.explanation_html,
            }
            for p in reading.case_positions(found)
        ],
        "vote_result": serialise.vote_result(result.snapshot, result.frozen_at, found)
        if result
        else None,
        "discussion": serialise.comment_tree(reading.case_comments(found.id), found),
        "licence": s.LICENCE,
    }
    return respond(s.CaseSchema(), body, found.last_activity_at)


# --- members, log, vocabularies ----------------------------------------------------------


def _members(users):
    declared = interests_of(user.id for user in users)
    today = local_today()
    return [serialise.member(user, declared.get(user.id, []), today) for user in users]


@bp.get("/api/v1/members")
def members():
    args = read_args(a.PageArgs)
    body, headers = page_of(reading.members(), args, _members)
    return respond(s.MemberPageSchema(), body, None, headers)


@bp.get("/api/v1/members/<int:member_id>")
def member(member_id: int):
    user = reading.register_member(member_id)
    return respond(s.MemberSchema(), _members([user])[0])


def _event(event) -> dict:
    links = {"case": "cases.show", "recommendation": "recommendations.show"}
    ids = {"case": "case_id", "recommendation": "recommendation_id"}
    linked = event.subject_type in links and event.subject_id
    return {
        "id": event.id,
        "at": event.created_at,
        "action": event.action,
        "text": describe(event),
        "reason": str((event.data or {}).get("reason") or ""),
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "subject_url": serialise.absolute_url(
            links[event.subject_type], **{ids[event.subject_type]: event.subject_id}
        )
        if linked
        else None,
    }


@bp.get("/api/v1/log")
def log():
    args = read_args(a.PageArgs)
    body, headers = page_of(reading.public_log(), args, lambda events: [_event(e) for e in events])
    changed = latest(*(item["at"] for item in body["items"]))
    return respond(s.LogPageSchema(), body, changed, headers)


def _vocabulary(enum_class) -> list[dict[str, str]]:
    return [{"value": member.value, "label": str(member.label)} for member in enum_class]


@bp.get("/api/v1/vocabularies")
def vocabularies():
    body = {
        "domains": _vocabulary(Domain),
        "technology_kinds": _vocabulary(TechnologyKind),
        "algorithm_roles": _vocabulary(AlgorithmRole),
        "ai_act_classes": _vocabulary(AiActRisk),
        "case_states": [v for v in _vocabulary(CaseState) if v["value"] != "draft"],
        "municipalities": [
            {"code": code, "name": MUNICIPALITIES[code]} for code in sorted(MUNICIPALITIES)
        ],
        "licence": s.LICENCE,
    }
    return respond(s.VocabulariesSchema(), body)


# --- the description ---------------------------------------------------------------------


@bp.get("/api/v1/openapi.json")
def openapi_document():
    return respond_document()


def respond_document():
    response = current_app.json.response(openapi.document())
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/api/")
def reference():
    return render_template(
        "api/reference.html", spec=openapi.document(), type_text=openapi.type_text
    )


exports.register(bp)
