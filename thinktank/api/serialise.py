"""Models and frozen records as the API's plain values (shaped by ``schemas.py``).

How a person is named lives in one function per kind of record (``comment_author``,
``frozen_person``, ``member``); each takes the case the contribution belongs to, and in a
Chatham House case names only the sector (the API answers as an anonymous reader does).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for

from thinktank import lix
from thinktank.accounts.models import User, format_affiliation
from thinktank.accounts.roles import Sector
from thinktank.api.reading import ANONYMOUS
from thinktank.api.schemas import LICENCE
from thinktank.cases.chatham import hides_contributors, sector_label, without_mentions
from thinktank.cases.models import Case
from thinktank.discussion.models import Comment
from thinktank.members.models import Interest, InterestKind
from thinktank.permissions import can
from thinktank.recommendations.adoptions import MUNICIPALITIES
from thinktank.recommendations.models import Recommendation, RecommendationVersion, Status
from thinktank.text import slugify
from thinktank.voting.anonymous import shown_snapshot


def absolute_url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


# --- people ------------------------------------------------------------------------------


def _live_person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    linked = can(ANONYMOUS, "link_to_member", user)
    return {
        "id": user.id,
        "name": user.display_name,
        "affiliation": user.affiliation,
        "url": member_url(user) if linked else None,
        "api_url": absolute_url("api.member", member_id=user.id) if linked else None,
    }


def member_url(user: User) -> str:
    return absolute_url("members.show", member_id=user.id, slug=slugify(user.display_name) or None)


def hidden(case: Case | None) -> bool:
    """Whether contributions to ``case`` are shown without names (Chatham House)."""
    return hides_contributors(case, ANONYMOUS)


def _by_sector(person: Any) -> dict[str, Any]:
    return {
        "id": None,
        "name": sector_label(person),
        "affiliation": "",
        "url": None,
        "api_url": None,
    }


def comment_author(user: User | None, case: Case | None = None) -> dict[str, Any] | None:
    """The author of a live comment, or of a step in a case's timeline."""
    if hidden(case):
        return _by_sector(user)
    return _live_person(user)


def frozen_person(record: dict[str, Any], case: Case | None = None) -> dict[str, Any]:
    """A voter, opinion author, co-signer or cited author as a frozen record keeps them."""
    if hidden(case):
        return _by_sector(record)
    sector = record.get("sector")
    affiliation = record.get("affiliation")
    if affiliation is None:
        sector = Sector(sector) if sector in Sector._value2member_map_ else None
        affiliation = format_affiliation(record.get("organisation") or "", sector)
    return {
        "id": record.get("voter_id", record.get("author_id", record.get("id"))),
        "name": record.get("name") or record.get("author") or "",
        "affiliation": affiliation or "",
        "url": None,
        "api_url": None,
    }


def member(user: User, interests: list[Interest], today: date) -> dict[str, Any]:
    """A person in the member register, with every interest they declared."""
    return {
        "id": user.id,
        "name": user.display_name,
        "organisation": user.organisation,
        "sector": user.sector.value if user.sector else None,
        "affiliation": user.affiliation,
        "role": user.role.value,
        "interests": [interest_of(i) | {"current": i.is_current(today)} for i in interests],
        "url": member_url(user),
        "api_url": absolute_url("api.member", member_id=user.id),
    }


def interest_of(interest: Interest) -> dict[str, Any]:
    return {
        "kind": interest.kind.value,
        "kind_label": str(interest.kind.label),
        "organisation": interest.organisation,
        "description": interest.description,
        "starts_on": interest.starts_on,
        "ends_on": interest.ends_on,
        "declared_at": interest.declared_at,
    }


def _frozen_interest(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("kind") or ""
    known = kind in InterestKind._value2member_map_
    return {
        "kind": kind,
        "kind_label": str(InterestKind(kind).label) if known else kind,
        "organisation": item.get("organisation") or "",
        "description": item.get("description") or "",
        "starts_on": date.fromisoformat(item["starts_on"]) if item.get("starts_on") else None,
        "ends_on": date.fromisoformat(item["ends_on"]) if item.get("ends_on") else None,
        "declared_at": item.get("declared_at"),
    }


# --- votes -------------------------------------------------------------------------------


def vote_result(
    snapshot: dict[str, Any] | None, frozen_at, case: Case | None = None
) -> dict[str, Any] | None:
    """A frozen tally (never a running one: ballots stay hidden until voting closes)."""
    if snapshot is None:
        return None
    snapshot = shown_snapshot(snapshot, case, ANONYMOUS)
    return {
        **{key: snapshot.get(key) for key in ("participants", "eligible", "ballots", "turnout")},
        **{key: snapshot.get(key) for key in ("abstentions", "abstention_share", "recusals")},
        "frozen_at": frozen_at,
        "uncounted": snapshot.get("uncounted", 0),
        "positions": snapshot["positions"],
        "votes": [
            {
                "voter": frozen_person(vote, case),
                "sector": vote.get("sector"),
                "choice": vote["choice"],
                "position_id": vote.get("position_id"),
                "reason": vote.get("reason"),
                "reason_html": vote.get("reason_html") or "",
                "interests": [_frozen_interest(i) for i in vote.get("interests", [])],
            }
            for vote in snapshot["votes"]
        ],
    }


# --- recommendations ---------------------------------------------------------------------


def recommendation_page(recommendation: Recommendation) -> str:
    return absolute_url(
        "recommendations.show",
        recommendation_id=recommendation.id,
        slug=slugify(recommendation.title),
    )


def citation_links(version: RecommendationVersion) -> dict[str, str]:
    values = {"recommendation_id": version.recommendation_id, "number": version.number}
    return {
        "bibtex": absolute_url("recommendations.cite", fmt="bib", **values),
        "ris": absolute_url("recommendations.cite", fmt="ris", **values),
        "csl_json": absolute_url("recommendations.cite", fmt="json", **values),
    }


def recommendation_summary(version: RecommendationVersion, adoption_count: int) -> dict:
    """A published recommendation as listed: its latest version's words."""
    recommendation = version.recommendation
    return {
        "id": recommendation.id,
        "title": version.title,
        "summary": version.summary,
        "status": "withdrawn" if recommendation.status == Status.WITHDRAWN else "published",
        "domain": recommendation.domain.value,
        "technology": recommendation.technology.value,
        "algorithm_role": recommendation.algorithm_role.value,
        "current_version": recommendation.current_version,
        "first_published_at": recommendation.first_published_at,
        "last_published_at": recommendation.last_published_at,
        "review_by": recommendation.review_by,
        "adoption_count": adoption_count,
        "url": recommendation_page(recommendation),
        "api_url": absolute_url("api.recommendation", recommendation_id=recommendation.id),
    }


def version_summary(version: RecommendationVersion) -> dict[str, Any]:
    values = {"recommendation_id": version.recommendation_id, "number": version.number}
    return {
        "number": version.number,
        "title": version.title,
        "published_at": version.published_at,
        "change_note": version.change_note,
        "url": absolute_url("recommendations.show_version", **values),
        "api_url": absolute_url("api.version", **values),
    }


def opinions_of(version: RecommendationVersion, case: Case | None = None) -> list[dict[str, Any]]:
    anonymous = hidden(case)
    return [
        {
            "author": frozen_person(opinion, case),
            "body": without_mentions(opinion.get("body"), anonymous),
            "body_html": without_mentions(opinion.get("body_html") or "", anonymous),
            "signers": [frozen_person(signer, case) for signer in opinion.get("signers", [])],
        }
        for opinion in version.minority_opinions
    ]


def cited_comments_of(version: RecommendationVersion, case: Case) -> list[dict[str, Any]]:
    """The quotes a version rests on; a link to the discussion only where it is public."""
    anonymous = hidden(case)
    return [
        {
            "comment_id": quote.get("comment_id"),
            "author": frozen_person(quote, case),
            "quote": without_mentions(quote.get("quote"), anonymous),
            "quote_html": without_mentions(quote.get("quote_html") or "", anonymous),
            "url": absolute_url("discussion.show", comment_id=quote["comment_id"])
            if case.is_public and quote.get("comment_id")
            else None,
        }
        for quote in version.citations
        if quote.get("kind") != "condition_group"  # a group of the vote's conditions
    ]


def version_detail(version: RecommendationVersion, current: bool) -> dict[str, Any]:
    case = version.recommendation.case
    return version_summary(version) | {
        "recommendation_id": version.recommendation_id,
        "summary": version.summary,
        "body": version.body,
        "body_html": version.body_html,
        "easy_read": version.easy_read or None,
        "easy_read_html": version.easy_read_html or None,
        "easy_read_lix": lix.readability_of_html(version.easy_read_html).value,
        "current": current,
        "minority_opinions": opinions_of(version, case),
        "cited_comments": cited_comments_of(version, case),
        "citation": citation_links(version),
        "licence": LICENCE,
    }


def adoption_of(listed) -> dict[str, Any]:
    adoption = listed.adoption
    return {
        "municipality_code": adoption.municipality,
        "municipality": MUNICIPALITIES.get(adoption.municipality, adoption.municipality),
        "verified_at": adoption.decided_at or adoption.created_at,
    }


def experience_of(report) -> dict[str, Any]:
    return {
        "municipality_code": report.municipality,
        "municipality": MUNICIPALITIES.get(report.municipality, report.municipality),
        "version": report.version,
        "reported_at": report.created_at,
        "updated_at": report.updated_at,
        "done": report.done,
        "done_html": report.done_html,
        "worked": report.worked,
        "worked_html": report.worked_html,
        "failed": report.failed,
        "failed_html": report.failed_html,
        "recommends": report.recommends.value,
    }


# --- cases -------------------------------------------------------------------------------


def case_page(case: Case) -> str:
    return absolute_url("cases.show", case_id=case.id, slug=case.slug)


def case_ref(case: Case) -> dict[str, Any] | None:
    if not case.is_public:
        return None
    return {
        "id": case.id,
        "title": case.title,
        "url": case_page(case),
        "api_url": absolute_url("api.case", case_id=case.id),
    }


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "summary": case.summary,
        "state": case.state.value,
        "domain": case.domain.value,
        "technology": case.technology.value,
        "algorithm_role": case.algorithm_role.value,
        "ai_act_risk": case.ai_act_risk.value,
        "tags": [tag.name for tag in case.tags],
        "created_at": case.created_at,
        "last_activity_at": case.last_activity_at,
        "url": case_page(case),
        "api_url": absolute_url("api.case", case_id=case.id),
    }


def comment_tree(comments: list[Comment], case: Case | None = None) -> list[dict[str, Any]]:
    """The public discussion as a tree, oldest first; removed comments keep their place only."""
    ordered = sorted(comments, key=lambda c: (c.created_at, c.id))
    nodes = {comment.id: _comment(comment, case) for comment in ordered}
    roots = []
    for comment in ordered:
        parent = nodes.get(comment.parent_id)
        (parent["replies"] if parent else roots).append(nodes[comment.id])
    return roots


def _comment(comment: Comment, case: Case | None) -> dict[str, Any]:
    removed = comment.is_removed
    anonymous = hidden(case)
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "author": None if removed else comment_author(comment.author, case),
        "created_at": comment.created_at,
        "edited_at": None if removed else comment.edited_at,
        "removed": removed,
        "removal": comment.removal.value if removed and comment.removal else None,
        "body": None if removed else without_mentions(comment.body, anonymous),
        "body_html": None if removed else without_mentions(comment.body_html, anonymous),
        "stance": None if removed or not comment.stance else comment.stance.value,
        "position_id": None if removed else comment.position_id,
        "replies": [],
    }
