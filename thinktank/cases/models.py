"""Cases, their tags, saved versions and lifecycle transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thinktank.accounts.models import User
from thinktank.cases.vocabulary import (
    AiActRisk,
    AlgorithmRole,
    CaseState,
    Domain,
    Dpia,
    HumanContact,
    TechnologyKind,
    Visibility,
)
from thinktank.extensions import db
from thinktank.models import UTCDateTime, enum_column, utcnow

case_tags = Table(
    "case_tags",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


#: The fields a case version consists of (stored in every revision snapshot).
CONTENT_FIELDS = (
    "title",
    "summary",
    "dilemma",
    "domain",
    "tags",
    "technology",
    "algorithm_role",
    "ai_act_risk",
    "personal_data",
    "sensitive_data",
    "cross_sector_data",
    "data_sources",
    "affected",
    "benefits",
    "risks",
    "human_contact",
    "legal_basis",
    "dpia",
    "visibility",
    "chatham_house",
)

#: What a field held before it existed (older revisions do not store it).
CONTENT_DEFAULTS: dict[str, Any] = {"chatham_house": False}

#: Markdown fields and the column holding their rendered ("cooked") HTML.
MARKDOWN_FIELDS = {"dilemma": "dilemma_html", "benefits": "benefits_html", "risks": "risks_html"}


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_state_activity", "state", "last_activity_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    dilemma: Mapped[str] = mapped_column(Text)
    dilemma_html: Mapped[str] = mapped_column(Text, default="")
    domain: Mapped[Domain] = mapped_column(enum_column(Domain, "domain"))
    technology: Mapped[TechnologyKind] = mapped_column(enum_column(TechnologyKind, "technology"))
    algorithm_role: Mapped[AlgorithmRole] = mapped_column(
        enum_column(AlgorithmRole, "algorithm_role")
    )
    ai_act_risk: Mapped[AiActRisk] = mapped_column(
        enum_column(AiActRisk, "ai_act_risk"), default=AiActRisk.UNKNOWN
    )
    personal_data: Mapped[list[str]] = mapped_column(JSON, default=list)
    sensitive_data: Mapped[bool] = mapped_column(default=False)
    cross_sector_data: Mapped[bool] = mapped_column(default=False)
    data_sources: Mapped[str] = mapped_column(String(2000), default="")
    affected: Mapped[str] = mapped_column(String(2000), default="")
    benefits: Mapped[str] = mapped_column(Text, default="")
    benefits_html: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    risks_html: Mapped[str] = mapped_column(Text, default="")
    human_contact: Mapped[HumanContact] = mapped_column(enum_column(HumanContact, "human_contact"))
    legal_basis: Mapped[str] = mapped_column(String(2000), default="")
    dpia: Mapped[Dpia] = mapped_column(enum_column(Dpia, "dpia"), default=Dpia.UNKNOWN)
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, "visibility"), default=Visibility.MEMBERS
    )
    # Chatham House rule: outside the think tank every contribution shows only its author's
    # sector (see thinktank/cases/chatham.py). Can be turned on at any time, never off once open.
    chatham_house: Mapped[bool] = mapped_column(default=False, server_default=false())
    markup_version: Mapped[int] = mapped_column(default=0)

    state: Mapped[CaseState] = mapped_column(
        enum_column(CaseState, "case_state"), default=CaseState.DRAFT
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revision_count: Mapped[int] = mapped_column(default=1)

    author: Mapped[User | None] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(secondary=case_tags, lazy="raise", order_by=Tag.name)
    transitions: Mapped[list[CaseTransition]] = relationship(
        back_populates="case",
        lazy="raise",
        order_by="CaseTransition.created_at, CaseTransition.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    revisions: Mapped[list[CaseRevision]] = relationship(
        back_populates="case",
        lazy="raise",
        order_by="CaseRevision.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def slug(self) -> str:
        from thinktank.text import slugify

        return slugify(self.title)

    def content(self) -> dict[str, Any]:
        """This version's content as plain JSON values (for revisions and diffs)."""
        values = {}
        for name in CONTENT_FIELDS:
            value = getattr(self, name)
            if name == "tags":
                value = sorted(tag.name for tag in value)
            elif hasattr(value, "value"):
                value = value.value
            values[name] = value
        return values


class CaseRevision(db.Model):
    """One saved version of a case's content; number 1 is the text as first written."""

    __tablename__ = "case_revisions"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    number: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="revisions", lazy="raise")
    editor: Mapped[User | None] = relationship(lazy="raise")


class CaseTransition(db.Model):
    """A lifecycle step: who moved the case, when, from which state to which, and why."""

    __tablename__ = "case_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[CaseState | None] = mapped_column(
        enum_column(CaseState, "transition_from_state")
    )
    to_state: Mapped[CaseState] = mapped_column(enum_column(CaseState, "transition_to_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="transitions", lazy="raise")
    actor: Mapped[User | None] = relationship(lazy="raise")
