"""Reading published recommendations: the portal list, one version, the feed, the diff."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import contains_eager, joinedload

from thinktank.cases.models import Case
from thinktank.cases.vocabulary import AlgorithmRole, CaseState, Domain, TechnologyKind
from thinktank.diff import cached_diffs, diff_html, fingerprint
from thinktank.errors import NotFound
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION, plain_text_of_html
from thinktank.recommendations.experience import has_public_reports
from thinktank.recommendations.models import (
    Recommendation,
    RecommendationVersion,
    Status,
)

#: The checkbox filter: only recommendations with public reports of experience from practice.
EXPERIENCE = "experience"
FILTERS = {"domain": Domain, "technology": TechnologyKind, "role": AlgorithmRole}
_COLUMNS = {
    "domain": Recommendation.domain,
    "technology": Recommendation.technology,
    "role": Recommendation.algorithm_role,
}


def read_filters(args) -> dict[str, Any]:
    """Filter values from the query string; values not on the lists are ignored."""
    filters: dict[str, Any] = {
        name: vocabulary(args[name])
        for name, vocabulary in FILTERS.items()
        if args.get(name) in vocabulary._value2member_map_
    }
    if args.get(EXPERIENCE) == "1":
        filters[EXPERIENCE] = True
    return filters


def _latest_versions() -> Select:
    return (
        select(RecommendationVersion)
        .join(
            Recommendation,
            and_(
                Recommendation.id == RecommendationVersion.recommendation_id,
                Recommendation.current_version == RecommendationVersion.number,
            ),
        )
        .options(contains_eager(RecommendationVersion.recommendation))
    )


def portal(filters: dict[str, Any]) -> Select:
    """The latest published version of each recommendation, newest first (to paginate)."""
    return _filtered(filters).order_by(
        RecommendationVersion.published_at.desc(), Recommendation.id.desc()
    )


def _filtered(filters: dict[str, Any]) -> Select:
    statement = _latest_versions()
    for name, value in filters.items():
        if name == EXPERIENCE:
            statement = statement.where(has_public_reports())
        else:
            statement = statement.where(_COLUMNS[name] == value)
    return statement


def experience_count(filters: dict[str, Any]) -> int:
    """How many recommendations (with the other filters) have public reported experience:
    the number beside the portal's checkbox."""
    statement = _filtered({**filters, EXPERIENCE: True}).with_only_columns(
        func.count(RecommendationVersion.id)
    )
    return db.session.scalar(statement.order_by(None))


def drafts() -> Select:
    """Drafts and drafts in review, last changed first (for the members' list)."""
    return (
        select(Recommendation)
        .where(Recommendation.status.in_([Status.DRAFT, Status.REVIEW]))
        .order_by(Recommendation.updated_at.desc())
    )


def awaiting_draft() -> Select:
    """Cases whose voting is closed and that have no recommendation yet, oldest first."""
    return (
        select(Case)
        .where(
            Case.state == CaseState.CLOSED,
            ~select(Recommendation.id).where(Recommendation.case_id == Case.id).exists(),
        )
        .order_by(Case.last_activity_at, Case.id)
    )


def published_titles(exclude: int) -> list[tuple[int, str]]:
    """(id, title) of the other published recommendations (what one can be superseded by)."""
    rows = db.session.execute(
        select(Recommendation.id, Recommendation.title)
        .where(Recommendation.current_version > 0, Recommendation.id != exclude)
        .order_by(Recommendation.title)
    )
    return [(row.id, row.title) for row in rows]


def latest(limit: int) -> list[RecommendationVersion]:
    return list(db.session.scalars(portal({}).limit(limit)))


def version(recommendation_id: int, number: int | None) -> RecommendationVersion:
    """Version ``number`` (None: the latest) of a published recommendation, with its working row."""
    statement = (
        select(RecommendationVersion)
        .where(RecommendationVersion.recommendation_id == recommendation_id)
        .options(
            joinedload(RecommendationVersion.recommendation).joinedload(Recommendation.case),
            joinedload(RecommendationVersion.recommendation).joinedload(
                Recommendation.superseded_by
            ),
        )
    )
    if number is None:
        statement = statement.order_by(RecommendationVersion.number.desc()).limit(1)
    else:
        statement = statement.where(RecommendationVersion.number == number)
    found = db.session.scalar(statement)
    if found is None:
        raise NotFound()
    return found


def versions(recommendation_id: int) -> list[RecommendationVersion]:
    return list(
        db.session.scalars(
            select(RecommendationVersion)
            .where(RecommendationVersion.recommendation_id == recommendation_id)
            .order_by(RecommendationVersion.number.desc())
        )
    )


def replaced_at(versions: list[RecommendationVersion], shown: RecommendationVersion):
    """When ``shown`` stopped being the current version (None while it is the current one)."""
    return next((v.published_at for v in versions if v.number == shown.number + 1), None)


def supersedes(recommendation_id: int) -> list[Recommendation]:
    """The published recommendations this one replaced."""
    return list(
        db.session.scalars(
            select(Recommendation).where(
                Recommendation.superseded_by_id == recommendation_id,
                Recommendation.current_version > 0,
            )
        )
    )


def feed_entries(limit: int = 50) -> list[RecommendationVersion]:
    """Every published version, newest first: the Atom feed has an entry per version."""
    return list(
        db.session.scalars(
            select(RecommendationVersion)
            .options(joinedload(RecommendationVersion.recommendation))
            .order_by(RecommendationVersion.published_at.desc(), RecommendationVersion.id.desc())
            .limit(limit)
        )
    )


@dataclass
class VersionDiff:
    older: RecommendationVersion
    newer: RecommendationVersion
    title: Any
    summary: Any
    body: Any
    easy_read: Any


def compare(recommendation_id: int, older: int, newer: int) -> VersionDiff:
    if older == newer:
        raise NotFound()
    old, new = (
        version(recommendation_id, min(older, newer)),
        version(recommendation_id, max(older, newer)),
    )
    diffs = cached_diffs(
        f"recommendation:{old.id}:{new.id}:markup{MARKUP_VERSION}:"
        + fingerprint(
            old.title,
            new.title,
            old.summary,
            new.summary,
            old.body_html,
            new.body_html,
            old.easy_read_html,
            new.easy_read_html,
        ),
        partial(_version_diffs, old, new),
    )
    return VersionDiff(old, new, **diffs)


def _version_diffs(old: RecommendationVersion, new: RecommendationVersion) -> dict:
    return {
        "title": diff_html(old.title, new.title),
        "summary": diff_html(old.summary, new.summary),
        # from the HTML stored at publication: rendering 5,000 words again costs more than the diff
        "body": diff_html(plain_text_of_html(old.body_html), plain_text_of_html(new.body_html)),
        # most versions have no easy-read version: nothing to compare then
        "easy_read": diff_html(
            plain_text_of_html(old.easy_read_html), plain_text_of_html(new.easy_read_html)
        )
        if old.easy_read_html or new.easy_read_html
        else "",
    }
