"""Discussion rules: post, reply, quote, edit with kept revisions, delete, remove, flag, moderate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from thinktank.audit.service import record
from thinktank.cases.chatham import hides_contributors, sector_label
from thinktank.concurrency import Change, claim_edit, text_changes
from thinktank.discussion import mentions, paging, subjects, thread
from thinktank.discussion.models import (
    Comment,
    CommentRevision,
    Discussion,
    Flag,
    FlagReason,
    FlagResolution,
    Removal,
    Stance,
)
from thinktank.double_posts import lock_author, recent_twin
from thinktank.errors import InvalidTransition, LoginRequired, NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION, plain_text, render_markdown
from thinktank.models import utcnow
from thinktank.notifications import follows
from thinktank.notifications.service import notify
from thinktank.permissions import require

MAX_LENGTH = 20_000

#: How this service's actions read in the logs.
AUDIT_ACTIONS = {
    "comment_deleted": _l("A comment was deleted by its author"),
    "comment_removed": _l("A comment was removed: %(reason)s"),
    "flag_dismissed": _l("A flag on a comment was dismissed"),
    "comment_flagged": _l("A comment was flagged for the moderators"),
}


# --- reading -----------------------------------------------------------------------------


@dataclass
class DiscussionView:
    """Everything the discussion section of a page needs (a fixed number of queries)."""

    kind: str
    subject_id: int
    thread: list[thread.Node]
    count: int  # in the whole discussion, not the page
    flagged_by_me: set[int]
    refusal: str | None
    needs_login: bool  # the refusal is lifted by logging in (as a member)
    positions: dict[int, str]
    newest_first: bool
    page: Pagination | None = None  # the page of threads shown (None: no comments yet)
    hide_names: bool = False  # a Chatham House case seen from outside the think tank


def discussion_of(kind: str, subject_id: int) -> Discussion | None:
    return db.session.scalar(
        select(Discussion).where(
            Discussion.subject_type == kind, Discussion.subject_id == subject_id
        )
    )


def _flagged_by(user, discussion_id: int) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        db.session.scalars(
            select(Flag.comment_id)
            .join(Comment)
            .where(Comment.discussion_id == discussion_id, Flag.flagger_id == user.id)
        )
    )


def _beyond_the_last(page: Pagination) -> None:
    """A page number past the last page is a 404 (page 1 of an empty discussion is not)."""
    if page.page > max(page.pages, 1):
        raise NotFound()


def view(user, kind: str, subject: Any, newest_first: bool = False) -> DiscussionView:
    """The page of threads of ``subject`` (``?page=``) as ``user`` sees it, each thread with
    its first replies (the subject is already checked visible)."""
    described = subjects.get(kind)
    discussion = discussion_of(kind, subject.id)
    nodes: list[thread.Node] = []
    flagged: set[int] = set()
    page, count = None, 0
    if discussion is not None:
        page = paging.threads(discussion.id, newest_first)
        _beyond_the_last(page)
        roots = list(page.items)
        replies, totals = paging.first_replies([root.id for root in roots])
        nodes = thread.build([*roots, *replies], newest_first)
        shown: dict[int, int] = {}
        for reply in replies:
            shown[reply.thread_id] = shown.get(reply.thread_id, 0) + 1
        for node in nodes:
            node.hidden_replies = totals.get(node.comment.id, 0) - shown.get(node.comment.id, 0)
        count = paging.totals(discussion.id)
        flagged = _flagged_by(user, discussion.id)
    refusal = described.why_not_post(user, subject)
    return DiscussionView(
        kind=kind,
        subject_id=subject.id,
        thread=nodes,
        count=count,
        flagged_by_me=flagged,
        refusal=refusal.message if refusal else None,
        needs_login=isinstance(refusal, LoginRequired),
        positions=dict(described.positions(subject)),
        newest_first=newest_first,
        hide_names=hides_contributors(subject, user),
        page=page,
    )


@dataclass
class ThreadView:
    """One thread on a page of its own: the top-level comment and a page of all its replies."""

    discussion: DiscussionView  # its thread: the one top-level comment with the page's replies
    page: Pagination
    subject_title: str
    back: str  # the page of the discussion that holds the thread


def thread_view(user, comment_id: int) -> ThreadView:
    """The thread started by ``comment_id`` with a page (``?page=``) of all its replies."""
    root, described, subject = comment_in_context(user, comment_id)
    if root.parent_id is not None:
        raise NotFound()
    page = paging.replies(root.id)
    _beyond_the_last(page)
    replies = list(page.items)
    node = thread.build_thread(root, replies, paging.answered(replies))
    refusal = described.why_not_post(user, subject)
    discussion = DiscussionView(
        kind=described.kind,
        subject_id=subject.id,
        thread=[node],
        count=page.total + (0 if root.is_removed else 1),
        flagged_by_me=_flagged_by(user, root.discussion_id),
        refusal=refusal.message if refusal else None,
        needs_login=isinstance(refusal, LoginRequired),
        positions=dict(described.positions(subject)),
        newest_first=False,
        hide_names=hides_contributors(subject, user),
    )
    return ThreadView(
        discussion=discussion,
        page=page,
        subject_title=described.title(subject),
        back=permalink(described, subject, root),
    )


def arguments(kind: str, subject_id: int) -> dict[int, dict[str, list[Comment]]]:
    """{position id: {"for": [...], "against": [...]}}: the comments marked as arguments
    (removed ones left out), oldest first, in one query."""
    found: dict[int, dict[str, list[Comment]]] = {}
    marked = db.session.scalars(
        select(Comment)
        .join(Discussion, Discussion.id == Comment.discussion_id)
        .where(
            Discussion.subject_type == kind,
            Discussion.subject_id == subject_id,
            Comment.position_id.is_not(None),
            Comment.removed_at.is_(None),
        )
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    for comment in marked:
        side = found.setdefault(comment.position_id, {"for": [], "against": []})
        side[comment.stance.value].append(comment)
    return found


def comment_in_context(user, comment_id: int) -> tuple[Comment, subjects.Subject, Any]:
    """A comment with the subject it belongs to, if ``user`` may read that subject."""
    comment = db.session.scalar(
        select(Comment)
        .where(Comment.id == comment_id)
        .options(joinedload(Comment.discussion), joinedload(Comment.author))
    )
    if comment is None:
        raise NotFound()
    described = subjects.get(comment.discussion.subject_type)
    return comment, described, described.load_visible(user, comment.discussion.subject_id)


def permalink(described: subjects.Subject, subject: Any, comment: Comment) -> str:
    """The page that shows ``comment``, with its anchor (``/comments/<id>`` redirects here)."""
    return paging.location(described.url(subject), comment)


def comment_url(comment: Comment) -> str:
    """The permanent address of a comment, to keep (it finds the page when followed)."""
    return url_for("discussion.show", comment_id=comment.id)


def revisions(user, comment_id: int) -> tuple[Comment, str, list[CommentRevision]]:
    """An edited comment's earlier texts, for members (never for a removed comment)."""
    comment, described, subject = comment_in_context(user, comment_id)
    require("view_comment_history", comment, user=user)
    if comment.is_removed:
        raise NotFound()
    earlier = db.session.scalars(
        select(CommentRevision)
        .where(CommentRevision.comment_id == comment.id)
        .order_by(CommentRevision.number.desc())
    ).all()
    return comment, permalink(described, subject, comment), list(earlier)


def quote(comment: Comment, subject: Any = None) -> str:
    """The comment as a clean quote to start a reply with: its plain text as readers see it
    (no Markdown characters, no quotes of quotes), each line after "> ", under the name."""
    if comment.is_removed:
        raise InvalidTransition(_("A removed comment cannot be quoted."))
    # the quote stays in the reply's text, which outsiders read: a Chatham House case
    # quotes by sector
    name = comment.author.display_name if comment.author else "?"
    if getattr(subject, "chatham_house", False):
        name = sector_label(comment.author)
    plain = plain_text(comment.body, quotes=False)
    lines = [f"> {line}" if line.strip() else ">" for line in plain.splitlines()]
    return "\n".join([f"> **{name}:**", ">", *lines]) + "\n\n"


def preview(body: str | None) -> mentions.Preview:
    """The comment as it would be posted, and its mentions that match nobody or several."""
    return mentions.preview(body or "")


# --- writing -----------------------------------------------------------------------------


def _checked_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write something before you post."), field="body")
    if len(body) > MAX_LENGTH:
        raise ValidationFailed(
            _("A comment can be at most %(n)s characters.", n=format_number(MAX_LENGTH)),
            field="body",
        )
    return body


def _cook(comment: Comment) -> dict:
    found = mentions.resolve(comment.body)
    comment.body_html = str(render_markdown(comment.body, mentions=mentions.resolver(found)))
    comment.markup_version = MARKUP_VERSION
    return found


def render_comment(body: str) -> str:
    """A comment's text as HTML, its mentions linked: also for its revisions and quotes."""
    return str(render_markdown(body, mentions=mentions.resolver(mentions.resolve(body))))


def _ensure_discussion(kind: str, subject_id: int) -> Discussion:
    discussion = discussion_of(kind, subject_id)
    if discussion is not None:
        return discussion
    try:
        with db.session.begin_nested():
            discussion = Discussion(subject_type=kind, subject_id=subject_id)
            db.session.add(discussion)
    except IntegrityError:  # created by a concurrent first comment
        discussion = discussion_of(kind, subject_id)
    return discussion


def _checked_argument(
    described, subject, stance: str | None, position_id: int | None
) -> tuple[Stance | None, int | None]:
    if not position_id and not stance:
        return None, None
    positions = dict(described.positions(subject))
    if position_id not in positions or stance not in Stance._value2member_map_:
        raise ValidationFailed(_("Choose a position of this case and for or against."), "argument")
    return Stance(stance), position_id


def post(
    user,
    kind: str,
    subject_id: int,
    body: str,
    *,
    parent_id: int | None = None,
    stance: str | None = None,
    position_id: int | None = None,
) -> tuple[Comment, str]:
    """Post a comment (or a reply); returns it and its permalink. The same text sent again
    by its author within a minute (a double click) returns the comment already posted."""
    described = subjects.get(kind)
    subject = described.load_visible(user, subject_id)
    refusal = described.why_not_post(user, subject)
    if refusal:
        raise refusal
    body = _checked_body(body)
    stance_value, position_value = _checked_argument(described, subject, stance, position_id)
    discussion = _ensure_discussion(kind, subject.id)
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.discussion_id != discussion.id:
            raise NotFound()
        if parent.is_removed:
            raise InvalidTransition(_("A removed comment cannot be answered."))
    lock_author(user)
    twin = recent_twin(
        Comment,
        Comment.discussion_id == discussion.id,
        Comment.parent_id == (parent.id if parent else None),
        Comment.author_id == user.id,
        Comment.body == body,
        Comment.stance == stance_value,
        Comment.position_id == position_value,
        Comment.removed_at.is_(None),
    )
    if twin is not None:
        return twin, permalink(described, subject, twin)
    comment = Comment(
        discussion_id=discussion.id,
        parent_id=parent.id if parent else None,
        thread_id=(parent.thread_id or parent.id) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_id=user.id,
        body=body,
        stance=stance_value,
        position_id=position_value,
        created_at=utcnow(),
    )
    found = _cook(comment)
    db.session.add(comment)
    db.session.flush()
    link = permalink(described, subject, comment)
    title = described.title(subject)
    kept = comment_url(comment)
    for mentioned in found.values():
        notify(mentioned.id, "mention", actor=user, url=kept, title=title)
    if parent and parent.author_id and parent.author_id not in {u.id for u in found.values()}:
        notify(parent.author_id, "reply", actor=user, url=kept, title=title)
    follows.follow_automatically(user.id, kind, subject.id)  # commenters follow what they discuss
    return comment, link


def edit(
    user, comment_id: int, body: str, expected_version: int | None = None
) -> tuple[Comment, str]:
    """Replace the text; the earlier text is kept as a revision. A form opened at an older
    ``expected_version`` raises :class:`EditConflict` instead of overwriting."""
    comment, described, subject = comment_in_context(user, comment_id)
    require("edit_comment", comment, user=user)
    refusal = described.why_not_post(user, subject)
    if refusal:
        raise refusal
    body = _checked_body(body)
    link = permalink(described, subject, comment)
    if body == comment.body:
        return comment, link
    claim_edit(
        comment, "revision_count", expected_version, lambda since: _changes_since(comment, since)
    )
    db.session.add(
        CommentRevision(
            comment_id=comment.id,
            number=comment.revision_count - 1,  # the text being replaced
            body=comment.body,
            body_html=comment.body_html,
            markup_version=comment.markup_version,
            written_at=comment.edited_at or comment.created_at,
        )
    )
    before = set(mentions.resolve(comment.body))
    comment.body = body
    found = _cook(comment)
    comment.edited_at = utcnow()
    for token, mentioned in found.items():
        if token not in before:
            notify(
                mentioned.id,
                "mention",
                actor=user,
                url=comment_url(comment),
                title=described.title(subject),
            )
    return comment, link


def _changes_since(comment: Comment, number: int) -> list[Change]:
    """What was saved after version ``number`` of the comment (kept as its revision)."""
    before = db.session.scalar(
        select(CommentRevision.body).where(
            CommentRevision.comment_id == comment.id, CommentRevision.number == number
        )
    )
    return [] if before is None else text_changes([(_("Your comment"), before, comment.body)])


def delete_own(user, comment_id: int) -> str:
    """The author takes their comment back; its place in the thread stays."""
    comment, described, subject = comment_in_context(user, comment_id)
    require("delete_comment", comment, user=user)
    _remove(comment, user, Removal.AUTHOR, "")
    record("comment_deleted", actor=user, subject=comment)
    return permalink(described, subject, comment)


def remove(user, comment_id: int, reason: str) -> str:
    """The secretariat removes a comment, with a reason; open flags on it are resolved."""
    comment, described, subject = comment_in_context(user, comment_id)
    require("remove_comment", comment, user=user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for removing the comment."), field="reason")
    _remove(comment, user, Removal.MODERATOR, reason[:500])
    _resolve_flags(comment.id, user, FlagResolution.REMOVED)
    record("comment_removed", actor=user, subject=comment, reason=reason[:500])
    return permalink(described, subject, comment)


def _remove(comment: Comment, user, removal: Removal, reason: str) -> None:
    comment.removed_at = utcnow()
    comment.removal = removal
    comment.removed_by_id = user.id
    comment.removal_reason = reason


def flag(user, comment_id: int, reason: str, note: str = "") -> str:
    """Flag a comment for the secretariat, once per person."""
    comment, described, subject = comment_in_context(user, comment_id)
    require("flag_comment", comment, user=user)
    if reason not in FlagReason._value2member_map_:
        raise ValidationFailed(_("Choose a reason."), field="reason")
    already = _("You have already flagged this comment.")
    if db.session.scalar(
        select(Flag.id).where(Flag.comment_id == comment.id, Flag.flagger_id == user.id)
    ):
        raise ValidationFailed(already)
    try:
        with db.session.begin_nested():
            db.session.add(
                Flag(
                    comment_id=comment.id,
                    flagger_id=user.id,
                    reason=FlagReason(reason),
                    note=(note or "").strip()[:500],
                )
            )
    except IntegrityError:  # a double click that raced past the check above
        raise ValidationFailed(already) from None
    record("comment_flagged", actor=user, subject=comment, reason=reason)
    return permalink(described, subject, comment)


def _resolve_flags(comment_id: int, user, resolution: FlagResolution) -> int:
    open_flags = db.session.scalars(
        select(Flag).where(Flag.comment_id == comment_id, Flag.resolved_at.is_(None))
    ).all()
    for item in open_flags:
        item.resolved_at = utcnow()
        item.resolved_by_id = user.id
        item.resolution = resolution
    return len(open_flags)


def dismiss_flags(user, comment_id: int) -> None:
    """The secretariat finds nothing wrong: the comment's open flags are closed."""
    require("moderate", user=user)
    if not _resolve_flags(comment_id, user, FlagResolution.DISMISSED):
        raise InvalidTransition(_("There are no open flags on this comment."))
    record("flag_dismissed", actor=user, subject=db.session.get(Comment, comment_id))


# --- moderation queue --------------------------------------------------------------------


@dataclass
class QueueItem:
    comment: Comment
    parent: Comment | None
    flags: list[Flag]
    subject_title: str
    subject_url: str


def open_flag_count() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(Flag.comment_id))).where(Flag.resolved_at.is_(None))
    )


def flagged_comments() -> Select:
    """Comments with open flags, the most flagged and oldest first (for pagination)."""
    return (
        select(Comment)
        .join(Flag, Flag.comment_id == Comment.id)
        .where(Flag.resolved_at.is_(None))
        .group_by(Comment.id)
        .order_by(func.count(Flag.id).desc(), func.min(Flag.created_at), Comment.id)
    )


def queue_items(comments: list[Comment]) -> list[QueueItem]:
    """Each flagged comment with its flags, the comment it answers and its subject (4 queries)."""
    ids = [comment.id for comment in comments]
    parent = aliased(Comment)
    rows = db.session.execute(
        select(Comment, parent)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .where(Comment.id.in_(ids))
        .options(
            joinedload(Comment.author), joinedload(Comment.discussion), joinedload(parent.author)
        )
    ).all()
    flags = db.session.scalars(
        select(Flag)
        .where(Flag.comment_id.in_(ids), Flag.resolved_at.is_(None))
        .options(joinedload(Flag.flagger))
        .order_by(Flag.created_at)
    ).all()
    by_kind: dict[str, list[int]] = {}
    for comment, _parent in rows:
        by_kind.setdefault(comment.discussion.subject_type, []).append(
            comment.discussion.subject_id
        )
    described = {
        kind: subjects.get(kind).describe_many(subject_ids) for kind, subject_ids in by_kind.items()
    }
    items = {}
    for comment, parent_comment in rows:
        title, url = described[comment.discussion.subject_type].get(
            comment.discussion.subject_id, ("?", "/")
        )
        items[comment.id] = QueueItem(comment, parent_comment, [], title, url)
    for item in flags:
        items[item.comment_id].flags.append(item)
    return [items[comment_id] for comment_id in ids if comment_id in items]


def rerender_markdown() -> int:
    """Re-render comments and earlier comment texts cooked by an older sanitiser version;
    returns how many comments."""
    stale = db.session.scalars(
        select(Comment).where(Comment.markup_version != MARKUP_VERSION)
    ).all()
    for comment in stale:
        _cook(comment)
    for revision in db.session.scalars(
        select(CommentRevision).where(CommentRevision.markup_version != MARKUP_VERSION)
    ):
        revision.body_html = render_comment(revision.body)
        revision.markup_version = MARKUP_VERSION
    return len(stale)
