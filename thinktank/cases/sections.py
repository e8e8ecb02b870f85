"""Sections that other domains add to the case page (discussion, positions and votes, ...).

A domain registers a loader that, given the case and the user, returns the context for its
template, or None to show nothing. Loaders must run a fixed number of queries whatever the
amount of data, like the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Loader = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    loader: Loader


_sections: list[Section] = []


def register(order: int, template: str) -> Callable[[Loader], Loader]:
    """Show ``template`` on the case page at position ``order`` (lower comes first)."""

    def add(loader: Loader) -> Loader:
        _sections.append(Section(order, template, loader))
        _sections.sort(key=lambda section: section.order)
        return loader

    return add


@dataclass(frozen=True)
class RenderedSection:
    template: str
    context: dict[str, Any]


def for_case(case, user) -> list[RenderedSection]:
    rendered = []
    for section in _sections:
        context = section.loader(case, user)
        if context is not None:
            rendered.append(RenderedSection(section.template, context))
    return rendered
