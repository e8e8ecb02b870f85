"""A frozen result as someone outside the think tank sees it in a Chatham House case.

The snapshot keeps every voter's name (it is the record); :func:`without_names` is applied
whenever it is shown or served to a reader who may not see contributors: each vote keeps
its choice, reason and sector, under "A member (municipal sector)", and the declared
interests become one list for the case without saying whose they are.
"""

from __future__ import annotations

from typing import Any

from thinktank.cases.chatham import hides_contributors, sector_label


def without_names(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``snapshot`` with no voter's name, id, organisation or interests."""
    interests: dict[tuple[str, str], dict[str, str]] = {}
    votes = []
    for vote in snapshot.get("votes", []):
        for item in vote.get("interests", []):
            key = (item.get("kind", ""), item.get("organisation", ""))
            interests.setdefault(key, {"kind": key[0], "organisation": key[1]})
        votes.append(
            {
                **vote,
                "voter_id": 0,
                "name": sector_label(vote),
                "organisation": "",
                "interests": [],
            }
        )
    # in name order the list would still say who is who to anyone holding the register
    votes.sort(key=lambda vote: (vote.get("sector") or "", vote.get("choice") or ""))
    return {
        **snapshot,
        "votes": votes,
        "declared_interests": sorted(
            interests.values(), key=lambda i: (i["kind"], i["organisation"])
        ),
    }


def shown_snapshot(snapshot: dict[str, Any] | None, case, viewer=None) -> dict[str, Any] | None:
    """``snapshot`` as ``viewer`` may see it (without names in a Chatham House case)."""
    if snapshot is None or not hides_contributors(case, viewer):
        return snapshot
    return without_names(snapshot)
