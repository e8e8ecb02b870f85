"""Delete my account: the person is anonymised, not removed, so threads and tallies stay whole.

Each domain's part is one eraser; ``thinktank.wiring`` lists them in ``ERASERS`` (run in
order, in the caller's transaction). The account row stays with the anonymous label as its
name, so comments, ballots and quotes keep their place; frozen records keep their numbers
and get the label instead of the name, organisation and interests (the one rewrite
``thinktank.frozen`` allows them, recorded in the audit log).
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select

from thinktank.accounts import names
from thinktank.accounts.models import Invitation, User, new_session_token
from thinktank.accounts.roles import Role
from thinktank.accounts.service import hash_password
from thinktank.audit.models import AuditEvent
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.discussion.models import Comment, CommentRevision
from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.mail import OutboxMessage
from thinktank.members.models import Interest
from thinktank.models import utcnow
from thinktank.notifications.models import DigestSent, Follow, Notification, NotificationPreference
from thinktank.recommendations.models import (
    ExperienceFlag,
    ExperienceReminder,
    ExperienceReport,
    RecommendationVersion,
)
from thinktank.registry import put
from thinktank.voting.models import ClosingReminder, VoteResult


@dataclass
class Erasure:
    """One deletion under way: who, their details before they are erased, and what changed."""

    user: User
    actor: User
    name: str
    email: str
    organisation: str
    label: str
    changed: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int) -> None:
        self.changed[what] = self.changed.get(what, 0) + n


Eraser = Callable[[Erasure], None]
_ERASERS: dict[str, Eraser] = {}


def register(name: str, eraser: Eraser) -> None:
    put(_ERASERS, name, eraser, "eraser")


def erasers() -> list[Eraser]:
    return list(_ERASERS.values())


def anonymous_label(user: User, locale: str = names.STORED_LOCALE) -> str:
    """The name a deleted person's contributions are shown under (stored in Danish; pages
    show it in the reader's language through ``names.shown_name``)."""
    return names.anonymous_label(user.role, locale)


def _scrub(text: str, erasure: Erasure) -> str:
    for secret in (erasure.email, erasure.name):
        if secret:
            text = text.replace(secret, erasure.label)
    return text


def _scrub_html(text: str, erasure: Erasure) -> str:
    for secret in (erasure.email, erasure.name):
        if secret:
            text = text.replace(html.escape(secret), html.escape(erasure.label))
    return _scrub(text, erasure)


# --- the erasers, in the order they run -------------------------------------------------


def transfer_drafts(erasure: Erasure) -> None:
    """A draft case only the person wrote goes to the secretariat before they leave."""
    staff = db.session.scalar(
        select(User)
        .where(User.role == Role.SECRETARIAT, User.active.is_(True), User.id != erasure.user.id)
        .order_by(User.id)
        .limit(1)
    )
    drafts = list(
        db.session.scalars(
            select(Case).where(Case.author_id == erasure.user.id, Case.state == CaseState.DRAFT)
        )
    )
    for case in drafts:
        case.author_id = staff.id if staff else None
    erasure.count("drafts_transferred", len(drafts))


def erase_interests(erasure: Erasure) -> None:
    result = db.session.execute(delete(Interest).where(Interest.user_id == erasure.user.id))
    erasure.count("interests", result.rowcount or 0)


def erase_notifications(erasure: Erasure) -> None:
    result = db.session.execute(delete(Notification).where(Notification.user_id == erasure.user.id))
    erasure.count("notifications", result.rowcount or 0)


def erase_invitations(erasure: Erasure) -> None:
    """Invitations to the person's address lose the address (and their log entries with it)."""
    invitations = list(
        db.session.scalars(select(Invitation).where(Invitation.email == erasure.email))
    )
    for invitation in invitations:
        invitation.email = ""
    ids = [invitation.id for invitation in invitations]
    if ids:
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.subject_type == "invitation", AuditEvent.subject_id.in_(ids)
            )
        ):
            event.data = {k: ("" if v == erasure.email else v) for k, v in event.data.items()}
    erasure.count("invitations", len(invitations))


def erase_from_audit_log(erasure: Erasure) -> None:
    """The person's name and address leave the log; what happened and when stays."""
    user_id = erasure.user.id
    for event in db.session.scalars(
        select(AuditEvent).where(
            or_(
                AuditEvent.actor_id == user_id,
                (AuditEvent.subject_type == "user") & (AuditEvent.subject_id == user_id),
            )
        )
    ):
        data = {k: _scrub(v, erasure) if isinstance(v, str) else v for k, v in event.data.items()}
        if data != event.data:
            event.data = data
            erasure.count("log_entries", 1)


def unlink_mentions(erasure: Erasure) -> None:
    """Mentions of the person stop linking and name them by the label instead."""
    link = re.compile(
        r'<a href="/members/%d"[^>]*>[^<]*</a>' % erasure.user.id  # noqa: UP031
    )
    name = erasure.name
    for model in (Comment, CommentRevision):
        rows = db.session.scalars(
            select(model).where(
                or_(
                    model.body.contains(name),
                    model.body_html.contains(f'"/members/{erasure.user.id}"'),
                )
            )
        )
        for row in rows:
            row.body = _scrub(row.body, erasure)
            row.body_html = _scrub(link.sub("@" + erasure.label, row.body_html), erasure)
            erasure.count("mentions", 1)


def anonymise_vote_results(erasure: Erasure) -> None:
    """Frozen tallies keep every count; the person's vote loses name, organisation, interests."""
    user_id = erasure.user.id
    with rewriting(VoteResult.snapshot):
        for result in db.session.scalars(select(VoteResult)):
            votes = result.snapshot.get("votes", [])
            if not any(vote.get("voter_id") == user_id for vote in votes):
                continue
            snapshot = dict(result.snapshot)
            snapshot["votes"] = [
                {**vote, "name": erasure.label, "organisation": "", "sector": None, "interests": []}
                if vote.get("voter_id") == user_id
                else vote
                for vote in votes
            ]
            result.snapshot = snapshot
            erasure.count("frozen_vote_results", 1)


def _anonymised_conditions(citation: dict, user_id: int, label: str) -> dict:
    """A cited group of the vote's conditions, with the person's name as the label."""
    if "conditions" not in citation:
        return citation
    return citation | {
        "conditions": [
            {**c, "name": label, "affiliation": ""} if c.get("voter_id") == user_id else c
            for c in citation["conditions"]
        ]
    }


def anonymise_published_versions(erasure: Erasure) -> None:
    """Published versions keep their text; the person's name in opinions, co-signatures and
    quotes becomes the label."""
    user_id = erasure.user.id
    own_comments = set(db.session.scalars(select(Comment.id).where(Comment.author_id == user_id)))
    anonymous = {"affiliation": ""}
    with rewriting(RecommendationVersion.minority_opinions, RecommendationVersion.citations):
        for version in db.session.scalars(select(RecommendationVersion)):
            opinions = [
                {
                    **opinion,
                    **(
                        {"author": erasure.label, **anonymous}
                        if opinion.get("author_id") == user_id
                        else {}
                    ),
                    "signers": [
                        {**s, "name": erasure.label, **anonymous} if s.get("id") == user_id else s
                        for s in opinion.get("signers", [])
                    ],
                }
                for opinion in version.minority_opinions
            ]
            citations = [
                {**c, "author": erasure.label, **anonymous}
                if c.get("comment_id") in own_comments
                else _anonymised_conditions(c, user_id, erasure.label)
                for c in version.citations
            ]
            if opinions != version.minority_opinions or citations != version.citations:
                version.minority_opinions = opinions
                version.citations = citations
                erasure.count("published_versions", 1)


def erase_mail(erasure: Erasure) -> None:
    """E-mail to the person's address goes (sent or not: the address is personal data); mail
    to others that names them keeps going, with the label instead of the name and address."""
    email = erasure.email
    if email:
        result = db.session.execute(
            delete(OutboxMessage).where(func.lower(OutboxMessage.recipient) == email.lower())
        )
        erasure.count("mail", result.rowcount or 0)
    secrets_ = [s for s in (erasure.email, erasure.name) if s]
    if not secrets_:
        return
    fields = (OutboxMessage.subject, OutboxMessage.text_body, OutboxMessage.html_body)
    found = db.session.scalars(
        select(OutboxMessage).where(
            or_(*(f.contains(s) for f in fields for s in {*secrets_, *map(html.escape, secrets_)}))
        )
    )
    for message in found:
        message.subject = _scrub(message.subject, erasure)[:300]
        message.text_body = _scrub(message.text_body, erasure)
        message.html_body = _scrub_html(message.html_body, erasure)
        erasure.count("mail_naming", 1)


def erase_follows(erasure: Erasure) -> None:
    result = db.session.execute(delete(Follow).where(Follow.user_id == erasure.user.id))
    erasure.count("follows", result.rowcount or 0)


def erase_notification_preferences(erasure: Erasure) -> None:
    result = db.session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == erasure.user.id)
    )
    erasure.count("notification_preferences", result.rowcount or 0)


def erase_digests_sent(erasure: Erasure) -> None:
    result = db.session.execute(delete(DigestSent).where(DigestSent.user_id == erasure.user.id))
    erasure.count("digests_sent", result.rowcount or 0)


def erase_closing_reminders(erasure: Erasure) -> None:
    result = db.session.execute(
        delete(ClosingReminder).where(ClosingReminder.user_id == erasure.user.id)
    )
    erasure.count("closing_reminders", result.rowcount or 0)


def scrub_experience_reports(erasure: Erasure) -> None:
    """A report is the municipality's and stays; the person's name and address leave its
    text (and the flags' notes)."""
    secrets_ = [s for s in (erasure.email, erasure.name) if s]
    reports = db.session.scalars(
        select(ExperienceReport).where(ExperienceReport.author_id == erasure.user.id)
    ).all()
    for report in reports:
        for part in ("done", "worked", "failed"):
            text = getattr(report, part)
            if any(secret in text for secret in secrets_):
                setattr(report, part, _scrub(text, erasure))
                setattr(
                    report, f"{part}_html", _scrub_html(getattr(report, f"{part}_html"), erasure)
                )
    for flag in db.session.scalars(
        select(ExperienceFlag).where(ExperienceFlag.flagger_id == erasure.user.id)
    ):
        flag.note = _scrub(flag.note, erasure)
    erasure.count("experience_reports", len(reports))


def erase_experience_reminders(erasure: Erasure) -> None:
    result = db.session.execute(
        delete(ExperienceReminder).where(ExperienceReminder.user_id == erasure.user.id)
    )
    erasure.count("experience_reminders", result.rowcount or 0)


def erase_account(erasure: Erasure) -> None:
    """Last: the account keeps its id and role, and nothing else about the person."""
    user = erasure.user
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = erasure.label
    user.organisation = ""
    user.sector = None
    user.locale = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.session_token = new_session_token()  # every session and remember-me cookie dies
    user.active = False
    user.email_verified_at = None
    user.last_login_at = None
    user.deleted_at = utcnow()


#: The erasers in the order they run (``erase_account`` runs after them all); wiring
#: registers them.
ERASERS = [
    ("transfer_drafts", transfer_drafts),
    ("interests", erase_interests),
    ("notifications", erase_notifications),
    ("invitations", erase_invitations),
    ("audit_log", erase_from_audit_log),
    ("mentions", unlink_mentions),
    ("frozen_vote_results", anonymise_vote_results),
    ("published_versions", anonymise_published_versions),
    ("mail", erase_mail),
    ("follows", erase_follows),
    ("notification_preferences", erase_notification_preferences),
    ("digests_sent", erase_digests_sent),
    ("closing_reminders", erase_closing_reminders),
    ("experience_reports", scrub_experience_reports),
    ("experience_reminders", erase_experience_reminders),
]
