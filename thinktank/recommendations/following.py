"""Following recommendations: the follow button on a recommendation's page, how followed
ones read on ``/profile/following``, and who is told when one changes."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.members.policies import participants_clause
from thinktank.notifications import follows
from thinktank.notifications.service import notify_many
from thinktank.permissions import can
from thinktank.recommendations.models import Recommendation
from thinktank.text import slugify


def show_url(recommendation: Recommendation) -> str:
    return url_for(
        "recommendations.show",
        recommendation_id=recommendation.id,
        slug=slugify(recommendation.title),
    )


def follow_context(recommendation: Recommendation, user) -> dict | None:
    """The follow button, for anyone logged in who sees the recommendation."""
    if not can(user, "read_notifications"):
        return None
    following = follows.is_following(user, follows.RECOMMENDATION, recommendation.id)
    return {
        "following": following,
        "may_follow": can(user, "follow_recommendation", recommendation),
        "action": url_for("recommendations.follow", recommendation_id=recommendation.id),
        "what": "recommendation",
    }


def describe(ids: list[int]) -> dict[int, follows.Followed]:
    found = db.session.scalars(select(Recommendation).where(Recommendation.id.in_(ids)))
    return {
        item.id: follows.Followed(item.title, show_url(item))
        for item in found
        if can(current_user, "view_recommendation", item)
    }


def tell_followers(recommendation: Recommendation, kind: str, actor, url: str, **data) -> None:
    notify_many(
        follows.followers(follows.RECOMMENDATION, recommendation.id),
        kind,
        actor=actor,
        url=url,
        only=lambda user: can(user, "view_recommendation", recommendation),
        title=recommendation.title,
        **data,
    )


def new_version(recommendation: Recommendation, actor, number: int) -> None:
    """Version 2 and later: the followers get a link to what changed."""
    url = url_for(
        "recommendations.diff",
        recommendation_id=recommendation.id,
        **{"from": number - 1, "to": number},
    )
    tell_followers(recommendation, "new_version", actor, url, number=number)


def review_started(recommendation: Recommendation, actor) -> None:
    """Every member is asked to review a draft."""
    members = db.session.scalars(
        select(User.id).where(participants_clause(), User.active.is_(True))
    )
    notify_many(
        members,
        "review_started",
        actor=actor,
        url=url_for("recommendations.draft", recommendation_id=recommendation.id),
        title=recommendation.title,
    )
