"""Re-render the stored HTML of recommendations after the sanitiser's rules changed."""

from __future__ import annotations

from sqlalchemy import select

from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.markup import MARKUP_VERSION, render_markdown
from thinktank.recommendations.models import (
    MinorityOpinion,
    Recommendation,
    RecommendationVersion,
)


def rerender_markdown() -> tuple[int, int]:
    """Re-render working copies cooked by an older sanitiser, with their published versions
    (a version is never cooked by newer rules than its working copy: it is copied from it
    when published), and minority opinions; returns (recommendations, opinions).

    The versions' text stays as published; only its HTML follows the current rules. The
    minority opinions and quotes frozen into a version keep the HTML they had.
    """
    stale = db.session.scalars(
        select(Recommendation).where(Recommendation.markup_version != MARKUP_VERSION)
    ).all()
    for recommendation in stale:
        recommendation.body_html = str(render_markdown(recommendation.body))
        recommendation.markup_version = MARKUP_VERSION
    ids = [recommendation.id for recommendation in stale]
    # The one change a published version allows: its HTML from its own, unchanged source.
    with rewriting(RecommendationVersion.body_html):
        for start in range(0, len(ids), 500):
            for version in db.session.scalars(
                select(RecommendationVersion).where(
                    RecommendationVersion.recommendation_id.in_(ids[start : start + 500])
                )
            ):
                version.body_html = str(render_markdown(version.body))
    opinions = db.session.scalars(
        select(MinorityOpinion).where(MinorityOpinion.markup_version != MARKUP_VERSION)
    ).all()
    for opinion in opinions:
        opinion.body_html = str(render_markdown(opinion.body))
        opinion.markup_version = MARKUP_VERSION
    db.session.commit()
    return len(stale), len(opinions)
