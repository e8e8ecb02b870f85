"""An action that fails half-way leaves nothing behind: each request is one unit of work.

Every test makes a real action fail after its first rows are written (the step after the
write is made to raise), then checks through fresh queries that the database is exactly as
it was, every table's row count and the columns the action changes, and that the user got
an error page rather than a half-done result.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import ballot_form, page_text
from thinktank.accounts.roles import Role
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.errors import InvalidTransition
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.recommendations.models import Recommendation
from thinktank.voting.models import VotingRound

TOENDER = "550"


class Outage(RuntimeError):
    """The step after the write failed (a mail server, a bug): not a domain error."""


def _boom(*_args, **_kwargs):
    raise Outage("the next step failed")


@pytest.fixture
def failing_app(app):
    """The app as in production: an unexpected error is answered with the 500 page."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def _rows(app) -> dict[str, int]:
    """How many rows every table holds, read in a fresh session."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _columns(app, model, row_id, *names) -> tuple:
    with app.app_context():
        row = db.session.get(model, row_id)
        return tuple(getattr(row, name) for name in names)


def _assert_error_page(response, status: int) -> None:
    assert response.status_code == status
    assert "Location" not in response.headers  # no redirect to a half-done result
    assert "text/html" in response.content_type


def test_a_reply_whose_notification_fails_is_not_posted(
    failing_app, client_as, member, make_user, make_case, make_comment, monkeypatch
):
    app = failing_app
    case = make_case(state="open")
    other = make_user(Role.MEMBER)
    first = make_comment(case, other, "Første")
    client = client_as(member)
    before = _rows(app)
    # the reply's row is written (and flushed for its permalink) before its author is told
    monkeypatch.setattr("thinktank.discussion.service.notify", _boom)
    response = client.post(f"/comments/{first.id}/reply", data={"body": "Et svar"})
    _assert_error_page(response, 500)
    assert _rows(app) == before


def test_a_first_comment_that_fails_leaves_no_discussion_behind(
    failing_app, client_as, member, make_case, monkeypatch
):
    app = failing_app
    case = make_case(state="open")
    before = _rows(app)
    assert before["discussions"] == 0
    monkeypatch.setattr("thinktank.discussion.service.permalink", _boom)
    response = client_as(member).post(
        f"/discussions/case/{case.id}/comments", data={"body": "Den første kommentar"}
    )
    _assert_error_page(response, 500)
    assert _rows(app) == before


def test_a_ballot_that_fails_after_it_was_written_is_not_counted(
    failing_app, client_as, member, make_vote_case, monkeypatch
):
    app = failing_app
    vote = make_vote_case()
    before = _rows(app)
    # the ballot and its change are written before the closing lock is read
    monkeypatch.setattr("thinktank.voting.ballots._still_open", _boom)
    response = client_as(member).post(
        f"/cases/{vote.id}/vote", data=ballot_form(vote.positions[0], "Fordi")
    )
    _assert_error_page(response, 500)
    assert _rows(app) == before


def test_a_publication_that_fails_after_the_version_row_changes_nothing(
    failing_app, client_as, secretariat, make_recommendation, monkeypatch
):
    app = failing_app
    recommendation = make_recommendation("review")
    columns = ("status", "current_version", "first_published_at", "last_published_at")
    was = _columns(app, Recommendation, recommendation.id, *columns)
    before = _rows(app)
    # the version row is added and the recommendation marked published before the log line
    monkeypatch.setattr("thinktank.recommendations.service.record", _boom)
    response = client_as(secretariat).post(f"/recommendations/{recommendation.id}/publish", data={})
    _assert_error_page(response, 500)
    assert _rows(app) == before
    assert _columns(app, Recommendation, recommendation.id, *columns) == was
    assert _columns(app, Case, recommendation.case_id, "state") == (CaseState.CLOSED,)


def test_a_close_whose_hook_refuses_after_the_state_change_keeps_the_vote_open(
    app, client_as, secretariat, make_vote_case, monkeypatch
):
    vote = make_vote_case()
    before = _rows(app)

    def refuse(*_args, **_kwargs):
        raise InvalidTransition("Optællingen kunne ikke fryses.")

    # freeze_result runs after the case's state is set (and flushed): the tally fails
    monkeypatch.setattr("thinktank.voting.closing.build_snapshot", refuse)
    response = client_as(secretariat).post(
        f"/cases/{vote.id}/transition", data={"move": "close_voting"}
    )
    _assert_error_page(response, 409)
    assert "Optællingen kunne ikke fryses." in page_text(response)
    assert _rows(app) == before
    assert _columns(app, Case, vote.id, "state") == (CaseState.VOTING,)
    assert _columns(app, VotingRound, vote.id, "closed_at", "closed_by_id") == (None, None)


def test_a_position_that_fails_after_it_was_written_is_not_added(
    failing_app, client_as, secretariat, make_case, monkeypatch
):
    app = failing_app
    case = make_case(state="open")
    before = _rows(app)
    monkeypatch.setattr("thinktank.voting.service.record", _boom)
    response = client_as(secretariat).post(
        f"/cases/{case.id}/positions/new",
        data={"position-title": "Ja, på betingelser", "position-explanation": "Hvis ..."},
    )
    _assert_error_page(response, 500)
    assert _rows(app) == before


def test_an_adoption_that_fails_after_it_was_written_is_not_recorded(
    failing_app, client_as, make_user, make_recommendation, monkeypatch
):
    app = failing_app
    recommendation = make_recommendation("published")
    reader = make_user(Role.READER, email="it@toender.dk", email_verified_at=utcnow())
    before = _rows(app)
    # the adoption row is written (in its savepoint) before the log lines
    monkeypatch.setattr("thinktank.recommendations.adoptions.record", _boom)
    response = client_as(reader).post(
        f"/recommendations/{recommendation.id}/adopt",
        data={"municipality": TOENDER, "note": "Vi bruger den"},
    )
    _assert_error_page(response, 500)
    assert _rows(app) == before


def test_one_due_vote_that_fails_to_close_does_not_undo_the_others(
    app, client_as, member, make_vote_case, monkeypatch
):
    from thinktank.voting import closing

    first, second = make_vote_case(), make_vote_case()
    with app.app_context():
        for case_id in (first.id, second.id):
            db.session.get(VotingRound, case_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    real = closing.build_snapshot

    def first_fails(case_id, now):
        if case_id == first.id:
            raise InvalidTransition("closed by someone else")
        return real(case_id, now)

    monkeypatch.setattr("thinktank.voting.closing.build_snapshot", first_fails)
    response = client_as(member).get("/cases/")  # the list makes every due move first
    assert response.status_code == 200
    assert _columns(app, Case, first.id, "state") == (CaseState.VOTING,)
    assert _columns(app, Case, second.id, "state") == (CaseState.CLOSED,)
    assert _columns(app, VotingRound, second.id, "closed_automatically") == (True,)
