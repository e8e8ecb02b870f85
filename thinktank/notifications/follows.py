"""Following a case or a recommendation: who is told when it changes.

The domains that own cases and recommendations say how their followed things read on
``/profile/following`` (:func:`describe_with`, wired in ``thinktank.wiring``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.notifications.models import Follow
from thinktank.permissions import require

CASE, RECOMMENDATION = "case", "recommendation"
_COLUMNS = {CASE: Follow.case_id, RECOMMENDATION: Follow.recommendation_id}


@dataclass(frozen=True)
class Followed:
    title: str
    url: str


#: kind -> function(ids) -> {id: Followed} (one query for all the ids)
_describers: dict[str, Callable[[list[int]], dict[int, Followed]]] = {}


def describe_with(kind: str, describer: Callable[[list[int]], dict[int, Followed]]) -> None:
    _describers[kind] = describer


def described(kind: str, ids: list[int]) -> dict[int, Followed]:
    """How the followed things of one kind read, for those the current user may see."""
    return _describers[kind](ids) if ids else {}


def _where(user_id: int, kind: str, subject_id: int):
    return (Follow.user_id == user_id, _COLUMNS[kind] == subject_id)


def is_following(user, kind: str, subject_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return (
        db.session.scalar(select(Follow.id).where(*_where(user.id, kind, subject_id))) is not None
    )


def follow(user, kind: str, subject_id: int) -> None:
    """``user`` follows the case or recommendation (again following changes nothing)."""
    follow_automatically(user.id, kind, subject_id)


def follow_automatically(user_id: int | None, kind: str, subject_id: int) -> None:
    """Authors, commenters and voters follow what they took part in (they can unfollow)."""
    if user_id is None:
        return
    exists = db.session.scalar(select(Follow.id).where(*_where(user_id, kind, subject_id)))
    if exists is None:
        db.session.add(
            Follow(user_id=user_id, created_at=utcnow(), **{_COLUMNS[kind].key: subject_id})
        )
        db.session.flush()


def unfollow(user, kind: str, subject_id: int) -> None:
    db.session.execute(delete(Follow).where(*_where(user.id, kind, subject_id)))


def followers(kind: str, subject_id: int) -> list[int]:
    return list(db.session.scalars(select(Follow.user_id).where(_COLUMNS[kind] == subject_id)))


def following(user) -> list[tuple[str, int, Followed]]:
    """What ``user`` follows, newest first: (kind, id, how it reads); one query per kind."""
    require("read_notifications", user=user)
    rows = db.session.execute(
        select(Follow.case_id, Follow.recommendation_id)
        .where(Follow.user_id == user.id)
        .order_by(Follow.created_at.desc(), Follow.id.desc())
    ).all()
    wanted = {
        CASE: [row.case_id for row in rows if row.case_id],
        RECOMMENDATION: [row.recommendation_id for row in rows if row.recommendation_id],
    }
    described = {kind: _describers[kind](ids) if ids else {} for kind, ids in wanted.items()}
    found = []
    for row in rows:
        kind, subject_id = (
            (CASE, row.case_id) if row.case_id else (RECOMMENDATION, row.recommendation_id)
        )
        if subject_id in described[kind]:  # one the user may no longer see is left out
            found.append((kind, subject_id, described[kind][subject_id]))
    return found


def count_following(user) -> int:
    return db.session.scalar(select(func.count(Follow.id)).where(Follow.user_id == user.id))
