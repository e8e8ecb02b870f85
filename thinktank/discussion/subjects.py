"""What a discussion can be about. Each subject kind says who may read and who may write,
where its page is, and which positions arguments may refer to; ``thinktank.wiring``
registers the kinds when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from thinktank.errors import DomainError, NotFound
from thinktank.registry import put


@dataclass(frozen=True)
class Subject:
    kind: str
    # the subject if ``user`` may read it; raises NotFound / LoginRequired / NotAllowed
    load_visible: Callable[[Any, int], Any]
    # None when ``user`` may comment now, else the refusal to raise (and show instead of the form)
    why_not_post: Callable[[Any, Any], DomainError | None]
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    # {id: (title, url)} for many subjects at once (moderation queue)
    describe_many: Callable[[list[int]], dict[int, tuple[str, str]]]
    # (id, title) of the positions an argument may be for or against
    positions: Callable[[Any], list[tuple[int, str]]] = lambda subject: []


_subjects: dict[str, Subject] = {}


def register(subject: Subject) -> None:
    """Let discussions be about ``subject.kind`` (one subject per kind)."""
    put(_subjects, subject.kind, subject, "discussion subject")


def kinds() -> frozenset[str]:
    """The kinds of subject a discussion can be about."""
    return frozenset(_subjects)


def get(kind: str) -> Subject:
    try:
        return _subjects[kind]
    except KeyError:
        raise NotFound() from None


def case_subject(approved_positions: Callable[[int], list]) -> Subject:
    """Cases as a discussion subject: members discuss them while open or in voting.

    ``approved_positions`` gives a case's positions (by case id); voting sits above the
    discussion, so ``thinktank.wiring`` hands it in rather than this module importing it.
    """
    from sqlalchemy import select

    from thinktank.cases.models import Case
    from thinktank.cases.service import visible_case
    from thinktank.cases.views import case_url
    from thinktank.cases.vocabulary import CaseState
    from thinktank.errors import InvalidTransition, LoginRequired, NotAllowed
    from thinktank.extensions import db
    from thinktank.permissions import can

    def why_not_post(user, case) -> DomainError | None:
        if case.state not in (CaseState.OPEN, CaseState.VOTING):
            return InvalidTransition(
                _("Comments can be written while the case is open for discussion or voting.")
            )
        members_only = _("Only members of the think tank can take part in the discussion.")
        if not user.is_authenticated:
            return LoginRequired(members_only)  # the page offers to log in
        if not can(user, "discuss_case", case):
            return NotAllowed(members_only)
        return None

    def describe_many(ids: list[int]) -> dict[int, tuple[str, str]]:
        cases = db.session.scalars(select(Case).where(Case.id.in_(ids)))
        return {case.id: (case.title, case_url(case)) for case in cases}

    def positions(case) -> list[tuple[int, str]]:
        return [(position.id, position.title) for position in approved_positions(case.id)]

    return Subject(
        kind="case",
        load_visible=visible_case,
        why_not_post=why_not_post,
        url=case_url,
        title=lambda case: case.title,
        describe_many=describe_many,
        positions=positions,
    )
