"""Creating, listing and reading in-app notifications."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.notifications.models import Notification
from thinktank.permissions import can

#: How each kind reads, filled from the notification's data and its actor's name.
_TEXTS = {
    "mention": _l("%(actor)s mentioned you in “%(title)s”"),
    "reply": _l("%(actor)s replied to your comment in “%(title)s”"),
}


def notify(user_id: int, kind: str, *, actor, url: str, **data: Any) -> None:
    """Add a notification for ``user_id`` (committed with the change that caused it)."""
    if actor is not None and actor.id == user_id:
        return  # nobody is notified about their own doing
    db.session.add(
        Notification(
            user_id=user_id,
            kind=kind,
            actor_id=getattr(actor, "id", None),
            url=url,
            data={key: str(value) for key, value in data.items()},
        )
    )


def describe(notification: Notification) -> str:
    actor = notification.actor.display_name if notification.actor else "?"
    return str(_TEXTS[notification.kind]) % {"actor": actor, **notification.data}


def for_user(user) -> Select:
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.actor))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def open_notification(user, notification_id: int) -> str | None:
    """Mark one of ``user``'s notifications read and return where it points."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can(user, "open_notification", notification):
        return None  # someone else's is as unknown as a missing one
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification.url


def mark_all_read(user) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
