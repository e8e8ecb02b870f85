"""A frozen tally and a published recommendation version are never changed or deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from tests.conftest import cast
from thinktank.accounts.models import User
from thinktank.errors import InvalidTransition
from thinktank.extensions import db
from thinktank.frozen import FrozenRecordChanged, rewriting
from thinktank.recommendations.models import Recommendation, RecommendationVersion
from thinktank.voting.models import VoteResult


@pytest.fixture
def closed_vote(make_vote_case, client_as, member, secretariat):
    """A case whose vote closed through the page, with one ballot in its frozen tally."""
    vote = make_vote_case()
    assert cast(client_as(member), vote.id, vote.positions[0], "Fordi.").status_code == 302
    closing = client_as(secretariat).post(
        f"/cases/{vote.id}/transition", data={"move": "close_voting", "reason": "Nu."}
    )
    assert closing.status_code == 302
    return vote


def _version(recommendation_id: int, number: int = 1) -> RecommendationVersion:
    return db.session.scalar(
        select(RecommendationVersion).where(
            RecommendationVersion.recommendation_id == recommendation_id,
            RecommendationVersion.number == number,
        )
    )


def _refused(change) -> None:
    """``change`` is refused when it reaches the database, and nothing of it is kept."""
    with pytest.raises(FrozenRecordChanged):
        change()
        db.session.flush()
    db.session.rollback()


def test_closing_a_vote_still_writes_its_tally(app, closed_vote):
    with app.app_context():
        result = db.session.get(VoteResult, closed_vote.id)
        assert result is not None
        assert result.snapshot["ballots"] == 1


def test_a_frozen_tally_cannot_be_updated(app, closed_vote):
    with app.app_context():
        result = db.session.get(VoteResult, closed_vote.id)
        frozen_at, snapshot = result.frozen_at, dict(result.snapshot)

        _refused(lambda: setattr(result, "snapshot", snapshot | {"ballots": 99}))
        _refused(lambda: setattr(result, "frozen_at", None))

        stored = db.session.get(VoteResult, closed_vote.id)
        assert stored.snapshot == snapshot
        assert stored.frozen_at == frozen_at


def test_a_frozen_tally_cannot_be_deleted(app, closed_vote):
    with app.app_context():
        _refused(lambda: db.session.delete(db.session.get(VoteResult, closed_vote.id)))

        assert db.session.get(VoteResult, closed_vote.id).snapshot["ballots"] == 1


def test_a_frozen_tally_cannot_be_changed_by_a_bulk_statement(app, closed_vote):
    with app.app_context():
        _refused(lambda: db.session.execute(update(VoteResult).values(snapshot={})))
        _refused(lambda: db.session.execute(delete(VoteResult)))

        assert db.session.get(VoteResult, closed_vote.id).snapshot["ballots"] == 1


def test_the_refusal_is_a_domain_error_shown_as_not_possible():
    error = FrozenRecordChanged()

    assert isinstance(error, InvalidTransition)
    assert error.status == 409
    assert "cannot be changed" in error.message


def test_publishing_still_writes_versions_and_keeps_the_earlier_one(
    app, make_recommendation, secretariat
):
    from thinktank.recommendations import service

    published = make_recommendation("published", body="Første udgave.")
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        recommendation = db.session.get(Recommendation, published.id)
        recommendation.body = "Anden udgave."
        recommendation.body_html = "<p>Anden udgave.</p>"
        db.session.commit()
        service.publish(staff, recommendation, "Ny tekst.")
        db.session.commit()

        assert _version(published.id, 1).body == "Første udgave."
        assert _version(published.id, 2).body == "Anden udgave."


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("title", "Ændret titel"),
        ("body", "Ændret tekst."),
        ("body_html", "<p>Ændret</p>"),
        ("change_note", "Ændret"),
        ("minority_opinions", [{"author": "X", "body_html": "<p>x</p>"}]),
        ("citations", [{"comment_id": 1, "author": "X", "quote_html": "<p>x</p>"}]),
    ],
)
def test_a_published_version_cannot_be_updated(app, make_recommendation, column, value):
    published = make_recommendation("published", body="Som udgivet.")
    with app.app_context():
        version = _version(published.id)
        before = getattr(version, column)

        _refused(lambda: setattr(version, column, value))

        assert getattr(_version(published.id), column) == before


def test_a_published_version_cannot_be_deleted_one_by_one_or_in_bulk(app, make_recommendation):
    published = make_recommendation("published")
    with app.app_context():
        _refused(lambda: db.session.delete(_version(published.id)))
        _refused(lambda: db.session.execute(delete(RecommendationVersion)))
        _refused(lambda: db.session.execute(update(RecommendationVersion).values(title="x")))

        assert _version(published.id).title == "Brug kun rådgivende modeller"


def test_the_working_copy_stays_editable_after_publishing(app, make_recommendation):
    published = make_recommendation("published", body="Som udgivet.")
    with app.app_context():
        recommendation = db.session.get(Recommendation, published.id)
        recommendation.body = "Et nyt udkast."
        db.session.commit()

        assert db.session.get(Recommendation, published.id).body == "Et nyt udkast."
        assert _version(published.id).body == "Som udgivet."


def test_rewriting_allows_exactly_the_named_column_and_only_inside_the_block(
    app, make_recommendation
):
    published = make_recommendation("published", body="Som udgivet.")
    with app.app_context():
        with rewriting(RecommendationVersion.body_html):
            _version(published.id).body_html = "<p>Som udgivet.</p>\n"

        assert _version(published.id).body_html == "<p>Som udgivet.</p>\n"
        db.session.commit()

        def change_the_source_too():
            with rewriting(RecommendationVersion.body_html):
                version = _version(published.id)
                version.body_html, version.body = "<p>Andet</p>", "Andet"

        _refused(change_the_source_too)
        _refused(lambda: setattr(_version(published.id), "body_html", "<p>Efter</p>"))

        def delete_while_rewriting():
            with rewriting(RecommendationVersion.body_html):
                db.session.delete(_version(published.id))

        _refused(delete_while_rewriting)
        assert _version(published.id).body == "Som udgivet."
        assert _version(published.id).body_html == "<p>Som udgivet.</p>\n"
