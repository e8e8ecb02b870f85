"""A case shows one clear state, only the moves that make sense for the viewer, and lists
show the state as it is now (a vote past its closing time is closed, not "Afstemning")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from tests.conftest import page_text
from thinktank.extensions import db
from thinktank.voting.models import VotingRound


def test_secretariat_is_not_offered_to_submit_its_own_draft(client_as, secretariat, make_case):
    draft = make_case(author=secretariat, state="draft", visibility="public")
    page = client_as(secretariat).get(f"/cases/{draft.id}").get_data(as_text=True)
    assert 'value="submit"' not in page and "Send til sekretariatet" not in page
    assert 'value="open"' in page  # it opens its own draft directly
    refused = client_as(secretariat).post(f"/cases/{draft.id}/transition", data={"move": "submit"})
    assert refused.status_code == 403


def test_a_member_submits_their_own_draft(client_as, member, make_case):
    draft = make_case(author=member, state="draft")
    assert 'value="submit"' in client_as(member).get(f"/cases/{draft.id}").get_data(as_text=True)


def test_a_draft_shows_one_state_and_who_will_see_it(client_as, member, make_case):
    public = make_case(state="draft", visibility="public")
    text = page_text(client_as(member).get(f"/cases/{public.id}"))
    assert "Kladde Bliver offentlig, når den åbnes for drøftelse" in text
    assert "Kladde Offentlig" not in text
    internal = make_case(state="draft", visibility="members")
    text = page_text(client_as(member).get(f"/cases/{internal.id}"))
    assert "Bliver kun for medlemmer, når den åbnes for drøftelse" in text


def test_an_open_case_says_who_can_read_it_as_a_fact(client_as, member, make_case):
    case = make_case(state="open", visibility="members")
    html = client_as(member).get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<span class="case-visibility">Kun for medlemmer</span>' in html
    assert html.count('class="badge') == html.count('class="badge badge-open"') + html.count(
        "badge-count"
    )


def _make_due(app, case_id):
    with app.app_context():
        db.session.execute(
            update(VotingRound)
            .where(VotingRound.case_id == case_id)
            .values(closes_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.session.commit()


def _badge_after(html: str, title: str) -> str:
    """The state badge class of the card that shows ``title`` (the badge follows the title)."""
    return html.split(title, 1)[1].split('class="badge badge-', 1)[1].split('"', 1)[0]


def test_lists_show_a_due_vote_as_closed_without_opening_the_case(
    app, client_as, member, make_vote_case
):
    vote = make_vote_case(
        title="Forfalden afstemning",
        visibility="public",
        closes_at=datetime.now(UTC) + timedelta(hours=1),
    )
    reader = client_as(None)
    assert _badge_after(reader.get("/cases/").get_data(as_text=True), "Forfalden") == "voting"
    _make_due(app, vote.id)
    assert _badge_after(reader.get("/cases/").get_data(as_text=True), "Forfalden") == "closed"
    assert "Forfalden afstemning" not in page_text(reader.get("/cases/?state=voting"))
    assert "Forfalden afstemning" in page_text(reader.get("/cases/?state=closed"))


def test_front_page_and_member_page_show_the_state_as_it_is_now(
    app, client_as, member, make_vote_case
):
    vote = make_vote_case(
        title="Forfalden afstemning",
        visibility="public",
        closes_at=datetime.now(UTC) + timedelta(hours=1),
    )
    reader = client_as(None)
    assert "Forfalden afstemning" in page_text(reader.get("/"))  # under discussion
    _make_due(app, vote.id)
    assert "Forfalden afstemning" not in page_text(reader.get("/"))  # voting is over


def test_member_page_shows_the_state_as_it_is_now(app, client_as, member, make_vote_case):
    vote = make_vote_case(
        title="Forfalden afstemning",
        visibility="public",
        closes_at=datetime.now(UTC) + timedelta(hours=1),
    )
    _make_due(app, vote.id)
    page = client_as(None).get(f"/members/{member.id}").get_data(as_text=True)
    assert _badge_after(page, "Forfalden afstemning") == "closed"


def test_closing_due_votes_on_a_list_keeps_the_list_within_its_queries(
    app, client_as, make_vote_case, count_queries
):
    reader = client_as(None)
    make_vote_case(title="Løbende", visibility="public")
    reader.get("/cases/")
    with count_queries() as before:
        reader.get("/cases/")
    vote = make_vote_case(
        title="Forfalden", visibility="public", closes_at=datetime.now(UTC) + timedelta(hours=1)
    )
    _make_due(app, vote.id)
    reader.get("/cases/")  # closes it, once
    with count_queries() as after:
        reader.get("/cases/")
    assert before.count == after.count, str(after)
