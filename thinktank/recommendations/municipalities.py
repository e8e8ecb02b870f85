"""The 98 Danish municipalities: official code, name and the internet domains their staff's
e-mail addresses use (kept as data in ``thinktank/data/municipalities.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    domains: tuple[str, ...]  # the first is the official one; the others are also in use

    def owns_email(self, email: str) -> bool:
        """Whether ``email`` is at one of the municipality's domains or a subdomain of one."""
        host = email.rpartition("@")[2].strip().lower().rstrip(".")
        return any(host == domain or host.endswith("." + domain) for domain in self.domains)


@cache
def municipalities() -> dict[str, Municipality]:
    """Every municipality by its official code, as listed in the data file."""
    text = files("thinktank").joinpath("data/municipalities.json").read_text(encoding="utf-8")
    rows = json.loads(text)
    return {
        row["code"]: Municipality(row["code"], row["name"], tuple(row["domains"])) for row in rows
    }


MUNICIPALITIES: dict[str, str] = {code: m.name for code, m in municipalities().items()}


def sorted_choices() -> list[tuple[str, str]]:
    """(code, name) sorted by name the Danish way (æ, ø, å last)."""
    order = "abcdefghijklmnopqrstuvwxyzæøå"

    def key(name: str) -> list[int]:
        return [order.index(c) if c in order else -1 for c in name.lower()]

    return sorted(MUNICIPALITIES.items(), key=lambda item: key(item[1]))
