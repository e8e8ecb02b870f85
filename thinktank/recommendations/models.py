"""Recommendations with their working copy, published versions, review, minority opinions,
citations and adoptions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import AlgorithmRole, Domain, TechnologyKind
from thinktank.discussion.models import FlagReason
from thinktank.extensions import db
from thinktank.frozen import Frozen
from thinktank.models import (
    LabelledEnum,
    UTCDateTime,
    enum_column,
    local_today,
    set_labels,
    utcnow,
)


class Status(LabelledEnum):
    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


set_labels(
    Status,
    {
        Status.DRAFT: _l("Draft"),
        Status.REVIEW: _l("In member review"),
        Status.PUBLISHED: _l("Published"),
        Status.WITHDRAWN: _l("Withdrawn"),
    },
)


class Response(LabelledEnum):
    CONSENT = "consent"
    OBJECTION = "objection"


set_labels(Response, {Response.CONSENT: _l("Consent"), Response.OBJECTION: _l("Objection")})


class Recommendation(db.Model):
    """The working copy the secretariat edits; what readers see are its published versions."""

    __tablename__ = "recommendations"
    __table_args__ = (Index("ix_recommendations_status_published", "status", "last_published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    status: Mapped[Status] = mapped_column(
        enum_column(Status, "recommendation_status"), default=Status.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # The plain-language (letlæst) version of summary and advice, Markdown; "" when none.
    easy_read: Mapped[str] = mapped_column(Text, default="", server_default="")
    easy_read_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    markup_version: Mapped[int] = mapped_column(default=0)
    # Counts saves of the working copy: an edit form opened at an older one is stale.
    edit_version: Mapped[int] = mapped_column(default=1, server_default="1")
    domain: Mapped[Domain] = mapped_column(enum_column(Domain, "recommendation_domain"))
    technology: Mapped[TechnologyKind] = mapped_column(
        enum_column(TechnologyKind, "recommendation_technology")
    )
    algorithm_role: Mapped[AlgorithmRole] = mapped_column(
        enum_column(AlgorithmRole, "recommendation_algorithm_role")
    )
    review_by: Mapped[date | None]  # guidance on technology goes stale: when to look again
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The member review's deadline (høringsfrist), inclusive, chosen when sent to review.
    review_deadline: Mapped[date | None]
    current_version: Mapped[int] = mapped_column(default=0)  # 0: never published
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(String(2000), default="")
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="SET NULL")
    )

    case: Mapped[Case] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")
    superseded_by: Mapped[Recommendation | None] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id], lazy="raise"
    )

    @property
    def is_published(self) -> bool:
        return self.current_version > 0

    @property
    def review_deadline_passed(self) -> bool:
        """True once the day after the review deadline has begun (Danish time)."""
        return self.review_deadline is not None and local_today() > self.review_deadline

    @property
    def is_draft(self) -> bool:
        return self.status in (Status.DRAFT, Status.REVIEW)


class RecommendationVersion(Frozen, db.Model):
    """A published version, frozen: its text, citations and minority opinions as published.
    Written when published and never changed or deleted (the model refuses it: see
    ``frozen.py``); only rerender-markdown may re-render its HTML from the kept Markdown."""

    __tablename__ = "recommendation_versions"
    __table_args__ = (UniqueConstraint("recommendation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The plain-language (letlæst) version as published; "" when it had none.
    easy_read: Mapped[str] = mapped_column(Text, default="", server_default="")
    easy_read_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    change_note: Mapped[str] = mapped_column(String(2000), default="")
    # [{"author", "affiliation", "author_id", "body", "body_html", "signers": [{"name",
    # "affiliation", "id"}]}]
    minority_opinions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"comment_id", "author", "affiliation", "quote", "quote_html"}]
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The oldest sanitiser rules any of its HTML (body, opinions, quotes) was cooked by; 0:
    # unknown. A "body" or "quote" of None marks a source lost before it was kept (the
    # 0011 migration could not recover it): that HTML stays as it was published.
    markup_version: Mapped[int] = mapped_column(default=0, server_default="0")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    recommendation: Mapped[Recommendation] = relationship(lazy="raise")


class Citation(db.Model):
    """What the working copy rests on: a comment's argument, or a group of the conditions
    voters gave (exactly one of the two)."""

    __tablename__ = "recommendation_citations"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "comment_id"),
        UniqueConstraint("recommendation_id", "condition_group_id"),
        CheckConstraint("(comment_id IS NULL) <> (condition_group_id IS NULL)", "cites_one_thing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    condition_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("condition_groups.id", ondelete="CASCADE")
    )


class ConditionGroup(db.Model):
    """Conditions from the frozen vote that say the same thing, named by the secretariat
    while drafting; its members are the snapshot's stable ``condition_id``s."""

    __tablename__ = "condition_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConditionGroupMember(db.Model):
    """One condition in a group; a condition is in at most one group of a recommendation."""

    __tablename__ = "condition_group_members"
    __table_args__ = (UniqueConstraint("recommendation_id", "condition_id"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("condition_groups.id", ondelete="CASCADE"), primary_key=True
    )
    condition_id: Mapped[int] = mapped_column(primary_key=True)  # a vote's, in the snapshot
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE")
    )


class ReviewResponse(db.Model):
    """A member's consent or objection to the draft under review (one per member and round)."""

    __tablename__ = "review_responses"
    __table_args__ = (UniqueConstraint("recommendation_id", "round", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int]  # the version the review leads to
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    response: Mapped[Response] = mapped_column(enum_column(Response, "review_response"))
    reason: Mapped[str] = mapped_column(String(5000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[User | None] = relationship(lazy="raise")


class MinorityOpinion(db.Model):
    """A signed dissent, published with the recommendation; others may co-sign."""

    __tablename__ = "minority_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    markup_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")
    signatures: Mapped[list[Cosignature]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Cosignature.created_at"
    )


class Cosignature(db.Model):
    __tablename__ = "cosignatures"
    __table_args__ = (UniqueConstraint("opinion_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("minority_opinions.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[User] = relationship(lazy="raise")


class AdoptionStatus(LabelledEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


set_labels(
    AdoptionStatus,
    {
        AdoptionStatus.PENDING: _l("awaiting confirmation"),
        AdoptionStatus.VERIFIED: _l("verified"),
        AdoptionStatus.REJECTED: _l("rejected"),
    },
)


class Adoption(db.Model):
    """A municipality uses the recommendation (recorded by a registered reader). It is public
    only once verified: by the recorder's proven municipal e-mail address, or by the
    secretariat."""

    __tablename__ = "adoptions"
    __table_args__ = (
        # one live record per municipality; a rejected one does not block a genuine one
        Index(
            "uq_adoptions_live_municipality",
            "recommendation_id",
            "municipality",
            unique=True,
            sqlite_where=text("status != 'rejected'"),
            postgresql_where=text("status != 'rejected'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    municipality: Mapped[str] = mapped_column(String(3))  # official municipality code
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[AdoptionStatus] = mapped_column(
        enum_column(AdoptionStatus, "adoption_status"), default=AdoptionStatus.PENDING
    )
    # who confirmed or rejected it (None with a verified status: the e-mail domain did)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recorder: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise")
    recommendation: Mapped[Recommendation] = relationship(lazy="raise")

    @property
    def is_verified(self) -> bool:
        return self.status == AdoptionStatus.VERIFIED

    @property
    def is_pending(self) -> bool:
        return self.status == AdoptionStatus.PENDING


class Recommends(LabelledEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


set_labels(
    Recommends,
    {Recommends.YES: _l("Yes"), Recommends.PARTLY: _l("Partly"), Recommends.NO: _l("No")},
)


class ReportVisibility(LabelledEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


set_labels(
    ReportVisibility,
    {
        ReportVisibility.PUBLIC: _l("Public"),
        ReportVisibility.INTERNAL: _l("The think tank only (members and the secretariat)"),
    },
)


class ExperienceReport(db.Model):
    """How it went when a municipality used the recommendation: one report per municipality
    and published version, written by one of its users (who may edit it afterwards)."""

    __tablename__ = "experience_reports"
    __table_args__ = (UniqueConstraint("recommendation_id", "version", "municipality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]  # the published version the municipality reports on
    municipality: Mapped[str] = mapped_column(String(3))  # official municipality code
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done: Mapped[str] = mapped_column(Text)
    done_html: Mapped[str] = mapped_column(Text)
    worked: Mapped[str] = mapped_column(Text)
    worked_html: Mapped[str] = mapped_column(Text)
    failed: Mapped[str] = mapped_column(Text)
    failed_html: Mapped[str] = mapped_column(Text)
    markup_version: Mapped[int] = mapped_column(default=0)
    recommends: Mapped[Recommends] = mapped_column(enum_column(Recommends, "experience_recommends"))
    visibility: Mapped[ReportVisibility] = mapped_column(
        enum_column(ReportVisibility, "experience_visibility")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    removal_reason: Mapped[str] = mapped_column(String(500), default="")

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_public(self) -> bool:
        return self.visibility == ReportVisibility.PUBLIC


class ExperienceFlag(db.Model):
    """A user asks the secretariat to look at a report (as a comment's flag)."""

    __tablename__ = "experience_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("experience_reports.id", ondelete="CASCADE"), index=True
    )
    flagger_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(32))  # a discussion FlagReason value
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    flagger: Mapped[User | None] = relationship(foreign_keys=[flagger_id], lazy="raise")

    @property
    def reason_label(self):
        return FlagReason(self.reason).label


class ExperienceCitation(db.Model):
    """An experience report the working copy cites (published with its next version)."""

    __tablename__ = "recommendation_experience_citations"
    __table_args__ = (UniqueConstraint("recommendation_id", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int] = mapped_column(ForeignKey("experience_reports.id", ondelete="CASCADE"))


class ExperienceReminder(db.Model):
    """The review-date e-mail asking an adopting municipality's recorder how it went: sent
    once per recommendation, person and review date."""

    __tablename__ = "experience_reminders"
    __table_args__ = (UniqueConstraint("recommendation_id", "user_id", "review_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    review_by: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
