"""Keeping the index in step: what each indexed thing looks like as a search document, the
session hook that rewrites the documents of everything a transaction changed (just before it
commits, so in the same transaction), and the full rebuild behind ``flask reindex``."""

from __future__ import annotations

from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from thinktank.accounts.models import User
from thinktank.cases.chatham import without_mentions
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState, Visibility
from thinktank.discussion.models import Comment, Discussion
from thinktank.extensions import db
from thinktank.markup import plain_text_of_html
from thinktank.members.models import Interest
from thinktank.members.policies import listed_in_register, participants_clause
from thinktank.models import local_today
from thinktank.recommendations.models import Recommendation, RecommendationVersion, Status
from thinktank.search import text
from thinktank.search.models import Audience, Kind, SearchDocument

_PENDING = "thinktank.search_pending"
#: The fields of an account the member register shows (a login changes none of them).
_MEMBER_FIELDS = ("display_name", "organisation", "sector", "role", "active")


def _value(enum_value) -> str | None:
    return enum_value.value if enum_value is not None else None


def case_access(case: Case) -> tuple[Audience, int | None]:
    """Who sees a case's page (cases/policies.py ``can_view``), and so its comments."""
    if case.state == CaseState.DRAFT:
        return Audience.STAFF, case.author_id
    if case.visibility == Visibility.PUBLIC:
        return Audience.PUBLIC, None
    return Audience.MEMBERS, None


def _case_document(case: Case) -> dict:
    audience, owner = case_access(case)
    parts = [
        plain_text_of_html(case.dilemma_html),
        case.affected,
        case.data_sources,
        plain_text_of_html(case.benefits_html),
        plain_text_of_html(case.risks_html),
        case.legal_basis,
    ]
    return {
        "title": case.title,
        "summary": case.summary,
        "body": "\n".join(p for p in parts if p),
        "domain": _value(case.domain),
        "technology": _value(case.technology),
        "state": _value(case.state),
        "case_id": case.id,
        "audience": audience,
        "owner_id": owner,
        "dated_at": case.last_activity_at,
    }


def _comment_document(comment: Comment) -> dict | None:
    if comment.is_removed:
        return None  # a removed comment's text is never shown again, nor found
    discussion = db.session.get(Discussion, comment.discussion_id)
    values = {"body": plain_text_of_html(comment.body_html), "dated_at": comment.created_at}
    if discussion.subject_type == "case":
        case = db.session.get(Case, discussion.subject_id)
        audience, owner = case_access(case)
        # a snippet is shown to everyone who finds it: no member's name from a Chatham House case
        html = without_mentions(comment.body_html, case.chatham_house)
        return values | {
            "body": plain_text_of_html(html),
            "context_title": case.title,
            "context_kind": "case",
            "domain": _value(case.domain),
            "technology": _value(case.technology),
            "state": _value(case.state),
            "case_id": case.id,
            "audience": audience,
            "owner_id": owner,
        }
    if discussion.subject_type == "recommendation":
        recommendation = db.session.get(Recommendation, discussion.subject_id)
        return values | {
            "context_title": recommendation.title,
            "context_kind": "recommendation",
            "domain": _value(recommendation.domain),
            "technology": _value(recommendation.technology),
            "audience": Audience.MEMBERS,  # the review is internal (view_recommendation_draft)
        }
    return None


def _recommendation_document(recommendation: Recommendation) -> dict | None:
    """The current published version (never the working copy: a draft is not published)."""
    if not recommendation.is_published:
        return None
    version = db.session.scalar(
        select(RecommendationVersion).where(
            RecommendationVersion.recommendation_id == recommendation.id,
            RecommendationVersion.number == recommendation.current_version,
        )
    )
    if version is None:
        return None
    case = db.session.get(Case, recommendation.case_id)
    current = recommendation.status == Status.PUBLISHED and recommendation.superseded_by_id is None
    return {
        "title": version.title,
        "summary": version.summary,
        "body": plain_text_of_html(version.body_html),
        "domain": _value(recommendation.domain),
        "technology": _value(recommendation.technology),
        "state": _value(case.state) if case else None,
        "case_id": recommendation.case_id,
        "audience": Audience.PUBLIC,
        "boost": 2.0 if current else 0.5,
        "dated_at": version.published_at,
    }


def _member_document(user: User) -> dict | None:
    """Active members and secretariat staff, as the register lists them, with their current
    declared interests."""
    if not listed_in_register(user):
        return None
    today = local_today()
    interests = db.session.scalars(
        select(Interest).where(Interest.user_id == user.id).order_by(Interest.declared_at)
    )
    body = [
        f"{interest.organisation}. {interest.description}"
        for interest in interests
        if interest.is_current(today)
    ]
    return {
        "title": user.display_name,
        "summary": user.affiliation,
        "body": "\n".join(body),
        "audience": Audience.PUBLIC,
        "dated_at": user.created_at,
    }


_BUILDERS = {
    Kind.CASE: (Case, _case_document),
    Kind.COMMENT: (Comment, _comment_document),
    Kind.RECOMMENDATION: (Recommendation, _recommendation_document),
    Kind.MEMBER: (User, _member_document),
}


def _with_terms(values: dict) -> dict:
    document = {
        "title": "",
        "summary": "",
        "body": "",
        "context_title": "",
        "context_kind": "",
        "domain": None,
        "technology": None,
        "state": None,
        "case_id": None,
        "owner_id": None,
        "boost": 1.0,
    } | values
    stems = db.session.get_bind().dialect.name == "sqlite"  # PostgreSQL stems by itself
    for name in ("title", "summary", "body"):
        document[f"{name}_terms"] = text.stems(document[name]) if stems else ""
    return document


def refresh(kind: Kind, object_id: int) -> None:
    """Write (or delete) the document of one thing as it is now in this transaction."""
    model, build = _BUILDERS[kind]
    found = db.session.get(model, object_id)
    values = build(found) if found is not None else None
    document = db.session.scalar(
        select(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.object_id == object_id
        )
    )
    if values is None:
        if document is not None:
            db.session.delete(document)
        return
    if document is None:
        document = SearchDocument(kind=kind, object_id=object_id)
        db.session.add(document)
    for name, value in _with_terms(values).items():
        setattr(document, name, value)
    if kind == Kind.CASE:
        _follow_case(found)


def _follow_case(case: Case) -> None:
    """A case's state and visibility decide who finds its comments, and its filters theirs."""
    audience, owner = case_access(case)
    db.session.execute(
        update(SearchDocument)
        .where(SearchDocument.case_id == case.id, SearchDocument.kind == Kind.COMMENT)
        .values(
            audience=audience,
            owner_id=owner,
            state=_value(case.state),
            domain=_value(case.domain),
            technology=_value(case.technology),
            context_title=case.title,
        )
        .execution_options(synchronize_session=False)
    )
    if case.chatham_house:  # turned on later: the mentions in its comments go from the index
        mentioning = db.session.scalars(
            select(Comment.id)
            .join(Discussion, Discussion.id == Comment.discussion_id)
            .where(
                Discussion.subject_type == "case",
                Discussion.subject_id == case.id,
                Comment.body_html.contains("/members/"),
            )
        ).all()
        for comment_id in mentioning:
            refresh(Kind.COMMENT, comment_id)
    db.session.execute(
        update(SearchDocument)
        .where(SearchDocument.case_id == case.id, SearchDocument.kind == Kind.RECOMMENDATION)
        .values(state=_value(case.state))
        .execution_options(synchronize_session=False)
    )


# --- the session hook ----------------------------------------------------------------------


def _keys(obj, state: str) -> list[tuple[Kind, int]]:
    """The documents a changed object touches (``state``: new, dirty or deleted)."""
    if isinstance(obj, Case):
        return [(Kind.CASE, obj.id)]
    if isinstance(obj, Comment):
        return [(Kind.COMMENT, obj.id)]
    if isinstance(obj, Recommendation):
        return [(Kind.RECOMMENDATION, obj.id)]
    if isinstance(obj, RecommendationVersion):
        return [(Kind.RECOMMENDATION, obj.recommendation_id)]
    if isinstance(obj, Interest):
        return [(Kind.MEMBER, obj.user_id)]
    if isinstance(obj, User):
        attributes = inspect(obj).attrs
        if state != "dirty" or any(attributes[f].history.has_changes() for f in _MEMBER_FIELDS):
            return [(Kind.MEMBER, obj.id)]
    return []


def _after_flush(session: Session, _context) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for state, objects in (
        ("new", session.new),
        ("dirty", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            pending.update(_keys(obj, state))


def _before_commit(session: Session) -> None:
    """Rewrite the documents of what this transaction changed, before it commits."""
    session.flush()
    while session.info.get(_PENDING):
        pending = session.info.pop(_PENDING)
        for kind, object_id in sorted(pending):
            refresh(kind, object_id)
        session.flush()


def _forget(session: Session, transaction) -> None:
    """The whole transaction ended (committed, or rolled back): nothing is pending any more. A
    savepoint's rollback forgets nothing: refreshing an unchanged thing rewrites it as it is."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


_HOOKS = (
    ("after_flush", _after_flush),
    ("before_commit", _before_commit),
    ("after_transaction_end", _forget),
)


def install() -> None:
    """Keep the index in step with every transaction (called once from ``thinktank.wiring``)."""
    for name, listener in _HOOKS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def installed() -> bool:
    return all(event.contains(Session, name, listener) for name, listener in _HOOKS)


# --- the full rebuild ------------------------------------------------------------------------


def reindex() -> int:
    """Rebuild every document from the tables (inside the caller's transaction); the count."""
    db.session.execute(delete(SearchDocument))
    db.session.info.pop(_PENDING, None)
    sources = [
        (Kind.CASE, select(Case.id)),
        (Kind.RECOMMENDATION, select(Recommendation.id).where(Recommendation.current_version > 0)),
        (Kind.COMMENT, select(Comment.id).where(Comment.removed_at.is_(None))),
        (Kind.MEMBER, select(User.id).where(participants_clause(), User.active.is_(True))),
    ]
    for kind, ids in sources:
        for object_id in db.session.scalars(ids.order_by("id")).all():
            refresh(kind, object_id)
    db.session.flush()
    return db.session.scalar(select(db.func.count()).select_from(SearchDocument))
