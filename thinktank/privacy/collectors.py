"""What each domain holds about a person, one function per kind (listed in
``thinktank.wiring.EXPORT_COLLECTORS``). Each runs a fixed number of queries, however much
the person wrote, and returns only what the person could see anyway."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, or_, select

from thinktank.accounts.models import Invitation
from thinktank.audit.models import AuditEvent
from thinktank.audit.service import describe
from thinktank.cases.models import Case
from thinktank.discussion.models import Comment, CommentRevision, Discussion
from thinktank.extensions import db
from thinktank.mail import KIND_HEADER, OutboxMessage
from thinktank.members.models import Interest
from thinktank.notifications import follows as following
from thinktank.notifications.emails import absolute
from thinktank.notifications.models import Follow, Notification
from thinktank.notifications.service import mail_kinds_for, preferences
from thinktank.privacy.export import Collector, plain
from thinktank.recommendations.models import (
    Adoption,
    Cosignature,
    ExperienceFlag,
    ExperienceReport,
    MinorityOpinion,
    ReviewResponse,
)
from thinktank.voting.models import Ballot, BallotChange, Position


def _row(obj, *names: str) -> dict:
    return {name: plain(getattr(obj, name)) for name in names}


def _owned(owner, user, names: str, order_by=()) -> list[dict]:
    """The named fields (space-separated) of every row whose ``owner`` column is the person,
    in ``order_by`` (else by id)."""
    model = owner.class_
    statement = select(model).where(owner == user.id).order_by(*(order_by or (model.id,)))
    return [_row(row, *names.split()) for row in db.session.scalars(statement)]


def account(user) -> dict:
    return _row(
        user,
        "id",
        "email",
        "display_name",
        "organisation",
        "sector",
        "role",
        "locale",
        "active",
        "created_at",
        "last_login_at",
        "email_verified_at",
    )


def comments(user) -> list[dict]:
    rows = db.session.execute(
        select(Comment, Discussion.subject_type, Discussion.subject_id)
        .join(Discussion, Discussion.id == Comment.discussion_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    revisions = defaultdict(list)
    for revision in db.session.scalars(
        select(CommentRevision)
        .join(Comment, Comment.id == CommentRevision.comment_id)
        .where(Comment.author_id == user.id)
        .order_by(CommentRevision.comment_id, CommentRevision.number)
    ):
        revisions[revision.comment_id].append(_row(revision, "number", "body", "written_at"))
    return [
        {
            **_row(comment, "id", "parent_id", "body", "stance", "position_id"),
            **_row(comment, "created_at", "edited_at", "removed_at", "removal"),
            "subject_type": subject_type,
            "subject_id": subject_id,
            "earlier_versions": revisions.get(comment.id, []),
        }
        for comment, subject_type, subject_id in rows
    ]


def ballots(user) -> list[dict]:
    found = list(
        db.session.scalars(select(Ballot).where(Ballot.voter_id == user.id).order_by(Ballot.id))
    )
    changes = defaultdict(list)
    for change in db.session.scalars(
        select(BallotChange)
        .join(Ballot, Ballot.id == BallotChange.ballot_id)
        .where(Ballot.voter_id == user.id)
        .order_by(BallotChange.created_at, BallotChange.id)
    ):
        changes[change.ballot_id].append(
            _row(
                change, "choice", "position_id", "reason", "conditional", "conditions", "created_at"
            )
        )
    return [
        {
            **_row(
                b,
                "id",
                "case_id",
                "choice",
                "position_id",
                "reason",
                "conditional",
                "conditions",
                "cast_at",
                "updated_at",
            ),  # fmt: skip
            "changes": changes.get(b.id, []),
        }
        for b in found
    ]


def positions(user) -> list[dict]:
    return _owned(
        Position.proposer_id,
        user,
        "id case_id title explanation status rejection_reason created_at",
    )


def cases(user) -> list[dict]:
    return _owned(Case.author_id, user, "id title summary state visibility created_at")


def interests(user) -> list[dict]:
    return [
        {**i.snapshot(), "id": i.id, "ended_at": plain(i.ended_at)}
        for i in db.session.scalars(
            select(Interest).where(Interest.user_id == user.id).order_by(Interest.declared_at)
        )
    ]


def review_answers(user) -> list[dict]:
    return _owned(
        ReviewResponse.member_id, user, "id recommendation_id round response reason created_at"
    )


def minority_opinions(user) -> list[dict]:
    return _owned(
        MinorityOpinion.author_id, user, "id recommendation_id body created_at updated_at"
    )


def cosignatures(user) -> list[dict]:
    rows = db.session.execute(
        select(Cosignature, MinorityOpinion.recommendation_id)
        .join(MinorityOpinion, MinorityOpinion.id == Cosignature.opinion_id)
        .where(Cosignature.member_id == user.id)
        .order_by(Cosignature.id)
    ).all()
    return [
        {**_row(s, "id", "opinion_id", "created_at"), "recommendation_id": recommendation_id}
        for s, recommendation_id in rows
    ]


def adoptions(user) -> list[dict]:
    return _owned(
        Adoption.user_id, user, "id recommendation_id municipality note status created_at"
    )


def experience_reports(user) -> list[dict]:
    return _owned(
        ExperienceReport.author_id,
        user,
        "id recommendation_id version municipality done worked failed recommends visibility "
        "created_at updated_at removed_at removal_reason",
    )


def experience_flags(user) -> list[dict]:
    return _owned(
        ExperienceFlag.flagger_id, user, "id report_id reason note created_at resolved_at"
    )


def notifications(user) -> list[dict]:
    return _owned(
        Notification.user_id,
        user,
        "id kind url data created_at read_at",
        order_by=(Notification.created_at, Notification.id),
    )


def follows(user) -> list[dict]:
    """What the person follows, since when, and the page (its title and address only where
    the person may still see it)."""
    rows = list(
        db.session.scalars(
            select(Follow).where(Follow.user_id == user.id).order_by(Follow.created_at, Follow.id)
        )
    )
    kinds = {following.CASE: "case_id", following.RECOMMENDATION: "recommendation_id"}
    found = []
    described = {
        kind: following.described(kind, [getattr(r, column) for r in rows if getattr(r, column)])
        for kind, column in kinds.items()
    }
    for row in rows:
        kind = following.CASE if row.case_id else following.RECOMMENDATION
        subject_id = getattr(row, kinds[kind])
        page = described[kind].get(subject_id)
        found.append(
            {
                "kind": kind,
                "id": subject_id,
                "title": page.title if page else "",
                "url": absolute(page.url) if page else "",
                "since": plain(row.created_at),
            }
        )
    return found


def notification_preferences(user) -> list[dict]:
    """How the person gets each kind of event by e-mail (``default``: not chosen by them)."""
    chosen = preferences([user.id])[user.id]
    defaults = {m.name: m.default for m in mail_kinds_for(user)}
    return [
        {"kind": name, "delivery": chosen[name], "default": chosen[name] == default}
        for name, default in defaults.items()
    ]


def emails(user) -> list[dict]:
    """The e-mails sent (or waiting to be sent) to the person's address; never the bodies of
    mail to anyone else."""
    return [
        {
            **_row(m, "id", "subject", "status", "created_at", "sent_at"),
            "kind": (m.headers or {}).get(KIND_HEADER, ""),
        }
        for m in db.session.scalars(
            select(OutboxMessage)
            .where(func.lower(OutboxMessage.recipient) == user.email.lower())
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    ]


def invitations_sent(user) -> list[dict]:
    # the addresses are the ones the person typed in themselves
    return [
        {**_row(i, "id", "email", "role", "created_at", "expires_at"), "status": i.status}
        for i in db.session.scalars(
            select(Invitation)
            .where(Invitation.invited_by_id == user.id)
            .order_by(Invitation.created_at, Invitation.id)
        )
    ]


def audit_events(user) -> list[dict]:
    """Log entries the person made or that are about their account; who else acted is left
    out (the full log is for administrators)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user.id,
                (AuditEvent.subject_type == "user") & (AuditEvent.subject_id == user.id),
            )
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return [
        {
            **_row(e, "id", "created_at", "action", "subject_type", "subject_id", "data"),
            "description": describe(e),
            "by_you": e.actor_id == user.id,
        }
        for e in events
    ]


def _text(item: dict, key: str) -> str:
    return " ".join(str(item.get(key) or "").split())[:300]


COLLECTORS = [
    Collector(
        "account",
        "Account / Konto",
        "An object: id, email, display_name, organisation, sector, role, locale, active, "
        "created_at, last_login_at, email_verified_at.",
        account,
        lambda a: f"{a['display_name']} <{a['email']}>, {a['role']}, {a['organisation']}",
    ),
    Collector(
        "cases",
        "Cases you wrote / Sager du har skrevet",
        "A list: id, title, summary, state, visibility, created_at.",
        cases,
        lambda c: f"#{c['id']} {c['title']} ({c['state']})",
    ),
    Collector(
        "comments",
        "Comments / Kommentarer",
        "A list: id, parent_id, subject_type (case or recommendation), subject_id, body "
        "(Markdown), stance, position_id, created_at, edited_at, removed_at, removal, "
        "earlier_versions (number, body, written_at).",
        comments,
        lambda c: (
            f"#{c['id']} {c['created_at']} ({c['subject_type']} {c['subject_id']}, "
            f"{len(c['earlier_versions'])} earlier versions): {_text(c, 'body')}"
        ),
    ),
    Collector(
        "ballots",
        "Votes / Stemmer",
        "A list: id, case_id, choice (position, abstain, recuse), position_id, reason, "
        "cast_at, updated_at, changes (choice, position_id, reason, created_at).",
        ballots,
        lambda b: (
            f"case {b['case_id']}: {b['choice']} {b['position_id'] or ''} "
            f"({len(b['changes'])} submissions) {_text(b, 'reason')}"
        ),
    ),
    Collector(
        "positions_proposed",
        "Positions proposed / Foreslåede holdninger",
        "A list: id, case_id, title, explanation, status, rejection_reason, created_at.",
        positions,
        lambda p: f"case {p['case_id']}: {p['title']} ({p['status']})",
    ),
    Collector(
        "interests",
        "Declared interests / Oplyste interesser",
        "A list, current and ended: id, kind, organisation, description, starts_on, ends_on, "
        "declared_at, ended_at.",
        interests,
        lambda i: f"{i['kind']}: {i['organisation']} {i['starts_on'] or ''}–{i['ends_on'] or ''}",
    ),
    Collector(
        "review_answers",
        "Review answers / Høringssvar",
        "A list: id, recommendation_id, round, response (consent or objection), reason, "
        "created_at.",
        review_answers,
        lambda r: f"recommendation {r['recommendation_id']}: {r['response']} {_text(r, 'reason')}",
    ),
    Collector(
        "minority_opinions",
        "Minority opinions / Mindretalsudtalelser",
        "A list: id, recommendation_id, body, created_at, updated_at.",
        minority_opinions,
        lambda o: f"recommendation {o['recommendation_id']}: {_text(o, 'body')}",
    ),
    Collector(
        "cosignatures",
        "Co-signatures / Medunderskrifter",
        "A list: id, opinion_id, recommendation_id, created_at.",
        cosignatures,
        lambda s: f"opinion {s['opinion_id']} (recommendation {s['recommendation_id']})",
    ),
    Collector(
        "adoptions",
        "Adoptions / Anvendelser",
        "A list: id, recommendation_id, municipality (code), note, status, created_at.",
        adoptions,
        lambda a: f"recommendation {a['recommendation_id']}, {a['municipality']}: {a['status']}",
    ),
    Collector(
        "experience_reports",
        "Experience reports / Erfaringer fra praksis",
        "A list: id, recommendation_id, version, municipality (code), done, worked, failed "
        "(Markdown), recommends (yes, partly, no), visibility (public or internal), "
        "created_at, updated_at, removed_at, removal_reason.",
        experience_reports,
        lambda r: (
            f"recommendation {r['recommendation_id']} v{r['version']}, "
            f"{r['municipality']}: {r['recommends']}"
        ),
    ),
    Collector(
        "experience_flags",
        "Flagged experience reports / Markerede erfaringer",
        "A list: id, report_id, reason, note, created_at, resolved_at.",
        experience_flags,
        lambda f: f"report {f['report_id']}: {f['reason']}",
    ),
    Collector(
        "notifications",
        "Notifications / Notifikationer",
        "A list: id, kind, url, data, created_at, read_at.",
        notifications,
        lambda n: f"{n['created_at']} {n['kind']} {n['url']}",
    ),
    Collector(
        "follows",
        "Following / Følger",
        "A list: kind (case or recommendation), id, title, url (the page), since.",
        follows,
        lambda f: f"{f['kind']} {f['id']} {f['title']} {f['url']} (since {f['since']})",
    ),
    Collector(
        "notification_preferences",
        "E-mail preferences / E-mail-indstillinger",
        "A list: kind (of event), delivery (immediately, daily, weekly, never), default "
        "(whether it is the default rather than your own choice).",
        notification_preferences,
        lambda p: f"{p['kind']}: {p['delivery']}" + (" (default)" if p["default"] else ""),
    ),
    Collector(
        "emails",
        "E-mails sent to you / E-mails sendt til dig",
        "A list: id, subject, kind, status (pending, sending, sent, failed), created_at "
        "(queued), sent_at.",
        emails,
        lambda m: f"{m['created_at']} {m['kind']}: {m['subject']} ({m['status']})",
    ),
    Collector(
        "invitations_sent",
        "Invitations sent / Sendte invitationer",
        "A list: id, email, role, created_at, expires_at, status.",
        invitations_sent,
        lambda i: f"{i['email']} as {i['role']}: {i['status']}",
    ),
    Collector(
        "audit_log",
        "Log entries about you / Logposter om dig",
        "A list: id, created_at, action, description, subject_type, subject_id, data, by_you "
        "(whether you made the change).",
        audit_events,
        lambda e: f"{e['created_at']} {e['description']}",
    ),
]
