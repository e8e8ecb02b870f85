"""Adding to the registries that ``thinktank.wiring`` fills when an app is built.

Several apps can be built in one process (the tests build one per test), so adding the same
thing again changes nothing; claiming a key that already holds something else is a mistake.
"""

from __future__ import annotations

from typing import Any


def put(registry: dict, key: Any, value: Any, what: str = "entry") -> None:
    """Store ``value`` under ``key`` once; the same value again is a no-op."""
    if registry.get(key, value) is not value:
        raise ValueError(f"{what} for {key!r} registered twice")
    registry[key] = value


def append_once(items: list, item: Any) -> bool:
    """Append ``item`` unless it is there already; True when it was added."""
    if item in items:
        return False
    items.append(item)
    return True
