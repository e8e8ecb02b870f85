"""Voting reminders: every member who may vote is told when a vote opens, and once more,
24 hours before it closes, if they have not voted yet (the sender's periodic pass)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.extensions import db
from thinktank.members.policies import participants_clause
from thinktank.models import utcnow
from thinktank.notifications import follows
from thinktank.notifications.service import notify_many
from thinktank.permissions import can
from thinktank.voting.models import Ballot, ClosingReminder, VotingRound

#: How long before a vote closes the members who have not voted are reminded.
BEFORE_CLOSING = timedelta(hours=24)


def _url(case: Case) -> str:
    return url_for("cases.show", case_id=case.id, slug=case.slug, _anchor="voting")


def eligible_voters(case: Case) -> list[int]:
    """The members who may vote on ``case``."""
    users = db.session.scalars(
        select(User).where(participants_clause(), User.active.is_(True)).order_by(User.id)
    )
    return [user.id for user in users if can(user, "vote", case)]


def voting_opened(case: Case, user, _options: dict) -> None:
    """Start voting's consequence: who may vote is told they can; other followers that
    voting started (nobody gets both)."""
    told = notify_many(
        eligible_voters(case), "voting_opened", actor=user, url=_url(case), title=case.title
    )
    notify_many(
        set(follows.followers(follows.CASE, case.id)) - told - {getattr(user, "id", None)},
        "voting_started",
        actor=user,
        url=_url(case),
        only=lambda recipient: can(recipient, "view_case", case),
        title=case.title,
    )


def send_closing_reminders(now: datetime | None = None) -> int:
    """Remind each eligible member who has not voted, once, when a vote closes within 24
    hours; returns how many were reminded. Safe to run as often as one likes."""
    now = now or utcnow()
    cases = db.session.scalars(
        select(Case)
        .join(VotingRound, VotingRound.case_id == Case.id)
        .where(
            Case.state == CaseState.VOTING,
            VotingRound.closed_at.is_(None),
            VotingRound.closes_at > now,
            VotingRound.closes_at <= now + BEFORE_CLOSING,
        )
        .order_by(Case.id)
    ).all()
    reminded = 0
    for case in cases:
        voted = set(db.session.scalars(select(Ballot.voter_id).where(Ballot.case_id == case.id)))
        already = set(
            db.session.scalars(
                select(ClosingReminder.user_id).where(ClosingReminder.case_id == case.id)
            )
        )
        due = [uid for uid in eligible_voters(case) if uid not in voted and uid not in already]
        for user_id in due:
            db.session.add(ClosingReminder(case_id=case.id, user_id=user_id, sent_at=now))
        reminded += len(
            notify_many(due, "voting_closing", actor=None, url=_url(case), title=case.title)
        )
        db.session.flush()
    return reminded
