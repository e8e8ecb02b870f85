"""What the API reads: only what an anonymous reader's pages show, in a fixed number of
queries per page (the pages' own rules are reused: the portal, the case policy, the register)."""

from __future__ import annotations

from typing import Any

from flask_login import AnonymousUserMixin
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from thinktank.accounts.models import User
from thinktank.audit.service import events_query
from thinktank.cases.models import Case, CaseTransition
from thinktank.cases.policies import visible_clause
from thinktank.discussion.models import Comment, Discussion
from thinktank.errors import NotFound
from thinktank.extensions import db
from thinktank.members.policies import participants_clause
from thinktank.members.service import register_query
from thinktank.recommendations import portal
from thinktank.recommendations.models import RecommendationVersion
from thinktank.voting.models import VoteResult
from thinktank.voting.page import AFTER_VOTING
from thinktank.voting.service import approved_positions

#: The API is public data only: every reading is an anonymous reader's, whoever asks.
ANONYMOUS = AnonymousUserMixin()

_CASE_FILTERS = {
    "state": Case.state,
    "domain": Case.domain,
    "technology": Case.technology,
    "role": Case.algorithm_role,
}


def recommendations(filters: dict[str, Any]) -> Select:
    """The portal's list: the latest version of each published recommendation."""
    return portal.portal({k: portal.FILTERS[k](v) for k, v in filters.items() if v})


def published_version(recommendation_id: int, number: int | None) -> RecommendationVersion:
    """A version of a published recommendation (its working copy and drafts stay out)."""
    found = portal.version(recommendation_id, number)
    if not found.recommendation.is_published:
        raise NotFound()
    return found


def frozen_results(case_ids: list[int]) -> dict[int, VoteResult]:
    """The frozen tallies of these cases, in one query."""
    if not case_ids:
        return {}
    rows = db.session.scalars(select(VoteResult).where(VoteResult.case_id.in_(case_ids)))
    return {row.case_id: row for row in rows}


def public_cases(filters: dict[str, Any]) -> Select:
    statement = select(Case).where(visible_clause(ANONYMOUS)).options(selectinload(Case.tags))
    for name, value in filters.items():
        if value:
            statement = statement.where(_CASE_FILTERS[name] == value)
    return statement.order_by(Case.last_activity_at.desc(), Case.id.desc())


def public_case(case_id: int) -> Case:
    case = db.session.scalar(
        select(Case)
        .where(Case.id == case_id, visible_clause(ANONYMOUS))
        .options(
            joinedload(Case.author),
            selectinload(Case.tags),
            selectinload(Case.transitions).joinedload(CaseTransition.actor),
        )
    )
    if case is None:
        raise NotFound()
    return case


def case_positions(case: Case) -> list:
    return approved_positions(case.id)


def case_result(case: Case) -> VoteResult | None:
    """The tally once frozen; while voting runs nothing of the ballots is shown."""
    if case.state not in AFTER_VOTING:
        return None
    return db.session.get(VoteResult, case.id)


def case_comments(case_id: int) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .join(Discussion, Discussion.id == Comment.discussion_id)
            .where(Discussion.subject_type == "case", Discussion.subject_id == case_id)
            .options(joinedload(Comment.author))
        )
    )


def members() -> Select:
    return register_query("")


def register_member(member_id: int) -> User:
    user = db.session.scalar(
        select(User).where(User.id == member_id, participants_clause(), User.active.is_(True))
    )
    if user is None:
        raise NotFound()
    return user


def public_log() -> Select:
    return events_query(public_only=True)
