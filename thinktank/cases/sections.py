"""What other domains add to the case page (discussion, positions and votes, recommendation).

A domain defines a loader that, given the case and the user, returns the context for its
template, or None to show nothing; ``thinktank.wiring`` adds it with its place and order.
Loaders must run a fixed number of queries whatever the amount of data, like the rest of
the page.

Besides its own template, a section may give the page two things by context keys:
``"actions"`` (:class:`ActionLink`, shown under the case's "Actions", only for those allowed)
and ``"timeline"`` (:class:`TimelineEntry`, merged into the case's timeline by time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from thinktank.registry import append_once

Loader = Callable[[Any, Any], dict[str, Any] | None]

#: where a section's template goes: under the case's header, or after the case's facts
PLACES = ("top", "main")


@dataclass(frozen=True)
class Section:
    """``template`` shown on the case page at ``place``, position ``order`` (lower comes first)."""

    order: int
    template: str | None
    loader: Loader
    place: str = "main"

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"unknown place {self.place!r}")


_sections: list[Section] = []


def register(section: Section) -> None:
    """Show ``section`` on every case page (once, however often it is registered)."""
    if append_once(_sections, section):
        _sections.sort(key=lambda found: found.order)


def registered() -> list[Section]:
    """The sections in the order the page shows them."""
    return list(_sections)


@dataclass(frozen=True)
class ActionLink:
    """A link among the case's actions, e.g. "Write a draft recommendation"."""

    label: str
    url: str
    primary: bool = True


@dataclass(frozen=True)
class TimelineEntry:
    """A line in the case's timeline. With ``step`` set (a move's name, e.g. "publish"), it
    links the case's own step of that name instead of adding a line."""

    at: datetime
    text: str
    url: str | None = None
    step: str | None = None
    actor: str | None = None
    note: str = ""


@dataclass(frozen=True)
class RenderedSection:
    template: str | None
    context: dict[str, Any]
    place: str = "main"


@dataclass(frozen=True)
class CasePage:
    """The other domains' parts of one case page."""

    sections: list[RenderedSection]
    actions: list[ActionLink]
    timeline: list[TimelineEntry]

    def at(self, place: str) -> list[RenderedSection]:
        return [s for s in self.sections if s.place == place and s.template]


def for_case(case, user) -> CasePage:
    rendered: list[RenderedSection] = []
    actions: list[ActionLink] = []
    entries: list[TimelineEntry] = []
    for section in _sections:
        context = section.loader(case, user)
        if context is None:
            continue
        rendered.append(RenderedSection(section.template, context, section.place))
        actions.extend(context.get("actions", ()))
        entries.extend(context.get("timeline", ()))
    return CasePage(rendered, actions, entries)


def timeline(
    steps,
    entries: list[TimelineEntry],
    describe: Callable[[Any], str],
    name: Callable[[Any], str] = lambda user: user.display_name,
):
    """The case's own steps and the other domains' entries, oldest first; ``name`` says
    how a step's actor is shown."""
    links = {entry.step: entry.url for entry in entries if entry.step}
    merged: list[TimelineEntry] = []
    for step in steps:
        merged.append(
            TimelineEntry(
                at=step.created_at,
                text=describe(step),
                url=links.pop(step.action, None),
                actor=name(step.actor) if step.actor else None,
                note=step.note,
            )
        )
    linked = {entry.step for entry in entries if entry.step} - set(links)
    merged.extend(entry for entry in entries if entry.step not in linked)
    return sorted(merged, key=lambda entry: entry.at)
