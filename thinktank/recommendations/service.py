"""Recommendation rules: draft from a closed case, member review, minority opinions,
publishing versions, withdrawing, superseding (adoptions: ``adoptions.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date, format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from thinktank.audit.service import record
from thinktank.cases import lifecycle
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.concurrency import Change, claim_edit, text_changes
from thinktank.discussion.models import Comment, Discussion
from thinktank.double_posts import lock_author, recent_twin
from thinktank.errors import (
    Concern,
    ConfirmationRequired,
    InvalidTransition,
    LoginRequired,
    NotFound,
    ValidationFailed,
)
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION, plain_text, render_markdown
from thinktank.models import local_today, utcnow
from thinktank.permissions import can, require
from thinktank.recommendations import experience, following
from thinktank.recommendations.conditions import cited_condition_groups
from thinktank.recommendations.models import (
    Citation,
    Cosignature,
    MinorityOpinion,
    Recommendation,
    RecommendationVersion,
    Response,
    ReviewResponse,
    Status,
)

#: How this service's actions read in the logs.
AUDIT_ACTIONS = {
    "recommendation_published": _l(
        "Version %(version)s of the recommendation “%(title)s” was published"
    ),
    "recommendation_withdrawn": _l("The recommendation “%(title)s” was withdrawn"),
    "recommendation_superseded": _l("The recommendation “%(title)s” was superseded by “%(by)s”"),
    "recommendation_review": _l("The draft recommendation “%(title)s” was sent to member review"),
}

#: The member review's default length, from the day the draft is sent.
REVIEW_DAYS = 14


def _date_text(value: str) -> str:
    return format_date(date.fromisoformat(value), "long")


def _review_details(data: dict) -> list[str]:
    if not data.get("deadline"):
        return []
    return [_("Review deadline: %(date)s", date=_date_text(data["deadline"]))]


def _publish_details(data: dict) -> list[str]:
    """Why a publication needed a reason, as the log tells it."""
    facts = []
    if data.get("deadline"):
        facts.append(
            _(
                "Published before the review deadline, %(date)s.",
                date=_date_text(data["deadline"]),
            )
        )
    if data.get("objections"):
        facts.append(
            ngettext(
                "Published with %(num)d objection.",
                "Published with %(num)d objections.",
                data["objections"],
            )
        )
    return facts


#: The facts this service's log entries show under their description.
AUDIT_DETAILS = {
    "recommendation_review": _review_details,
    "recommendation_published": _publish_details,
}


@dataclass
class DraftInput:
    title: str
    summary: str
    body: str
    review_by: date | None
    citations: list[int]
    easy_read: str = ""  # the plain-language (letlæst) version, Markdown; optional


def visible(user, recommendation_id: int, options=()) -> Recommendation:
    recommendation = db.session.scalar(
        select(Recommendation).where(Recommendation.id == recommendation_id).options(*options)
    )
    if recommendation is None:
        raise NotFound()
    if not can(user, "view_recommendation", recommendation):
        if not user.is_authenticated:
            raise LoginRequired()
        raise NotFound()
    return recommendation


def citable_comments(case_id: int) -> list[Comment]:
    """The case's comments that may be cited (not removed), oldest first."""
    return list(
        db.session.scalars(
            select(Comment)
            .join(Discussion, Discussion.id == Comment.discussion_id)
            .where(
                Discussion.subject_type == "case",
                Discussion.subject_id == case_id,
                Comment.removed_at.is_(None),
            )
            .options(joinedload(Comment.author))
            .order_by(Comment.created_at, Comment.id)
        )
    )


def cited_ids(recommendation_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Citation.comment_id).where(
                Citation.recommendation_id == recommendation_id, Citation.comment_id.is_not(None)
            )
        )
    )


def cited_comments(recommendation_id: int) -> list[Comment]:
    """The working copy's citations that still stand (removed comments drop out)."""
    return list(
        db.session.scalars(
            select(Comment)
            .join(Citation, Citation.comment_id == Comment.id)
            .where(Citation.recommendation_id == recommendation_id, Comment.removed_at.is_(None))
            .options(joinedload(Comment.author))
            .order_by(Comment.created_at)
        )
    )


def _set_citations(recommendation: Recommendation, comment_ids: list[int]) -> None:
    allowed = {comment.id for comment in citable_comments(recommendation.case_id)}
    if any(comment_id not in allowed for comment_id in comment_ids):
        raise ValidationFailed(
            _("Only comments from the case's discussion can be cited."), "citations"
        )
    db.session.execute(  # the comments cited; cited condition groups stay (conditions.py)
        delete(Citation).where(
            Citation.recommendation_id == recommendation.id, Citation.comment_id.is_not(None)
        )
    )
    for comment_id in dict.fromkeys(comment_ids):
        db.session.add(Citation(recommendation_id=recommendation.id, comment_id=comment_id))


def _apply(recommendation: Recommendation, data: DraftInput) -> None:
    recommendation.title = data.title
    recommendation.summary = data.summary
    recommendation.body = data.body
    recommendation.body_html = str(render_markdown(data.body))
    recommendation.easy_read = data.easy_read or ""
    recommendation.easy_read_html = str(render_markdown(recommendation.easy_read))
    recommendation.markup_version = MARKUP_VERSION
    recommendation.review_by = data.review_by
    recommendation.updated_at = utcnow()


def create(user, case_id: int, data: DraftInput) -> Recommendation:
    """A new draft for a closed case, by the secretariat; domain and technology come from the case.
    The same draft sent again by its author within a minute returns the one already made."""
    require("write_recommendation", user=user)
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound()
    if case.state != CaseState.CLOSED:
        raise InvalidTransition(
            _("A recommendation can be drafted when the case's voting is closed.")
        )
    lock_author(user)
    twin = recent_twin(
        Recommendation,
        Recommendation.case_id == case.id,
        Recommendation.author_id == user.id,
        Recommendation.title == data.title,
        Recommendation.summary == data.summary,
        Recommendation.body == data.body,
    )
    if twin is not None:
        return twin
    recommendation = Recommendation(
        case_id=case.id,
        domain=case.domain,
        technology=case.technology,
        algorithm_role=case.algorithm_role,
        author_id=user.id,
    )
    _apply(recommendation, data)
    db.session.add(recommendation)
    db.session.flush()
    _set_citations(recommendation, data.citations)
    return recommendation


def update(
    user, recommendation: Recommendation, data: DraftInput, expected_version: int | None = None
) -> None:
    """Revise the working copy (published versions stay as they were); a form opened at an
    older ``expected_version`` raises :class:`EditConflict` instead of overwriting."""
    require("write_recommendation", recommendation, user=user)
    claim_edit(
        recommendation,
        "edit_version",
        expected_version,
        lambda _v: _draft_changes(recommendation, data),
    )
    _apply(recommendation, data)
    _set_citations(recommendation, data.citations)


def _draft_changes(recommendation: Recommendation, typed: DraftInput) -> list[Change]:
    """What the saved working copy says where it differs from what was typed (no earlier
    drafts are kept, so the typed text stands in for the one the form was opened with)."""
    return text_changes(
        [
            (_("Title"), typed.title, recommendation.title),
            (_("Summary"), typed.summary, recommendation.summary),
            (_("The recommendation"), plain_text(typed.body), plain_text(recommendation.body)),
            (
                _("Easy-read version"),
                plain_text(typed.easy_read),
                plain_text(recommendation.easy_read),
            ),
        ]
    )


def default_review_deadline() -> date:
    return local_today() + timedelta(days=REVIEW_DAYS)


def send_to_review(user, recommendation: Recommendation, *, deadline: date | None) -> None:
    """Send the draft to member review, open until ``deadline`` (a day after today)."""
    require("write_recommendation", recommendation, user=user)
    if recommendation.status != Status.DRAFT:
        raise InvalidTransition(_("Only a draft can be sent to review."))
    if deadline is None:
        raise ValidationFailed(_("Choose the review deadline."), "deadline")
    if deadline <= local_today():
        raise ValidationFailed(_("The review deadline must be after today."), "deadline")
    recommendation.status = Status.REVIEW
    recommendation.review_started_at = utcnow()
    recommendation.review_deadline = deadline
    record(
        "recommendation_review",
        actor=user,
        subject=recommendation,
        title=recommendation.title,
        deadline=deadline.isoformat(),
    )
    following.review_started(recommendation, user)


# --- review ------------------------------------------------------------------------------


def respond(user, recommendation: Recommendation, response: str, reason: str) -> ReviewResponse:
    """A member's consent or objection; answering again replaces the earlier answer."""
    require("review_recommendation", recommendation, user=user)
    if response not in Response._value2member_map_:
        raise ValidationFailed(_("Choose consent or objection."), "response")
    reason = (reason or "").strip()
    if response == Response.OBJECTION and not reason:
        raise ValidationFailed(_("Say why you object."), "reason")
    round_ = recommendation.current_version + 1
    existing = db.session.scalar(
        select(ReviewResponse).where(
            ReviewResponse.recommendation_id == recommendation.id,
            ReviewResponse.round == round_,
            ReviewResponse.member_id == user.id,
        )
    )
    answer = existing or ReviewResponse(
        recommendation_id=recommendation.id, round=round_, member_id=user.id
    )
    answer.response = Response(response)
    answer.reason = reason[:5000]
    answer.created_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:  # two submissions at once: the other one is the answer
        raise ValidationFailed(_("Your answer was already recorded; reload the page.")) from None
    return answer


def write_opinion(user, recommendation: Recommendation, body: str) -> MinorityOpinion:
    """Write (or revise) one's own minority opinion."""
    require("review_recommendation", recommendation, user=user)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write the minority opinion."), "body")
    if len(body) > 10_000:
        raise ValidationFailed(_("At most %(max)s characters.", max=format_number(10_000)), "body")
    opinion = db.session.scalar(
        select(MinorityOpinion).where(
            MinorityOpinion.recommendation_id == recommendation.id,
            MinorityOpinion.author_id == user.id,
        )
    )
    if opinion is None:
        opinion = MinorityOpinion(recommendation_id=recommendation.id, author_id=user.id)
        db.session.add(opinion)
    opinion.body = body
    opinion.body_html = str(render_markdown(body))
    opinion.markup_version = MARKUP_VERSION
    opinion.updated_at = utcnow()
    return opinion


def opinion_recommendation_id(opinion_id: int) -> int:
    found = db.session.scalar(
        select(MinorityOpinion.recommendation_id).where(MinorityOpinion.id == opinion_id)
    )
    if found is None:
        raise NotFound()
    return found


def cosign(user, opinion_id: int) -> None:
    opinion = db.session.get(MinorityOpinion, opinion_id)
    if opinion is None:
        raise NotFound()
    recommendation = db.session.get(Recommendation, opinion.recommendation_id)
    require("review_recommendation", recommendation, user=user)
    if not can(user, "cosign_opinion", opinion):
        raise ValidationFailed(_("You wrote this minority opinion."))
    try:
        with db.session.begin_nested():
            db.session.add(Cosignature(opinion_id=opinion.id, member_id=user.id))
    except IntegrityError:
        raise ValidationFailed(_("You have already co-signed this minority opinion.")) from None


@dataclass
class ReviewStatus:
    consents: list[ReviewResponse]
    objections: list[ReviewResponse]
    opinions: list[MinorityOpinion]
    mine: ReviewResponse | None


def review_status(user, recommendation: Recommendation) -> ReviewStatus:
    """Consents, objections and minority opinions of the current round (three queries)."""
    answers = db.session.scalars(
        select(ReviewResponse)
        .where(
            ReviewResponse.recommendation_id == recommendation.id,
            ReviewResponse.round == recommendation.current_version + 1,
        )
        .options(joinedload(ReviewResponse.member))
        .order_by(ReviewResponse.created_at)
    ).all()
    return ReviewStatus(
        consents=[a for a in answers if a.response == Response.CONSENT],
        objections=[a for a in answers if a.response == Response.OBJECTION],
        opinions=opinions(recommendation.id),
        mine=next((a for a in answers if user.is_authenticated and a.member_id == user.id), None),
    )


def opinions(recommendation_id: int) -> list[MinorityOpinion]:
    return list(
        db.session.scalars(
            select(MinorityOpinion)
            .where(MinorityOpinion.recommendation_id == recommendation_id)
            .options(
                joinedload(MinorityOpinion.author),
                selectinload(MinorityOpinion.signatures).joinedload(Cosignature.member),
            )
            .order_by(MinorityOpinion.created_at)
        ).unique()
    )


# --- publishing --------------------------------------------------------------------------


def _sector(user) -> str | None:
    """The sector kept beside a name, so a Chatham House case can show it instead."""
    return user.sector.value if user is not None and user.sector else None


def _snapshot_opinions(current: list[MinorityOpinion]) -> list[dict]:
    return [
        {
            "author": opinion.author.display_name if opinion.author else "",
            "affiliation": opinion.author.affiliation if opinion.author else "",
            "sector": _sector(opinion.author),
            "author_id": opinion.author_id,
            "body": opinion.body,
            "body_html": opinion.body_html,
            "signers": [
                {
                    "name": s.member.display_name,
                    "affiliation": s.member.affiliation,
                    "sector": _sector(s.member),
                    "id": s.member_id,
                }
                for s in opinion.signatures
            ],
        }
        for opinion in current
    ]


def _snapshot_citations(cited: list[Comment]) -> list[dict]:
    return [
        {
            "comment_id": comment.id,
            "author": comment.author.display_name if comment.author else "",
            "affiliation": comment.author.affiliation if comment.author else "",
            "sector": _sector(comment.author),
            "quote": comment.body,
            "quote_html": comment.body_html,
        }
        for comment in cited
    ]


def latest_version(recommendation_id: int) -> RecommendationVersion | None:
    return db.session.scalar(
        select(RecommendationVersion)
        .where(RecommendationVersion.recommendation_id == recommendation_id)
        .order_by(RecommendationVersion.number.desc())
        .limit(1)
    )


def publish_concerns(recommendation: Recommendation) -> list[Concern]:
    """Why publishing now needs a reason: the review deadline has not passed, or members
    object (in the current round). Empty when publishing needs no confirmation."""
    found = []
    deadline = recommendation.review_deadline
    if (
        recommendation.status == Status.REVIEW
        and deadline
        and not recommendation.review_deadline_passed
    ):
        found.append(
            Concern(
                _(
                    "The review deadline is %(date)s: members can still answer until then.",
                    date=format_date(deadline, "long"),
                ),
                {"deadline": deadline.isoformat()},
            )
        )
    objections = db.session.scalar(
        select(func.count(ReviewResponse.id)).where(
            ReviewResponse.recommendation_id == recommendation.id,
            ReviewResponse.round == recommendation.current_version + 1,
            ReviewResponse.response == Response.OBJECTION,
        )
    )
    if objections:
        message = ngettext(
            "%(num)d member objects to the draft.",
            "%(num)d members object to the draft.",
            objections,
        )
        found.append(Concern(message, {"objections": objections}))
    return found


def publish(
    user, recommendation: Recommendation, change_note: str = "", *, reason: str = ""
) -> RecommendationVersion:
    """Publish the working copy as the next version (a change note is required after v1).

    Publishing before the review deadline or over objections needs a ``reason``, which the
    public log keeps.
    """
    require("write_recommendation", recommendation, user=user)
    if recommendation.status == Status.DRAFT:
        raise InvalidTransition(_("Send the draft to member review before publishing it."))
    concerns = publish_concerns(recommendation)
    reason = (reason or "").strip()
    if concerns and not reason:
        raise ConfirmationRequired(concerns)
    confirmed = {"reason": reason[:2000]} if concerns else {}
    for concern in concerns:
        confirmed |= concern.data
    change_note = (change_note or "").strip()
    number = recommendation.current_version + 1
    current_opinions, cited = opinions(recommendation.id), cited_comments(recommendation.id)
    opinions_now = _snapshot_opinions(current_opinions)
    reports = experience.cited_reports(recommendation.id)
    citations_now = (
        _snapshot_citations(cited)
        + cited_condition_groups(recommendation)
        + experience.snapshot(reports)
    )
    if number > 1:
        if not change_note:
            raise ValidationFailed(_("Say what changed in this version."), "change_note")
        previous = latest_version(recommendation.id)
        unchanged = (previous.title, previous.summary, previous.body, previous.easy_read,
                     previous.citations, previous.minority_opinions) == (recommendation.title,
                     recommendation.summary, recommendation.body, recommendation.easy_read,
                     citations_now, opinions_now)  # fmt: skip
        if unchanged:
            raise InvalidTransition(_("Nothing has changed since version %(n)d.", n=number - 1))
    now = utcnow()
    version = RecommendationVersion(
        recommendation_id=recommendation.id,
        number=number,
        title=recommendation.title,
        summary=recommendation.summary,
        body=recommendation.body,
        body_html=recommendation.body_html,
        easy_read=recommendation.easy_read,
        easy_read_html=recommendation.easy_read_html,
        change_note=change_note[:2000],
        minority_opinions=opinions_now,
        citations=citations_now,
        # re-rendered by rerender-markdown if any of the copied HTML was cooked by older rules
        markup_version=min(
            row.markup_version for row in (recommendation, *current_opinions, *cited, *reports)
        ),
        published_at=now,
        published_by_id=user.id,
    )
    db.session.add(version)
    recommendation.current_version = number
    recommendation.status = Status.PUBLISHED
    recommendation.first_published_at = recommendation.first_published_at or now
    recommendation.last_published_at = now
    record(
        "recommendation_published",
        actor=user,
        public=True,
        subject=recommendation,
        title=recommendation.title,
        version=number,
        **confirmed,
    )
    case = db.session.get(Case, recommendation.case_id)
    if case.state == CaseState.CLOSED:
        lifecycle.transition(user, case, "publish", manual=False)
    if number > 1:
        following.new_version(recommendation, user, number)
    return version


def withdraw(user, recommendation: Recommendation, reason: str) -> None:
    require("write_recommendation", recommendation, user=user)
    if recommendation.status != Status.PUBLISHED:
        raise InvalidTransition(_("Only a published recommendation can be withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the recommendation is withdrawn."), "reason")
    recommendation.status = Status.WITHDRAWN
    recommendation.withdrawn_at = utcnow()
    recommendation.withdrawal_reason = reason[:2000]
    record("recommendation_withdrawn", actor=user, public=True, subject=recommendation,
           title=recommendation.title)  # fmt: skip
    following.tell_followers(
        recommendation, "recommendation_withdrawn", user, following.show_url(recommendation)
    )


def supersede(user, recommendation: Recommendation, by_id: int | None) -> None:
    """Mark ``recommendation`` as superseded by another published recommendation."""
    require("write_recommendation", recommendation, user=user)
    successor = db.session.get(Recommendation, by_id) if by_id else None
    if successor is None or not successor.is_published or successor.id == recommendation.id:
        raise ValidationFailed(_("Choose another published recommendation."), "by")
    if not recommendation.is_published:
        raise InvalidTransition(_("Only a published recommendation can be superseded."))
    recommendation.superseded_by_id = successor.id
    record("recommendation_superseded", actor=user, public=True, subject=recommendation,
           title=recommendation.title, by=successor.title)  # fmt: skip
    following.tell_followers(
        recommendation, "recommendation_superseded", user, following.show_url(successor)
    )
