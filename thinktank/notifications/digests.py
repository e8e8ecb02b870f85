"""Daily and weekly digests: the notifications of a finished period whose kind the person
gets in that digest, grouped by case or recommendation, sent once per person and period."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.notifications import emails, service
from thinktank.notifications.models import DigestSent, Notification


def period(frequency: str, now: datetime) -> tuple[datetime, datetime]:
    """The last finished day or week (Monday to Monday, UTC) before ``now``."""
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    if frequency == service.DAILY:
        return today - timedelta(days=1), today
    this_week = today - timedelta(days=today.weekday())
    return this_week - timedelta(days=7), this_week


def send_digests(now: datetime | None = None) -> dict[str, int]:
    """Queue every digest due for the last finished day and week; returns how many of each.

    Running it again for the same period queues nothing: each one is recorded in
    ``digests_sent``. A person with nothing in the period gets no e-mail.
    """
    now = now or utcnow()
    return {
        frequency: _send(frequency, *period(frequency, now))
        for frequency in (service.DAILY, service.WEEKLY)
    }


def _send(frequency: str, start: datetime, end: datetime) -> int:
    notifications = db.session.scalars(
        select(Notification)
        .where(Notification.created_at >= start, Notification.created_at < end)
        .options(joinedload(Notification.actor))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_user[notification.user_id].append(notification)
    if not by_user:
        return 0
    done = set(
        db.session.scalars(
            select(DigestSent.user_id).where(
                DigestSent.frequency == frequency,
                DigestSent.period_start == start,
                DigestSent.user_id.in_(list(by_user)),
            )
        )
    )
    users = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_(list(by_user)), User.active.is_(True))
        )
    }
    chosen = service.preferences(users)
    sent = 0
    for user_id, items in by_user.items():
        user = users.get(user_id)
        if user is None or user_id in done:
            continue
        allowed = {m.name for m in service.mail_kinds_for(user)}
        wanted = [
            n
            for n in items
            if (mail_kind := service.mail_kind_of(n.kind)).name in allowed
            and chosen[user_id][mail_kind.name] == frequency
        ]
        if not wanted:
            continue  # an empty period sends nothing
        with force_locale(emails.locale_of(user)):
            _queue_digest(user, frequency, wanted)
        db.session.add(
            DigestSent(
                user_id=user_id, frequency=frequency, period_start=start, created_at=utcnow()
            )
        )
        sent += 1
    db.session.flush()
    return sent


def _queue_digest(user: User, frequency: str, items: list[Notification]) -> None:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    kinds = set()
    for notification in items:
        actor = notification.actor.display_name if notification.actor else ""
        heading = notification.data.get("title", "")
        groups[heading].append(
            (
                service.text_of(notification.kind, actor, notification.data),
                emails.absolute(notification.url),
            )
        )
        kinds.add(service.mail_kind_of(notification.kind))
    if frequency == service.DAILY:
        subject = _("Your daily digest from KL's think tank")
    else:
        subject = _("Your weekly digest from KL's think tank")
    # the unsubscribe link turns off the digest's first kind; the footer links to all of them
    first = sorted(kinds, key=lambda m: service.MAIL_KINDS.index(m))[0]
    emails.queue(
        user,
        first.name,
        subject=subject,
        groups=sorted(groups.items()),
        why=_("You get this digest because you chose it in your e-mail preferences."),
        intro=_("What happened in the cases and recommendations you follow:"),
    )
