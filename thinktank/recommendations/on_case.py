"""What the case page shows about the case's recommendations: a notice with a link to each
published one, each published version in the case's timeline, and for those allowed the way
to the draft (or to start one) among the case's actions. Two queries at most."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from thinktank.cases import sections
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.extensions import db
from thinktank.permissions import can
from thinktank.recommendations.models import Recommendation, RecommendationVersion

#: the states a case can have a recommendation in (drafting starts once voting is closed)
WITH_RECOMMENDATIONS = frozenset({CaseState.CLOSED, CaseState.RECOMMENDED, CaseState.ARCHIVED})


def _url(recommendation: Recommendation, number: int | None = None) -> str:
    from thinktank.recommendations.views import recommendation_url

    return recommendation_url(recommendation, number)


def _actions(case: Case, user, drafts: list[Recommendation]) -> list[sections.ActionLink]:
    if drafts:
        if not can(user, "view_recommendation_draft"):
            return []
        return [
            sections.ActionLink(
                _("See the draft recommendation “%(title)s”", title=draft.title),
                url_for("recommendations.draft", recommendation_id=draft.id),
            )
            for draft in drafts
        ]
    if case.state == CaseState.CLOSED and can(user, "write_recommendation"):
        return [
            sections.ActionLink(
                _("Write a draft recommendation"),
                url_for("recommendations.new", case_id=case.id),
            )
        ]
    return []


def _timeline(versions: list[RecommendationVersion], by_id) -> list[sections.TimelineEntry]:
    """Each published version, linked; the first one links the case's "published" step."""
    entries = []
    linked_step = False
    for version in sorted(versions, key=lambda v: v.published_at):
        recommendation = by_id[version.recommendation_id]
        url = _url(recommendation, version.number)
        if version.number == 1 and not linked_step:
            linked_step = True
            entries.append(sections.TimelineEntry(version.published_at, "", url, step="publish"))
            continue
        entries.append(
            sections.TimelineEntry(
                version.published_at,
                _(
                    "Version %(n)d of the recommendation “%(title)s” published",
                    n=version.number,
                    title=version.title,
                ),
                url,
            )
        )
    return entries


def recommendation_section(case: Case, user) -> dict[str, Any] | None:
    if case.state not in WITH_RECOMMENDATIONS:
        return None
    recommendations = list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.case_id == case.id)
            .order_by(Recommendation.created_at, Recommendation.id)
        )
    )
    published = [r for r in recommendations if r.is_published]
    versions = (
        list(
            db.session.scalars(
                select(RecommendationVersion).where(
                    RecommendationVersion.recommendation_id.in_([r.id for r in published])
                )
            )
        )
        if published
        else []
    )
    by_id = {r.id: r for r in published}
    current = {
        v.recommendation_id: v
        for v in versions
        if v.number == by_id[v.recommendation_id].current_version
    }
    actions = _actions(case, user, [r for r in recommendations if r.is_draft])
    if not published and not actions:
        return None
    return {
        "published": [(r, current[r.id]) for r in published],
        "actions": actions,
        "timeline": _timeline(versions, by_id),
    }
