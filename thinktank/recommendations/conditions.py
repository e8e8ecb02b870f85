"""The conditions voters gave ("yes, on conditions"), grouped by the secretariat while it
drafts the recommendation, and the groups it cites.

A condition is a vote in the case's frozen snapshot; its stable ``condition_id`` (see
``voting/tally.py``) is what a group holds, so groups never point at live ballots. Grouping
changes only the working copy; a published version copies the cited groups with their
conditions (names included: a Chatham House display leaves them out when shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from thinktank.errors import NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.markup import render_markdown
from thinktank.permissions import require
from thinktank.recommendations.models import (
    Citation,
    ConditionGroup,
    ConditionGroupMember,
    Recommendation,
)
from thinktank.voting.models import VoteResult
from thinktank.voting.tally import result_view

MAX_TITLE = 200
KIND = "condition_group"  # a published citation's "kind" when it cites a group


@dataclass
class Condition:
    id: int
    position_title: str
    voter_id: int | None
    name: str
    affiliation: str
    conditions: str
    conditions_html: str

    def snapshot(self) -> dict[str, Any]:
        return {
            "condition_id": self.id,
            "position": self.position_title,
            "voter_id": self.voter_id,
            "name": self.name,
            "affiliation": self.affiliation,
            "conditions": self.conditions,
            "conditions_html": self.conditions_html,
        }


@dataclass
class Group:
    id: int
    title: str
    cited: bool
    conditions: list[Condition] = field(default_factory=list)


def frozen_conditions(case_id: int) -> list[Condition]:
    """The conditions in the case's frozen vote, in the snapshot's order (one query)."""
    stored = db.session.get(VoteResult, case_id)
    if stored is None:
        return []
    view = result_view(stored.snapshot)
    titles = {group.key: group.title for group in view.groups}
    return [
        Condition(
            id=vote.condition_id,
            position_title=titles.get(f"position-{vote.position_id}", ""),
            voter_id=vote.voter_id,
            name=vote.name,
            affiliation=vote.affiliation,
            conditions=vote.conditions,
            conditions_html=vote.conditions_html,
        )
        for group in view.groups
        for vote in group.votes
        if vote.conditional and vote.condition_id is not None
    ]


def groups(recommendation: Recommendation, conditions: list[Condition] | None = None):
    """The recommendation's groups with their conditions, and the conditions in no group."""
    conditions = frozen_conditions(recommendation.case_id) if conditions is None else conditions
    by_id = {condition.id: condition for condition in conditions}
    rows = db.session.scalars(
        select(ConditionGroup)
        .where(ConditionGroup.recommendation_id == recommendation.id)
        .order_by(ConditionGroup.created_at, ConditionGroup.id)
    ).all()
    members = db.session.execute(
        select(ConditionGroupMember.group_id, ConditionGroupMember.condition_id).where(
            ConditionGroupMember.recommendation_id == recommendation.id
        )
    ).all()
    cited = set(
        db.session.scalars(
            select(Citation.condition_group_id).where(
                Citation.recommendation_id == recommendation.id,
                Citation.condition_group_id.is_not(None),
            )
        )
    )
    found = {row.id: Group(row.id, row.title, row.id in cited) for row in rows}
    grouped = set()
    for group_id, condition_id in sorted(members, key=lambda m: m[1]):
        if condition_id in by_id and group_id in found:
            found[group_id].conditions.append(by_id[condition_id])
            grouped.add(condition_id)
    ungrouped = [c for c in conditions if c.id not in grouped]
    return list(found.values()), ungrouped


def _group_of(recommendation: Recommendation, group_id: int) -> ConditionGroup:
    group = db.session.get(ConditionGroup, group_id)
    if group is None or group.recommendation_id != recommendation.id:
        raise NotFound()
    return group


def create_group(user, recommendation: Recommendation, title: str, condition_ids: list[int]):
    """Name the chosen conditions as one group; each condition is in at most one group."""
    require("group_conditions", recommendation, user=user)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the group a name."), "title")
    if len(title) > MAX_TITLE:
        raise ValidationFailed(_("At most %(max)s characters.", max=MAX_TITLE), "title")
    chosen = list(dict.fromkeys(condition_ids))
    if not chosen:
        raise ValidationFailed(_("Choose the conditions that say the same."), "conditions")
    _groups, ungrouped = groups(recommendation)
    free = {condition.id for condition in ungrouped}
    if any(condition_id not in free for condition_id in chosen):
        raise ValidationFailed(
            _("Choose conditions from this vote that are not in a group yet."), "conditions"
        )
    group = ConditionGroup(recommendation_id=recommendation.id, title=title)
    db.session.add(group)
    db.session.flush()
    for condition_id in chosen:
        db.session.add(
            ConditionGroupMember(
                group_id=group.id, condition_id=condition_id, recommendation_id=recommendation.id
            )
        )
    return group


def dissolve_group(user, recommendation: Recommendation, group_id: int) -> None:
    """Remove a group (its conditions become ungrouped, and it is no longer cited)."""
    require("group_conditions", recommendation, user=user)
    db.session.delete(_group_of(recommendation, group_id))
    db.session.flush()


def cite_group(user, recommendation: Recommendation, group_id: int, cited: bool) -> None:
    """Cite a group in the working copy (shown with its conditions once published), or stop."""
    require("group_conditions", recommendation, user=user)
    group = _group_of(recommendation, group_id)
    db.session.execute(
        delete(Citation).where(
            Citation.recommendation_id == recommendation.id,
            Citation.condition_group_id == group.id,
        )
    )
    if cited:
        db.session.add(Citation(recommendation_id=recommendation.id, condition_group_id=group.id))
    db.session.flush()


def cited_condition_groups(recommendation: Recommendation) -> list[dict[str, Any]]:
    """The cited groups as a published version keeps them (after the cited comments)."""
    found, _ungrouped = groups(recommendation)
    return [
        {
            "kind": KIND,
            "group_id": group.id,
            "title": group.title,
            "conditions": [condition.snapshot() for condition in group.conditions],
        }
        for group in found
        if group.cited
    ]


def rerender(citation: dict[str, Any]) -> dict[str, Any]:
    """A published group citation with its conditions' HTML from their kept Markdown."""
    return citation | {
        "conditions": [
            c | {"conditions_html": str(render_markdown(c["conditions"]))}
            if c.get("conditions")
            else c
            for c in citation.get("conditions", [])
        ]
    }
