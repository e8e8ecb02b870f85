""" "My tasks" on the front page: what waits for the logged-in user to act, with a link each.

Each provider returns one task (or None) in one or two queries, so the list costs a fixed
number of queries whatever the data. A domain with more work to offer adds its provider to
``PROVIDERS`` (e.g. adoptions waiting for the secretariat's confirmation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from thinktank.cases.models import Case
from thinktank.cases.policies import visible_clause
from thinktank.cases.views import case_url
from thinktank.cases.vocabulary import CaseState
from thinktank.discussion.service import open_flag_count
from thinktank.extensions import db
from thinktank.permissions import can
from thinktank.recommendations import adoptions
from thinktank.recommendations.models import Recommendation, ReviewResponse, Status
from thinktank.recommendations.portal import awaiting_draft
from thinktank.voting.models import Ballot, VotingRound


@dataclass(frozen=True)
class TaskItem:
    title: str
    url: str
    deadline: datetime | None = None


@dataclass(frozen=True)
class Task:
    kind: str  # "vote", "review", "flags", "draft", ...
    summary: str  # with the count, e.g. "2 votes wait for you"
    url: str  # where to act on all of them
    link: str  # the text of that link
    items: list[TaskItem] = field(default_factory=list)
    deadline_label: object = None  # "%(when)s" text for an item's deadline


def votes_to_cast(user) -> Task | None:
    """Cases in voting the user may vote on and has not voted on yet."""
    if not can(user, "vote"):
        return None
    rows = db.session.execute(
        select(Case, VotingRound.closes_at)
        .join(VotingRound, VotingRound.case_id == Case.id)
        .where(
            Case.state == CaseState.VOTING,
            VotingRound.closed_at.is_(None),
            visible_clause(user),
            ~select(Ballot.id)
            .where(Ballot.case_id == Case.id, Ballot.voter_id == user.id)
            .exists(),
        )
        .order_by(VotingRound.closes_at.is_(None), VotingRound.closes_at, Case.id)
    ).all()
    if not rows:
        return None
    return Task(
        "vote",
        ngettext("%(num)d vote is waiting for you", "%(num)d votes are waiting for you", len(rows)),
        url_for("cases.index", state=CaseState.VOTING.value),
        _l("All votes in progress"),
        [TaskItem(case.title, case_url(case, _anchor="voting"), closes) for case, closes in rows],
        _l("Voting closes %(when)s"),
    )


def reviews_to_answer(user) -> Task | None:
    """Drafts in member review the user has neither consented to nor objected to."""
    if not can(user, "view_recommendation_draft"):  # no drafts seen, none to answer
        return None
    drafts = list(
        db.session.scalars(
            select(Recommendation)
            .where(
                Recommendation.status == Status.REVIEW,
                ~select(ReviewResponse.id)
                .where(
                    ReviewResponse.recommendation_id == Recommendation.id,
                    ReviewResponse.round == Recommendation.current_version + 1,
                    ReviewResponse.member_id == user.id,
                )
                .exists(),
            )
            .order_by(Recommendation.review_started_at, Recommendation.id)
        )
    )
    if not drafts:
        return None
    return Task(
        "review",
        ngettext(
            "%(num)d draft recommendation in member review is waiting for your answer",
            "%(num)d draft recommendations in member review are waiting for your answer",
            len(drafts),
        ),
        url_for("recommendations.drafts"),
        _l("See the drafts and member review"),
        [
            TaskItem(d.title, url_for("recommendations.draft", recommendation_id=d.id))
            for d in drafts
        ],
    )


def flags_to_moderate(user) -> Task | None:
    """Comments flagged for the secretariat and not yet dealt with."""
    if not can(user, "moderate"):
        return None
    count = open_flag_count()
    if not count:
        return None
    return Task(
        "flags",
        ngettext(
            "%(num)d flagged comment is waiting in the moderation queue",
            "%(num)d flagged comments are waiting in the moderation queue",
            count,
        ),
        url_for("discussion.queue"),
        _l("See the flagged comments"),
    )


def drafts_to_start(user) -> Task | None:
    """Closed cases without a recommendation yet (the secretariat drafts one)."""
    if not can(user, "write_recommendation"):
        return None
    count = db.session.scalar(select(func.count()).select_from(awaiting_draft().subquery()))
    if not count:
        return None
    return Task(
        "draft",
        ngettext(
            "%(num)d closed case is waiting for a draft recommendation",
            "%(num)d closed cases are waiting for a draft recommendation",
            count,
        ),
        url_for("recommendations.drafts"),
        _l("Go to the drafts"),
    )


def adoptions_to_confirm(user) -> Task | None:
    """Adoptions the recorder's e-mail address could not verify (the secretariat decides)."""
    if not can(user, "confirm_adoption"):
        return None
    count = adoptions.pending_count()
    if not count:
        return None
    return Task(
        "adoptions",
        ngettext(
            "%(num)d adoption is waiting for confirmation",
            "%(num)d adoptions are waiting for confirmation",
            count,
        ),
        url_for("recommendations.adoption_queue"),
        _l("Confirm or reject the adoptions"),
    )


PROVIDERS: list[Callable[[object], Task | None]] = [
    votes_to_cast,
    reviews_to_answer,
    flags_to_moderate,
    adoptions_to_confirm,
    drafts_to_start,
]


def my_tasks(user) -> list[Task]:
    """What waits for ``user`` (logged in) to act, in the order of ``PROVIDERS``."""
    if not user.is_authenticated:
        return []
    return [task for task in (provider(user) for provider in PROVIDERS) if task is not None]
