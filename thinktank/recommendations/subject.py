"""Recommendation drafts as a discussion subject: members discuss them during review."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from thinktank.discussion import subjects
from thinktank.errors import DomainError, InvalidTransition, NotFound
from thinktank.extensions import db
from thinktank.permissions import require
from thinktank.recommendations.models import Recommendation, Status


def _load_visible(user, recommendation_id: int) -> Recommendation:
    recommendation = db.session.get(Recommendation, recommendation_id)
    if recommendation is None:
        raise NotFound()
    require("view_recommendation_draft", recommendation, user=user)  # the review is internal
    return recommendation


def _why_not_post(user, recommendation: Recommendation) -> DomainError | None:
    if recommendation.status != Status.REVIEW:
        return InvalidTransition(_("The draft can be discussed while it is in member review."))
    return None


def _url(recommendation: Recommendation) -> str:
    return url_for("recommendations.draft", recommendation_id=recommendation.id)


def _describe_many(ids: list[int]) -> dict[int, tuple[str, str]]:
    found = db.session.scalars(select(Recommendation).where(Recommendation.id.in_(ids)))
    return {r.id: (r.title, _url(r)) for r in found}


SUBJECT = subjects.Subject(
    kind="recommendation",
    load_visible=_load_visible,
    why_not_post=_why_not_post,
    url=_url,
    title=lambda recommendation: recommendation.title,
    describe_many=_describe_many,
)
