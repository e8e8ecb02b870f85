"""The frozen result split by the voters' sector at closing (the snapshot keys: see
``tally.py``), and its anonymous reading: a sector with fewer than ``SMALL_SECTOR`` counted
voters is flagged, and shown anonymously (a Chatham House case seen from outside the think
tank) its counts are withheld."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from thinktank.accounts.roles import Sector
from thinktank.voting.models import BallotChoice

NO_SECTOR = "none"
SECTOR_KEYS = (*(sector.value for sector in Sector), NO_SECTOR)
SMALL_SECTOR = 3  # fewer voters than this in a sector: a note, and withheld when anonymous


def no_votes() -> dict[str, int]:
    return dict.fromkeys(SECTOR_KEYS, 0)


def sector_split(votes: list[dict[str, Any]]) -> dict[Any, dict[str, int]]:
    """Counted votes by the voter's sector: ``{position_id | "abstain": {sector: n}}`` and
    ``"sector_voters"``: every counted voter by sector (recusals are not counted)."""
    split: dict[Any, dict[str, int]] = {"sector_voters": no_votes(), "abstain": no_votes()}
    for vote in votes:
        sector = vote.get("sector") if vote.get("sector") in SECTOR_KEYS else NO_SECTOR
        if vote["choice"] == BallotChoice.POSITION.value:
            key = vote.get("position_id")
        elif vote["choice"] == BallotChoice.ABSTAIN.value:
            key = "abstain"
        else:
            continue
        split.setdefault(key, no_votes())[sector] += 1
        split["sector_voters"][sector] += 1
    return split


@dataclass
class SectorRow:
    key: str
    label: Any
    voters: int | None  # None: withheld (fewer than SMALL_SECTOR voters, shown anonymously)
    cells: list[int | None]  # one per column, in the order of SectorTable.columns
    small: bool


@dataclass
class SectorTable:
    columns: list[Any]  # the positions' titles, then "Abstained"
    rows: list[SectorRow]  # the sectors that have counted voters

    @property
    def has_small(self) -> bool:
        return any(row.small for row in self.rows)


def _sector_label(key: str):
    return Sector(key).label if key in Sector._value2member_map_ else _("No sector")


def sector_table(snapshot: dict[str, Any], *, anonymous: bool = False) -> SectorTable:
    """The counts by sector as frozen (derived from the votes for a version-1 snapshot);
    ``anonymous`` withholds the counts of a sector with fewer than SMALL_SECTOR voters."""
    if "sector_voters" in snapshot:
        voters = snapshot["sector_voters"]
        columns = [p.get("by_sector", {}) for p in snapshot["positions"]]
        columns.append(snapshot.get("abstentions_by_sector", {}))
    else:
        split = sector_split(snapshot["votes"])
        voters = split["sector_voters"]
        columns = [split.get(p["id"], {}) for p in snapshot["positions"]]
        columns.append(split["abstain"])
    rows = []
    for key in SECTOR_KEYS:
        total = voters.get(key, 0)
        if not total:
            continue
        small = total < SMALL_SECTOR
        withheld = small and anonymous
        rows.append(
            SectorRow(
                key=key,
                label=_sector_label(key),
                voters=None if withheld else total,
                cells=[None if withheld else column.get(key, 0) for column in columns],
                small=small,
            )
        )
    titles = [p["title"] for p in snapshot["positions"]]
    return SectorTable(columns=[*titles, _("Abstained")], rows=rows)


def public_snapshot_document(snapshot: dict[str, Any], *, anonymous: bool = False) -> dict:
    """The snapshot as results.json shows it: anonymously, a small sector's counts are
    withheld (None, with ``"withheld": true``) and conditions carry no voter."""
    if not anonymous:
        return snapshot
    table = sector_table(snapshot, anonymous=True)
    withheld = {row.key for row in table.rows if row.voters is None}

    def hide(counts: dict[str, int]) -> dict[str, int | None]:
        return {key: None if key in withheld else n for key, n in counts.items()}

    document = dict(snapshot)
    if "sector_voters" in snapshot:
        document["sector_voters"] = hide(snapshot["sector_voters"])
        document["abstentions_by_sector"] = hide(snapshot.get("abstentions_by_sector", {}))
        document["positions"] = [
            p | {"by_sector": hide(p.get("by_sector", {}))} for p in snapshot["positions"]
        ]
    document["withheld_sectors"] = sorted(withheld)
    document["conditions"] = [
        {"id": v.get("condition_id"), "position_id": v.get("position_id"),
         "conditions_html": v.get("conditions_html") or ""}
        for v in snapshot["votes"] if v.get("conditional")
    ]  # fmt: skip
    return document
