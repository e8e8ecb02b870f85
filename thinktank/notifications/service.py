"""Creating, listing and reading notifications, and each person's e-mail preferences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from thinktank.accounts.models import User
from thinktank.errors import ValidationFailed
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.notifications import emails
from thinktank.notifications.models import Notification, NotificationPreference
from thinktank.permissions import can, require

#: How each kind reads, filled from the notification's data and its actor's name.
_TEXTS = {
    "mention": _l("%(actor)s mentioned you in “%(title)s”"),
    "reply": _l("%(actor)s replied to your comment in “%(title)s”"),
    "case_opened": _l("“%(title)s” is open for discussion"),
    "voting_started": _l("Voting has started on “%(title)s”"),
    "voting_closed": _l("Voting has closed on “%(title)s”"),
    "case_recommended": _l("“%(title)s” has a recommendation"),
    "new_version": _l("Version %(number)s of the recommendation “%(title)s” is published"),
    "recommendation_withdrawn": _l("The recommendation “%(title)s” was withdrawn"),
    "recommendation_superseded": _l("The recommendation “%(title)s” was superseded"),
    "review_started": _l("The draft recommendation “%(title)s” is in member review"),
    "voting_opened": _l("You can now vote on “%(title)s”"),
    "voting_closing": _l("The vote on “%(title)s” closes within 24 hours: you have not voted"),
    "invitation_accepted": _l("%(actor)s accepted your invitation"),
    "experience_asked": _l(
        "“%(title)s” has reached its review date: tell the think tank how it went in "
        "%(municipality)s"
    ),
}

#: The e-mail's subject for each kind.
_SUBJECTS = {
    "mention": _l("%(actor)s mentioned you in “%(title)s”"),
    "reply": _l("New reply to your comment in “%(title)s”"),
    "case_opened": _l("The case “%(title)s” is open for discussion"),
    "voting_started": _l("Voting has started on “%(title)s”"),
    "voting_closed": _l("Voting has closed on “%(title)s”"),
    "case_recommended": _l("The case “%(title)s” has a recommendation"),
    "new_version": _l("New version of the recommendation “%(title)s”"),
    "recommendation_withdrawn": _l("The recommendation “%(title)s” was withdrawn"),
    "recommendation_superseded": _l("The recommendation “%(title)s” was superseded"),
    "review_started": _l("Member review: “%(title)s”"),
    "voting_opened": _l("You can now vote on “%(title)s”"),
    "voting_closing": _l("The vote on “%(title)s” closes tomorrow"),
    "invitation_accepted": _l("%(actor)s accepted your invitation"),
    "experience_asked": _l("How did “%(title)s” work in %(municipality)s?"),
}

IMMEDIATELY, DAILY, WEEKLY, NEVER = "immediately", "daily", "weekly", "never"
DELIVERIES = {
    IMMEDIATELY: _l("E-mail at once"),
    DAILY: _l("In a daily digest"),
    WEEKLY: _l("In a weekly digest"),
    NEVER: _l("Not by e-mail"),
}


@dataclass(frozen=True)
class MailKind:
    """What one line of the preferences is about, and the kinds of event it covers."""

    name: str
    label: object
    why: object  # the e-mail's footer: why the recipient got it
    default: str
    kinds: tuple[str, ...]
    for_readers: bool = False  # a reader is only told about what they follow


MAIL_KINDS = [
    MailKind(
        "mentions",
        _l("Someone mentions you"),
        _l("You get this e-mail because you were mentioned."),
        IMMEDIATELY,
        ("mention",),
    ),
    MailKind(
        "replies",
        _l("Someone replies to your comment"),
        _l("You get this e-mail because someone replied to your comment."),
        IMMEDIATELY,
        ("reply",),
    ),
    MailKind(
        "voting",
        _l("Voting reminders: when a vote opens and 24 hours before it closes"),
        _l("You get this e-mail because you may vote on this case."),
        IMMEDIATELY,
        ("voting_opened", "voting_closing"),
    ),
    MailKind(
        "review",
        _l("A draft recommendation is sent to member review"),
        _l("You get this e-mail because the members review every draft recommendation."),
        IMMEDIATELY,
        ("review_started",),
    ),
    MailKind(
        "case_changes",
        _l("A case you follow opens, starts or ends voting, or gets a recommendation"),
        _l("You get this e-mail because you follow this case."),
        DAILY,
        ("case_opened", "voting_started", "voting_closed", "case_recommended"),
        for_readers=True,
    ),
    MailKind(
        "recommendation_changes",
        _l("A recommendation you follow gets a new version, is withdrawn or superseded"),
        _l("You get this e-mail because you follow this recommendation."),
        IMMEDIATELY,
        ("new_version", "recommendation_withdrawn", "recommendation_superseded"),
        for_readers=True,
    ),
    MailKind(
        "experience",
        _l("A recommendation your municipality uses reaches its review date"),
        _l(
            "You get this e-mail because you recorded that your municipality uses this "
            "recommendation."
        ),
        IMMEDIATELY,
        ("experience_asked",),
        for_readers=True,
    ),
    MailKind(
        "invitations",
        _l("Someone you invited accepts the invitation"),
        _l("You get this e-mail because you sent the invitation."),
        IMMEDIATELY,
        ("invitation_accepted",),
    ),
]
_MAIL_KIND_OF = {kind: mail_kind for mail_kind in MAIL_KINDS for kind in mail_kind.kinds}
MAIL_KIND_NAMES = {mail_kind.name: mail_kind for mail_kind in MAIL_KINDS}


def mail_kind_of(kind: str) -> MailKind:
    return _MAIL_KIND_OF[kind]


def mail_kinds_for(user) -> list[MailKind]:
    """The lines of ``user``'s preferences (a reader's: only what follows can bring)."""
    if not can(user, "hear_of_member_events"):
        return [mail_kind for mail_kind in MAIL_KINDS if mail_kind.for_readers]
    return list(MAIL_KINDS)


def preferences(user_ids) -> dict[int, dict[str, str]]:
    """Each user's e-mail choice for every mail kind (defaults filled in), in one query."""
    ids = list(set(user_ids))
    chosen: dict[int, dict[str, str]] = {
        user_id: {m.name: m.default for m in MAIL_KINDS} for user_id in ids
    }
    if ids:
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(ids))
        ):
            if row.kind in chosen[row.user_id]:
                chosen[row.user_id][row.kind] = row.delivery
    return chosen


def set_preferences(user, choices: dict[str, str]) -> None:
    """Save ``user``'s choice for each of the given mail kinds."""
    require("edit_profile", user=user)
    allowed = {mail_kind.name for mail_kind in mail_kinds_for(user)}
    current = {
        row.kind: row
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for name, delivery in choices.items():
        if name not in allowed or delivery not in DELIVERIES:
            raise ValidationFailed(_("Choose one of the options."), field=name)
        if name in current:
            current[name].delivery = delivery
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=name, delivery=delivery))


def notify(user_id: int, kind: str, *, actor, url: str, **data: Any) -> None:
    """Add a notification for ``user_id`` (committed with the change that caused it)."""
    notify_many([user_id], kind, actor=actor, url=url, **data)


def notify_many(
    user_ids, kind: str, *, actor, url: str, only: Callable | None = None, **data: Any
) -> set[int]:
    """Notify each of ``user_ids`` once about one act, except its actor (and, with ``only``,
    except those it refuses, e.g. who may no longer see the case); the ones whose preference
    says so get an e-mail at once, queued in the same transaction. Returns who was told."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if actor is not None:
        ids.discard(actor.id)  # nobody is notified about their own doing
    if not ids:
        return set()
    users = [
        user
        for user in db.session.scalars(
            select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id)
        )
        if only is None or only(user)
    ]
    chosen = preferences(user.id for user in users)
    texts = {key: str(value) for key, value in data.items()}
    for user in users:
        notification = Notification(
            user_id=user.id,
            kind=kind,
            actor_id=getattr(actor, "id", None),
            url=url,
            data=texts,
            created_at=utcnow(),
        )
        db.session.add(notification)
        mail_kind = _MAIL_KIND_OF[kind]
        if mail_kind in mail_kinds_for(user) and chosen[user.id][mail_kind.name] == IMMEDIATELY:
            actor_name = actor.display_name if actor is not None else ""
            with force_locale(emails.locale_of(user)):
                emails.queue(
                    user,
                    mail_kind.name,
                    subject=subject_of(kind, actor_name, texts),
                    groups=[("", [(text_of(kind, actor_name, texts), emails.absolute(url))])],
                    why=str(mail_kind.why),
                )
    return {user.id for user in users}


def subject_of(kind: str, actor_name: str, data: dict) -> str:
    return str(_SUBJECTS[kind]) % {"actor": actor_name, **data}


def text_of(kind: str, actor_name: str, data: dict) -> str:
    return str(_TEXTS[kind]) % {"actor": actor_name, **data}


def describe(notification: Notification) -> str:
    actor = notification.actor.display_name if notification.actor else "?"
    return text_of(notification.kind, actor, notification.data)


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


def unsubscribe(user_id: int, kind: str) -> None:
    """Turn e-mail of one kind off for one person (the signed link's one click)."""
    row = db.session.get(NotificationPreference, (user_id, kind))
    if row is None:
        if db.session.get(User, user_id) is None:
            return  # an account erased since: nothing left to turn off
        db.session.add(NotificationPreference(user_id=user_id, kind=kind, delivery=NEVER))
    else:
        row.delivery = NEVER


def invitation_accepted(invitation, user) -> None:
    """The one who sent an invitation is told when it is accepted."""
    if invitation.invited_by_id is not None:
        notify(
            invitation.invited_by_id,
            "invitation_accepted",
            actor=user,
            url=url_for("accounts.invitations"),
        )
