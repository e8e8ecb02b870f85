"""Case rules: create, edit with kept versions, find and filter what a user may see."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import partial
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from thinktank.audit.service import record
from thinktank.cases.lifecycle import CREATED
from thinktank.cases.models import (
    CONTENT_DEFAULTS,
    MARKDOWN_FIELDS,
    Case,
    CaseRevision,
    CaseTransition,
    Tag,
    case_tags,
)
from thinktank.cases.policies import visible_clause
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
from thinktank.concurrency import claim_edit
from thinktank.double_posts import lock_author, recent_twin
from thinktank.errors import LoginRequired, NotAllowed, NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.inputs import without_control_characters
from thinktank.markup import MARKUP_VERSION, plain_text, render_markdown
from thinktank.models import utcnow
from thinktank.notifications import follows
from thinktank.permissions import can, require
from thinktank.registry import put

AUDIT_ACTIONS = {
    "chatham_house_on": _l("The Chatham House rule was turned on for “%(title)s”"),
}

MAX_TAGS = 10


@dataclass
class CaseInput:
    """Everything an author writes in the case form, already validated by the form."""

    title: str
    summary: str
    dilemma: str
    domain: Domain
    tags: list[str]
    technology: TechnologyKind
    algorithm_role: AlgorithmRole
    ai_act_risk: AiActRisk
    personal_data: list[str]
    sensitive_data: bool
    cross_sector_data: bool
    data_sources: str
    affected: str
    benefits: str
    risks: str
    human_contact: HumanContact
    legal_basis: str
    dpia: Dpia
    visibility: Visibility
    chatham_house: bool = False


def normalise_tags(text: str) -> list[str]:
    """'AI,  Jobcenter ,ai' -> ['ai', 'jobcenter']: lower case, no duplicates, order kept."""
    seen: dict[str, None] = {}
    for raw in text.split(","):
        name = " ".join(raw.split()).lower()
        if name:
            seen.setdefault(name, None)
    return list(seen)


def _tags(names: list[str]) -> list[Tag]:
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def cook(case: Case) -> None:
    """Render the Markdown fields once, on save (pages only read the stored HTML)."""
    for source, target in MARKDOWN_FIELDS.items():
        setattr(case, target, str(render_markdown(getattr(case, source))))
    case.markup_version = MARKUP_VERSION


def _apply(case: Case, data: CaseInput) -> None:
    for item in fields(CaseInput):
        if item.name != "tags":
            setattr(case, item.name, getattr(data, item.name))
    case.tags = _tags(data.tags[:MAX_TAGS])
    cook(case)


def _same_draft(case: Case, data: CaseInput) -> bool:
    """Whether ``case`` holds exactly what ``data`` says (the same form sent again)."""
    tags = db.session.scalars(
        select(Tag.name).join(case_tags).where(case_tags.c.case_id == case.id)
    )
    return sorted(tags) == sorted(data.tags[:MAX_TAGS]) and all(
        getattr(case, item.name) == getattr(data, item.name)
        for item in fields(CaseInput)
        if item.name != "tags"
    )


def create_case(user, data: CaseInput) -> Case:
    """A new draft by ``user``; its first version and a 'created' step are kept. The same
    draft sent again (a double click) answers with the one already made."""
    require("create_case", user=user)
    lock_author(user)
    twin = recent_twin(
        Case,
        Case.author_id == user.id,
        Case.title == data.title,
        Case.summary == data.summary,
        Case.dilemma == data.dilemma,
    )
    if twin is not None and _same_draft(twin, data):
        return twin
    now = utcnow()
    case = Case(author_id=user.id, state=CaseState.DRAFT, created_at=now, updated_at=now)
    case.tags = []
    _apply(case, data)
    db.session.add(case)
    db.session.flush()
    db.session.add(
        CaseRevision(case_id=case.id, number=1, content=case.content(), editor_id=user.id)
    )
    db.session.add(
        CaseTransition(
            case_id=case.id,
            action="create",
            from_state=None,
            to_state=CaseState.DRAFT,
            actor_id=user.id,
            created_at=now,
        )
    )
    follows.follow_automatically(user.id, follows.CASE, case.id)  # authors follow their cases
    if case.chatham_house:
        _record_chatham_house(user, case)
    return case


def _record_chatham_house(user, case: Case) -> None:
    record(
        "chatham_house_on",
        actor=user,
        public=case.is_public and case.state != CaseState.DRAFT,
        subject=case,
        title=case.title,
    )


class _Unchanged(Exception):
    """An edit that leaves the case as it was (its savepoint is rolled back)."""


def update_case(user, case: Case, data: CaseInput, expected_version: int | None = None) -> bool:
    """Save an edit as a new version; False when nothing changed (no version is added). A
    form opened at an older ``expected_version`` raises :class:`EditConflict` instead."""
    require("edit_case", case, user=user)
    if chatham_locked(case) and not data.chatham_house:
        raise ValidationFailed(
            _("The Chatham House rule cannot be turned off once the case is open."),
            field="chatham_house",
        )
    before = case.content()
    try:
        # a savepoint: a save that changes nothing takes back its claim of the next version
        with db.session.begin_nested():
            claim_edit(
                case, "revision_count", expected_version, lambda since: _changes_since(case, since)
            )
            _apply(case, data)
            if case.content() == before:
                raise _Unchanged
    except _Unchanged:
        return False
    now = utcnow()
    case.updated_at = case.edited_at = case.last_activity_at = now
    if case.chatham_house and not before.get("chatham_house"):
        _record_chatham_house(user, case)
    db.session.add(
        CaseRevision(
            case_id=case.id,
            number=case.revision_count,
            content=case.content(),
            editor_id=user.id,
            created_at=now,
        )
    )
    return True


def turn_on_chatham_house(user, case: Case) -> bool:
    """Put ``case`` under the Chatham House rule at any stage (from now on, and for what was
    already written); kept as a new version of the case and in the audit log. False when
    it was on already."""
    require("turn_on_chatham_house", case, user=user)
    if case.chatham_house:
        return False
    claim_edit(case, "revision_count", None, lambda _since: [])
    case.chatham_house = True
    now = utcnow()
    case.updated_at = case.last_activity_at = now
    db.session.add(
        CaseRevision(
            case_id=case.id,
            number=case.revision_count,
            content=case.content(),
            editor_id=user.id,
            created_at=now,
        )
    )
    _record_chatham_house(user, case)
    return True


def chatham_locked(case: Case) -> bool:
    """Whether the Chatham House rule is on for good: contributors were promised it."""
    return case.chatham_house and case.state != CaseState.DRAFT


def _changes_since(case: Case, number: int) -> list[FieldChange]:
    """What was saved after version ``number`` of the case, field by field."""
    revisions = list(
        db.session.scalars(
            select(CaseRevision)
            .where(
                CaseRevision.case_id == case.id,
                CaseRevision.number.in_([number, case.revision_count]),
            )
            .order_by(CaseRevision.number)
        )
    )
    return revision_changes(revisions)[0].changes if len(revisions) == 2 else []


def case_for_edit(user, case_id: int) -> Case:
    case = visible_case(user, case_id, options=[selectinload(Case.tags)])
    require("edit_case", case, user=user)
    return case


def visible_case(user, case_id: int, options=()) -> Case:
    """The case if ``user`` may see it; 404 for drafts of others, login or 403 for members-only."""
    case = db.session.scalar(select(Case).where(Case.id == case_id).options(*options))
    if case is None:
        raise NotFound()
    if can(user, "view_case", case):
        return case
    if case.state == CaseState.DRAFT:
        raise NotFound()
    if not user.is_authenticated:
        raise LoginRequired()
    raise NotAllowed(_("This case is for members of the think tank only."))


def case_for_page(user, case_id: int) -> Case:
    """Everything the case page shows, loaded in a fixed number of queries.

    The view makes the moves that have fallen due (a vote past its closing time) first, in
    their own transaction, so the page never shows a case in a state it has already left.
    """
    return visible_case(
        user,
        case_id,
        options=[
            joinedload(Case.author),
            selectinload(Case.tags),
            selectinload(Case.transitions).joinedload(CaseTransition.actor),
        ],
    )


def history(user, case_id: int) -> tuple[Case, list[CaseRevision]]:
    case = visible_case(user, case_id)
    revisions = list(
        db.session.scalars(
            select(CaseRevision)
            .where(CaseRevision.case_id == case.id)
            .options(joinedload(CaseRevision.editor))
            .order_by(CaseRevision.number)
        )
    )
    return case, revisions


def timeline_text(step: CaseTransition) -> str:
    from thinktank.cases.lifecycle import MOVES

    move = MOVES.get(step.action)
    return str(move.done if move else CREATED)


# --- finding cases -----------------------------------------------------------------------

FACETS: dict[str, tuple[Any, type]] = {
    "state": (Case.state, CaseState),
    "domain": (Case.domain, Domain),
    "technology": (Case.technology, TechnologyKind),
    "role": (Case.algorithm_role, AlgorithmRole),
}


@dataclass
class CaseFilters:
    state: CaseState | None = None
    domain: Domain | None = None
    technology: TechnologyKind | None = None
    role: AlgorithmRole | None = None
    tag: str | None = None

    @classmethod
    def from_args(cls, args) -> CaseFilters:
        """Read filters from the query string; values that are not on the lists are ignored."""
        values: dict[str, Any] = {}
        for name, (_column, vocabulary) in FACETS.items():
            raw = args.get(name, "")
            if raw in vocabulary._value2member_map_:
                values[name] = vocabulary(raw)
        tag = " ".join(without_control_characters(args.get("tag", "")).split()).lower()[:40]
        return cls(**values, tag=tag or None)

    def active(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items() if v}


def _filtered(statement: Select, user, filters: CaseFilters, skip: str | None = None) -> Select:
    statement = statement.where(visible_clause(user))
    for name, (column, _vocabulary) in FACETS.items():
        value = getattr(filters, name)
        if value is not None and name != skip:
            statement = statement.where(column == value)
    if filters.tag and skip != "tag":
        statement = statement.where(
            Case.id.in_(select(case_tags.c.case_id).join(Tag).where(Tag.name == filters.tag))
        )
    return statement


def list_cases(user, filters: CaseFilters) -> Select:
    """Visible cases matching the filters, newest activity first (paginate the result)."""
    return _filtered(
        select(Case).options(joinedload(Case.author), selectinload(Case.tags)), user, filters
    ).order_by(Case.last_activity_at.desc(), Case.id.desc())


def facet_counts(user, filters: CaseFilters) -> dict[str, dict[str, int]]:
    """For each filter, how many visible cases each value would give with the other filters kept."""
    counts: dict[str, dict[str, int]] = {}
    for name, (column, _vocabulary) in FACETS.items():
        statement = _filtered(select(column, func.count(Case.id)), user, filters, skip=name)
        counts[name] = {
            getattr(value, "value", value): n
            for value, n in db.session.execute(statement.group_by(column))
        }
    tag_counts = (
        _filtered(
            select(Tag.name, func.count(Case.id))
            .join(case_tags, case_tags.c.case_id == Case.id)
            .join(Tag, Tag.id == case_tags.c.tag_id),
            user,
            filters,
            skip="tag",
        )
        .group_by(Tag.name)
        .order_by(func.count(Case.id).desc(), Tag.name)
        .limit(30)
    )
    counts["tag"] = dict(db.session.execute(tag_counts).all())
    return counts


# --- history -----------------------------------------------------------------------------


FREE_TEXT_FIELDS = frozenset(
    {"title", "summary", "dilemma", "data_sources", "affected", "benefits", "risks", "legal_basis"}
)


@dataclass
class FieldChange:
    label: object
    html: object  # a word-level diff (escaped) or a plain before → after


@dataclass
class RevisionChanges:
    revision: CaseRevision
    changes: list[FieldChange]


def display_value(name: str, value: Any) -> str:
    """A stored content value as a reader sees it (labels, yes/no, lists)."""
    from thinktank.cases.vocabulary import PersonalData

    vocabularies = {
        "domain": Domain,
        "technology": TechnologyKind,
        "algorithm_role": AlgorithmRole,
        "ai_act_risk": AiActRisk,
        "human_contact": HumanContact,
        "dpia": Dpia,
        "visibility": Visibility,
    }
    if name in vocabularies and value in vocabularies[name]._value2member_map_:
        return str(vocabularies[name](value).label)
    if name == "personal_data":
        return ", ".join(
            str(PersonalData(v).label) if v in PersonalData._value2member_map_ else v
            for v in value or []
        )
    if name == "tags":
        return ", ".join(value or [])
    if name in MARKDOWN_FIELDS:
        return plain_text(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


#: Where the fields' labels come from (the case form knows them): ``thinktank.wiring`` sets it,
#: so this service takes plain values and never imports the form.
_label_sources: dict[str, Callable[[], dict[str, str]]] = {}


def use_field_labels(source: Callable[[], dict[str, str]]) -> None:
    """Take the fields' labels, in the reader's language, from ``source``."""
    put(_label_sources, "fields", source, "case field labels")


def _field_labels() -> dict[str, str]:
    source = _label_sources.get("fields")
    return source() if source else {}


def revision_changes(revisions: list[CaseRevision]) -> list[RevisionChanges]:
    """Each version with what changed since the one before it, newest first."""
    from thinktank.diff import cached_diffs, fingerprint

    labels = _field_labels()
    shown = _Shown()
    result = []
    previous: CaseRevision | None = None
    for revision in revisions:
        changes = []
        if previous is not None:
            # Labels of choices are in the reader's language, so the key names it.
            key = f"case:{previous.id}:{revision.id}:{get_locale()}:markup{MARKUP_VERSION}:" + (
                fingerprint(_stored(previous), _stored(revision))
            )
            diffs = cached_diffs(key, partial(_revision_diffs, shown, previous, revision))
            changes = [FieldChange(labels.get(name, name), html) for name, html in diffs.items()]
        result.append(RevisionChanges(revision, changes))
        previous = revision
    return list(reversed(result))


def _stored(revision: CaseRevision) -> str:
    return json.dumps(revision.content, sort_keys=True, default=str)


class _Shown(dict):
    """Each version's fields as a reader sees them, made once: a version is compared twice."""

    def __call__(self, revision: CaseRevision, name: str) -> str:
        if (revision.id, name) not in self:
            self[revision.id, name] = display_value(
                name, revision.content.get(name, CONTENT_DEFAULTS.get(name))
            )
        return self[revision.id, name]


def _revision_diffs(shown: _Shown, before: CaseRevision, after: CaseRevision) -> dict:
    """The diff of every field whose value differs between two versions."""
    from thinktank.diff import diff_html

    return {
        name: diff_html(shown(before, name), shown(after, name), whole=name not in FREE_TEXT_FIELDS)
        for name, value in after.content.items()
        if before.content.get(name, CONTENT_DEFAULTS.get(name)) != value
    }


def under_discussion(user, limit: int = 5) -> list[Case]:
    """The cases open for discussion or in voting that ``user`` may see, newest activity first."""
    statement = (
        select(Case)
        .where(visible_clause(user), Case.state.in_([CaseState.OPEN, CaseState.VOTING]))
        .order_by(Case.last_activity_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def rerender_markdown() -> int:
    """Re-render stored HTML made by an older sanitiser version; returns how many cases."""
    stale = db.session.scalars(select(Case).where(Case.markup_version != MARKUP_VERSION)).all()
    for case in stale:
        cook(case)
    return len(stale)
