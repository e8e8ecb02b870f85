"""Putting the demo's story on its days: the one place the loader writes columns itself.

A case with a past (it was voted on and led to a recommendation) says how many days ago each
step happened. The services stamp what they add with the current time; :func:`dated` moves
every row a block adds onto the step's day, and the ``date_*`` functions set the times a step
changes on rows that already exist (a case's submission, a vote's close, a publication), so
the case page, the public log and the recommendation tell the story in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from thinktank.audit.models import AuditEvent
from thinktank.cases.models import Case, CaseRevision, CaseTransition
from thinktank.discussion.models import Comment
from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.models import LOCAL_TIMEZONE
from thinktank.notifications.models import Notification
from thinktank.recommendations.models import (
    Adoption,
    Cosignature,
    ExperienceReport,
    MinorityOpinion,
    Recommendation,
    RecommendationVersion,
    ReviewResponse,
)
from thinktank.voting.models import Ballot, BallotChange, Position, VoteResult, VotingRound

#: The rows a demo step can add, with their time columns (those a row has set are dated).
_ADDED_ROWS = (
    (Case, "created_at", "updated_at", "last_activity_at"),
    (CaseRevision, "created_at"),
    (CaseTransition, "created_at"),
    (AuditEvent, "created_at"),
    (Notification, "created_at"),
    (Position, "created_at", "updated_at", "decided_at"),
    (Ballot, "cast_at", "updated_at"),
    (BallotChange, "created_at"),
    (Recommendation, "created_at", "updated_at"),
    (ReviewResponse, "created_at"),
    (MinorityOpinion, "created_at", "updated_at"),
    (Cosignature, "created_at"),
    (RecommendationVersion, "published_at"),
    (Adoption, "created_at"),
    (ExperienceReport, "created_at", "updated_at"),
)


def ago(now: datetime, days: float | None) -> datetime | None:
    """``days`` before ``now``; None stays None (the step happens when the demo is seeded)."""
    return None if days is None else now - timedelta(days=days)


@contextmanager
def dated(when: datetime | None) -> Iterator[datetime | None]:
    """Put every row the block adds through the services on ``when`` (None: leave them).

    Only added rows are moved; times the block sets on existing rows (a case's submission, a
    recommendation's publication) are the caller's to set, inside the block.
    """
    if when is None:
        yield None
        return
    last_ids = {
        model: db.session.scalar(select(func.max(model.id))) or 0 for model, *_ in _ADDED_ROWS
    }
    yield when
    # The versions the block published are frozen: their publication date is all that moves.
    with rewriting(RecommendationVersion.published_at):
        for model, *columns in _ADDED_ROWS:
            for name in columns:
                column = getattr(model, name)
                db.session.execute(
                    update(model)
                    .where(model.id > last_ids[model], column.is_not(None))
                    .values({name: when})
                )
    db.session.flush()


def date_case_move(case: Case, move: str, when: datetime) -> None:
    """What a move sets on rows that already exist, on the day it happened."""
    case.last_activity_at = when
    if move == "submit":
        case.submitted_at = when
    if move == "start_voting":
        db.session.get(VotingRound, case.id).started_at = when
    elif move == "close_voting":
        db.session.get(VotingRound, case.id).closed_at = when
        # A frozen result is never rewritten by the app; the demo only moves it into its past.
        with rewriting(VoteResult.frozen_at, VoteResult.snapshot):
            result = db.session.get(VoteResult, case.id)
            result.frozen_at = when
            result.snapshot = result.snapshot | {"at": when.isoformat()}


def date_comment(comment: Comment, end: datetime, hours_ago: int) -> None:
    """Spread a thread over the days before its end; replies follow what they answer."""
    comment.created_at = end - timedelta(hours=hours_ago)


def date_review(recommendation: Recommendation, when: datetime, deadline_days: int) -> None:
    """The member review started on ``when`` and ends ``deadline_days`` later."""
    recommendation.review_started_at = when
    started: date = when.astimezone(LOCAL_TIMEZONE).date()
    recommendation.review_deadline = started + timedelta(days=deadline_days)


def date_first_publication(recommendation: Recommendation, when: datetime) -> None:
    recommendation.first_published_at = recommendation.last_published_at = when
    db.session.get(Case, recommendation.case_id).last_activity_at = when


def date_revision(recommendation: Recommendation, when: datetime) -> None:
    recommendation.updated_at = recommendation.last_published_at = when
