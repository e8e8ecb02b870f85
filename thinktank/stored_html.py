"""Every text stored as Markdown with its rendered HTML, and re-rendering them all.

``flask rerender-markdown`` uses :func:`rerender_all` after the sanitiser's rules changed
(``MARKUP_VERSION``): each domain re-renders what an older version cooked, and this module
counts, per kind of text, how many rows' HTML actually changed.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from thinktank.cases.models import Case
from thinktank.discussion.models import Comment, CommentRevision
from thinktank.extensions import db
from thinktank.recommendations.models import (
    ExperienceReport,
    MinorityOpinion,
    Recommendation,
    RecommendationVersion,
)
from thinktank.sitepages.models import SitePageVersion
from thinktank.voting.models import Ballot, Position, VoteResult

#: (what the command calls them, model, its HTML columns): every stored rendering. The JSON
#: columns of frozen records hold HTML beside its Markdown: reasons in a tally, minority
#: opinions and quotes in a published version.
STORED_HTML = (
    ("cases", Case, ("dilemma_html", "benefits_html", "risks_html")),
    ("positions", Position, ("explanation_html",)),
    ("ballot reasons", Ballot, ("reason_html", "conditions_html")),
    ("frozen vote results (reasons)", VoteResult, ("snapshot",)),
    ("comments", Comment, ("body_html",)),
    ("earlier comment texts", CommentRevision, ("body_html",)),
    ("recommendations", Recommendation, ("body_html", "easy_read_html")),
    ("published recommendation versions", RecommendationVersion, ("body_html", "easy_read_html")),
    ("minority opinions in published versions", RecommendationVersion, ("minority_opinions",)),
    ("quotes in published versions", RecommendationVersion, ("citations",)),
    ("minority opinions", MinorityOpinion, ("body_html",)),
    ("site pages", SitePageVersion, ("body_html",)),
    ("experience reports", ExperienceReport, ("done_html", "worked_html", "failed_html")),
)


def _plain(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def _key(model):
    return model.case_id if model is VoteResult else model.id


def _fingerprints(model, columns: tuple[str, ...]) -> dict[int, int]:
    statement = select(_key(model), *(getattr(model, name) for name in columns))
    return {
        row[0]: hash(tuple(_plain(value) for value in row[1:]))
        for row in db.session.execute(statement)
    }


def rerender_all() -> list[tuple[str, int]]:
    """Re-render every stored text an older sanitiser cooked; returns (kind, how many
    changed) for each kind of text, in the order of ``STORED_HTML``."""
    from thinktank.cases.service import rerender_markdown as rerender_cases
    from thinktank.discussion.service import rerender_markdown as rerender_comments
    from thinktank.recommendations.experience import rerender_markdown as rerender_experience
    from thinktank.recommendations.rerender import rerender_markdown as rerender_recommendations
    from thinktank.sitepages.service import rerender_markdown as rerender_site_pages
    from thinktank.voting.rerender import rerender_results
    from thinktank.voting.service import rerender_markdown as rerender_voting

    before = [_fingerprints(model, columns) for _kind, model, columns in STORED_HTML]
    for rerender in (
        rerender_cases,
        rerender_voting,
        rerender_results,
        rerender_comments,
        rerender_recommendations,
        rerender_site_pages,
        rerender_experience,
    ):
        rerender()
    db.session.flush()  # the counts below read the database
    counts = []
    for (kind, model, columns), earlier in zip(STORED_HTML, before, strict=True):
        now = _fingerprints(model, columns)
        counts.append((kind, sum(1 for key, value in now.items() if earlier.get(key) != value)))
    return counts
