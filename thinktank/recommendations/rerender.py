"""Re-render the stored HTML of recommendations after the sanitiser's rules changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from thinktank.discussion.service import render_comment
from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.markup import MARKUP_VERSION, render_markdown
from thinktank.recommendations.models import (
    MinorityOpinion,
    Recommendation,
    RecommendationVersion,
)


def _rendered(entries: list[dict[str, Any]], source: str, target: str, render) -> list[dict]:
    """The entries with ``target`` rendered from ``source``; an entry whose source was lost
    (None) keeps the HTML it was published with."""
    return [
        entry | {target: render(entry[source])} if entry.get(source) is not None else entry
        for entry in entries
    ]


def rerender_markdown() -> tuple[int, int, int]:
    """Re-render working copies, published versions (body, easy-read version, minority
    opinions and quotes) and minority opinions cooked by an older sanitiser; returns how
    many of each.

    A version's text stays as published; only its HTML follows the current rules.
    """
    stale = db.session.scalars(
        select(Recommendation).where(Recommendation.markup_version != MARKUP_VERSION)
    ).all()
    for recommendation in stale:
        recommendation.body_html = str(render_markdown(recommendation.body))
        recommendation.easy_read_html = str(render_markdown(recommendation.easy_read))
        recommendation.markup_version = MARKUP_VERSION
    versions = db.session.scalars(
        select(RecommendationVersion).where(RecommendationVersion.markup_version != MARKUP_VERSION)
    ).all()
    # The one change a published version allows: its HTML from its own, unchanged sources.
    with rewriting(
        RecommendationVersion.body_html,
        RecommendationVersion.easy_read_html,
        RecommendationVersion.minority_opinions,
        RecommendationVersion.citations,
        RecommendationVersion.markup_version,
    ):
        for version in versions:
            version.body_html = str(render_markdown(version.body))
            version.easy_read_html = str(render_markdown(version.easy_read))
            version.minority_opinions = _rendered(
                version.minority_opinions,
                "body",
                "body_html",
                lambda text: str(render_markdown(text)),
            )
            version.citations = _rendered(version.citations, "quote", "quote_html", render_comment)
            version.markup_version = MARKUP_VERSION
    opinions = db.session.scalars(
        select(MinorityOpinion).where(MinorityOpinion.markup_version != MARKUP_VERSION)
    ).all()
    for opinion in opinions:
        opinion.body_html = str(render_markdown(opinion.body))
        opinion.markup_version = MARKUP_VERSION
    return len(stale), len(versions), len(opinions)
