"""Re-render the reasons (and conditions) frozen into vote results after the sanitiser's rules changed."""

from __future__ import annotations

from sqlalchemy import select

from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.markup import MARKUP_VERSION, render_markdown
from thinktank.voting.models import VoteResult


def _rerendered(vote: dict) -> dict:
    if vote.get("reason") is not None:
        vote = vote | {"reason_html": str(render_markdown(vote["reason"]))}
    if vote.get("conditions"):
        vote = vote | {"conditions_html": str(render_markdown(vote["conditions"]))}
    return vote


def rerender_results() -> int:
    """Re-render the reasons in tallies frozen under an older sanitiser from the reasons
    kept beside them (a reason whose source was lost keeps its HTML); the counts and
    everything else in the snapshot stay as frozen. Returns how many tallies."""
    stale = db.session.scalars(
        select(VoteResult).where(VoteResult.markup_version != MARKUP_VERSION)
    ).all()
    with rewriting(VoteResult.snapshot, VoteResult.markup_version):
        for result in stale:
            votes = [_rerendered(vote) for vote in result.snapshot.get("votes", [])]
            result.snapshot = result.snapshot | {"votes": votes}
            result.markup_version = MARKUP_VERSION
    return len(stale)
