"""Following cases: the follow button on the case page, how followed cases read on
``/profile/following``, and telling followers when a case moves (wired as the lifecycle's
``after`` effects in ``thinktank.wiring``)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from thinktank.cases.models import Case
from thinktank.extensions import db
from thinktank.notifications import follows
from thinktank.notifications.service import notify_many
from thinktank.permissions import can

#: the case's move -> the notification its followers get
MOVE_KINDS = {
    "open": "case_opened",
    "start_voting": "voting_started",
    "close_voting": "voting_closed",
    "publish": "case_recommended",
}


def _url(case: Case) -> str:
    return url_for("cases.show", case_id=case.id, slug=case.slug)


def follow_section(case: Case, user) -> dict | None:
    """The follow button, for anyone logged in who sees the case."""
    if not can(user, "read_notifications"):
        return None
    following = follows.is_following(user, follows.CASE, case.id)
    return {
        "following": following,
        "may_follow": can(user, "follow_case", case),
        "action": url_for("cases.follow", case_id=case.id),
        "what": "case",
    }


def describe(case_ids: list[int]) -> dict[int, follows.Followed]:
    cases = db.session.scalars(select(Case).where(Case.id.in_(case_ids)))
    return {
        case.id: follows.Followed(case.title, _url(case))
        for case in cases
        if can(current_user, "view_case", case)
    }


def _teller(move_name: str):
    kind = MOVE_KINDS[move_name]

    def effect(case: Case, user, _options: dict) -> None:
        notify_many(
            follows.followers(follows.CASE, case.id),
            kind,
            actor=user,
            url=_url(case),
            only=lambda recipient: can(recipient, "view_case", case),
            title=case.title,
        )

    effect.__name__ = f"tell_followers_{move_name}"
    return effect


#: The lifecycle's effects, made once (registering is by identity: wiring twice adds nothing).
AFTER_MOVES = [(move_name, _teller(move_name)) for move_name in ("open", "close_voting", "publish")]
