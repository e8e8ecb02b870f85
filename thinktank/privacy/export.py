"""Download my data: a ZIP with ``data.json`` (stable keys), ``summary.md`` and ``README.md``.

Each kind of data has one :class:`Collector`; ``thinktank.wiring`` lists them in
``EXPORT_COLLECTORS``, so a new domain adds its data with one entry.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from thinktank.models import utcnow
from thinktank.registry import put

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Collector:
    """One kind of data: its key in data.json, what it holds, and how to read it for a person."""

    key: str
    title: str  # in the summary
    fields: str  # documented in README.md: the keys of each item
    collect: Callable[[Any], Any]  # the person -> a dict, or a list of dicts
    line: Callable[[dict], str]  # one item as a line of the summary


_COLLECTORS: dict[str, Collector] = {}


def register(collector: Collector) -> None:
    put(_COLLECTORS, collector.key, collector, "export collector")


def collectors() -> list[Collector]:
    return list(_COLLECTORS.values())


def plain(value: Any) -> Any:
    """A value as JSON: dates in ISO 8601, enums by value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def collect_all(user) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "thinktank-personal-data",
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
    }
    for collector in collectors():
        data[collector.key] = collector.collect(user)
    return data


def readme() -> str:
    lines = [
        "# Your data from Tænketanken / Dine data fra Tænketanken",
        "",
        "`data.json` holds everything the think tank stores about you; `summary.md` is the same",
        "in readable form. Dates and times are ISO 8601 in UTC. The keys are stable: a new",
        "format_version adds keys and never renames or removes one.",
        "",
        "Top-level keys of data.json:",
        "",
        '- `format`: always "thinktank-personal-data"',
        f"- `format_version`: {FORMAT_VERSION}",
        "- `exported_at`: when this file was made",
    ]
    for collector in collectors():
        lines.append(f"- `{collector.key}`: {collector.title}. {collector.fields}")
    return "\n".join(lines) + "\n"


def summary(data: dict[str, Any]) -> str:
    lines = ["# Tænketanken", "", f"exported_at: {data['exported_at']}", ""]
    for collector in collectors():
        value = data[collector.key]
        items = value if isinstance(value, list) else [value]
        lines += [f"## {collector.title} ({len(items)})", ""]
        lines += [f"- {collector.line(item)}" for item in items] or ["- —"]
        lines.append("")
    return "\n".join(lines)


def build_zip(user) -> bytes:
    """The ZIP the person downloads."""
    data = collect_all(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=plain))
        archive.writestr("summary.md", summary(data))
        archive.writestr("README.md", readme())
    return buffer.getvalue()
