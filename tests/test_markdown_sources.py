"""Every stored HTML keeps its Markdown source beside it, so rerender-markdown can re-render
all of it after the sanitiser's rules changed: frozen tallies and published versions too."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, inspect, select, text
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table

from tests.conftest import cast
from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.discussion.models import Comment, CommentRevision
from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.markup import MARKUP_VERSION
from thinktank.models import utcnow
from thinktank.recommendations import service as recommendations
from thinktank.recommendations.models import MinorityOpinion, Recommendation, RecommendationVersion
from thinktank.transaction import transaction
from thinktank.voting.models import Ballot, Position, VoteResult

OLD = "<p>cooked by older rules</p>"


@pytest.fixture
def stored_texts(
    app, make_vote_case, make_comment, make_recommendation, client_as, member, secretariat
):
    """Every kind of stored text, written the way users write them: a case, a position, a
    ballot reason in a frozen tally, an edited comment cited in a published version with a
    minority opinion."""
    vote = make_vote_case(dilemma="Dilemma:\n- a")
    with app.app_context():
        position = db.session.get(Position, vote.positions[0])
        position.explanation = "Forklaring:\n- p"  # written before these rules: no HTML yet
        db.session.commit()
    assert cast(client_as(member), vote.id, vote.positions[0], "Fordi:\n- b").status_code == 302
    comment = make_comment(_case(app, vote.id), member, "Før:\n- x")
    edited = client_as(member).post(f"/comments/{comment.id}/edit", data={"body": "Efter:\n- y"})
    assert edited.status_code == 302
    closing = client_as(secretariat).post(
        f"/cases/{vote.id}/transition", data={"move": "close_voting", "reason": "Nu."}
    )
    assert closing.status_code == 302
    draft = make_recommendation(
        "review", case=_case(app, vote.id), body="Liste:\n- q", citations=[comment.id]
    )
    with app.test_request_context("/"), transaction():
        recommendation = db.session.get(Recommendation, draft.id)
        recommendations.write_opinion(db.session.get(User, member.id), recommendation, "Nej:\n- z")
        recommendations.publish(db.session.get(User, secretariat.id), recommendation)
    return {"case": vote.id, "comment": comment.id, "recommendation": draft.id}


def _case(app, case_id: int) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
    return case


def _version(recommendation_id: int) -> RecommendationVersion:
    return db.session.scalar(
        select(RecommendationVersion).where(
            RecommendationVersion.recommendation_id == recommendation_id
        )
    )


def _cook_everything_by_older_rules() -> None:
    """What the database holds after MARKUP_VERSION was raised: every HTML is older."""
    older = MARKUP_VERSION - 1
    for model, columns in (
        (Case, ("dilemma_html", "benefits_html", "risks_html")),
        (Position, ("explanation_html",)),
        (Ballot, ("reason_html",)),
        (Comment, ("body_html",)),
        (CommentRevision, ("body_html",)),
        (Recommendation, ("body_html",)),
        (MinorityOpinion, ("body_html",)),
    ):
        for row in db.session.scalars(select(model)):
            for column in columns:
                setattr(row, column, OLD)
            row.markup_version = older
    with rewriting(
        VoteResult.snapshot,
        VoteResult.markup_version,
        RecommendationVersion.body_html,
        RecommendationVersion.minority_opinions,
        RecommendationVersion.citations,
        RecommendationVersion.markup_version,
    ):
        for result in db.session.scalars(select(VoteResult)):
            votes = [vote | {"reason_html": OLD} for vote in result.snapshot["votes"]]
            result.snapshot = result.snapshot | {"votes": votes}
            result.markup_version = older
        for version in db.session.scalars(select(RecommendationVersion)):
            version.body_html = OLD
            version.minority_opinions = [o | {"body_html": OLD} for o in version.minority_opinions]
            version.citations = [c | {"quote_html": OLD} for c in version.citations]
            version.markup_version = older
    db.session.commit()


def _without_html(value):
    """A stored record with its rendered HTML left out: what must never change."""
    if isinstance(value, dict):
        return {k: _without_html(v) for k, v in value.items() if not k.endswith("_html")}
    if isinstance(value, list):
        return [_without_html(item) for item in value]
    return value


def _rerender(app) -> str:
    result = app.test_cli_runner().invoke(args=["rerender-markdown"])
    assert result.exit_code == 0, result.output
    return result.output


def test_new_frozen_records_keep_the_markdown_beside_the_html(app, stored_texts):
    with app.app_context():
        (vote,) = db.session.get(VoteResult, stored_texts["case"]).snapshot["votes"]
        version = _version(stored_texts["recommendation"])
        (opinion,) = version.minority_opinions
        (citation,) = version.citations
        (revision,) = db.session.scalars(select(CommentRevision))
        frozen = [db.session.get(VoteResult, stored_texts["case"]), version, revision]
    assert (vote["reason"], opinion["body"], citation["quote"]) == (
        "Fordi:\n- b",
        "Nej:\n- z",
        "Efter:\n- y",
    )
    assert "<li>b</li>" in vote["reason_html"] and "<li>z</li>" in opinion["body_html"]
    assert [row.markup_version for row in frozen] == [MARKUP_VERSION] * 3


def test_rerender_renders_every_kind_again_from_its_source_and_counts_it(app, stored_texts):
    with app.app_context():
        _cook_everything_by_older_rules()
        tally_before = _without_html(db.session.get(VoteResult, stored_texts["case"]).snapshot)
        version = _version(stored_texts["recommendation"])
        version_before = _without_html(
            {
                c: getattr(version, c)
                for c in ("number", "title", "body", "minority_opinions", "citations")
            }
        )

    output = _rerender(app)

    for line in (
        "cases: 1",
        "positions: 2",  # the second position has no explanation: its HTML is now empty
        "ballot reasons: 1",
        "frozen vote results (reasons): 1",
        "comments: 1",
        "earlier comment texts: 1",
        "recommendations: 1",
        "published recommendation versions: 1",
        "minority opinions in published versions: 1",
        "quotes in published versions: 1",
        "minority opinions: 1",
        "in all: 12",
    ):
        assert f"  {line}\n" in output, output
    with app.app_context():
        case = db.session.get(Case, stored_texts["case"])
        position = db.session.get(
            Position, db.session.scalars(select(Position.id).order_by(Position.id)).first()
        )
        ballot = db.session.scalar(select(Ballot))
        (revision,) = db.session.scalars(select(CommentRevision))
        result = db.session.get(VoteResult, stored_texts["case"])
        version = _version(stored_texts["recommendation"])
        (opinion,), (citation,) = version.minority_opinions, version.citations
        assert "<li>a</li>" in case.dilemma_html
        assert "<li>p</li>" in position.explanation_html
        assert "<li>b</li>" in ballot.reason_html
        assert "<li>b</li>" in result.snapshot["votes"][0]["reason_html"]
        assert "<li>y</li>" in db.session.get(Comment, stored_texts["comment"]).body_html
        assert "<li>x</li>" in revision.body_html
        assert (
            "<li>q</li>" in db.session.get(Recommendation, stored_texts["recommendation"]).body_html
        )
        assert "<li>q</li>" in version.body_html
        assert "<li>z</li>" in opinion["body_html"] and "<li>y</li>" in citation["quote_html"]
        assert "<li>z</li>" in db.session.scalar(select(MinorityOpinion)).body_html
        # frozen records: nothing but the HTML changed
        assert _without_html(result.snapshot) == tally_before
        assert (
            _without_html(
                {
                    c: getattr(version, c)
                    for c in ("number", "title", "body", "minority_opinions", "citations")
                }
            )
            == version_before
        )
        assert (result.markup_version, version.markup_version, revision.markup_version) == (
            MARKUP_VERSION,
        ) * 3
    assert _rerender(app).endswith("  in all: 0\n")


def test_html_whose_source_was_lost_is_kept_as_it_was(app, stored_texts):
    with app.app_context():
        _cook_everything_by_older_rules()
        with rewriting(VoteResult.snapshot, RecommendationVersion.minority_opinions):
            result = db.session.get(VoteResult, stored_texts["case"])
            result.snapshot = result.snapshot | {
                "votes": [vote | {"reason": None} for vote in result.snapshot["votes"]]
            }
            version = _version(stored_texts["recommendation"])
            version.minority_opinions = [o | {"body": None} for o in version.minority_opinions]
        db.session.commit()

    output = _rerender(app)

    assert "  frozen vote results (reasons): 0\n" in output
    assert "  minority opinions in published versions: 0\n" in output
    assert "  quotes in published versions: 1\n" in output
    with app.app_context():
        assert (
            db.session.get(VoteResult, stored_texts["case"]).snapshot["votes"][0]["reason_html"]
            == OLD
        )
        assert _version(stored_texts["recommendation"]).minority_opinions[0]["body_html"] == OLD


# --- migration 0011_markdown_sources -----------------------------------------------------

BEFORE = "0010_edit_versions"
NEW_COLUMNS = ("comment_revisions", "recommendation_versions", "vote_results")


def _columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def _strip_sources() -> None:
    """Make the snapshots look as they were written before the sources were kept."""
    with db.engine.begin() as connection:
        for result in connection.execute(select(RESULTS)).all():
            votes = [_drop(vote, "reason") for vote in result.snapshot["votes"]]
            connection.execute(
                RESULTS.update()
                .where(RESULTS.c.case_id == result.case_id)
                .values(snapshot=result.snapshot | {"votes": votes})
            )
        for version in connection.execute(select(VERSIONS)).all():
            connection.execute(
                VERSIONS.update()
                .where(VERSIONS.c.id == version.id)
                .values(
                    minority_opinions=[_drop(o, "body") for o in version.minority_opinions],
                    citations=[_drop(c, "quote") for c in version.citations],
                )
            )


def _drop(entry: dict, key: str) -> dict:
    return {k: v for k, v in entry.items() if k != key}


RESULTS = sa_table("vote_results", sa_column("case_id"), sa_column("snapshot", JSON))
VERSIONS = sa_table(
    "recommendation_versions",
    sa_column("id"),
    sa_column("minority_opinions", JSON),
    sa_column("citations", JSON),
)


def test_migration_recovers_the_sources_it_can_and_marks_the_rest(app, stored_texts):
    with app.app_context():  # revised in a later review round: its published text is gone
        opinion = db.session.scalar(select(MinorityOpinion))
        opinion.body, opinion.body_html = "Ændret:\n- w", "<p>Ændret:</p>\n<ul>\n<li>w</li>\n</ul>"
        opinion.updated_at = utcnow()
        db.session.commit()
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision=BEFORE)
            assert all("markup_version" not in _columns(table) for table in NEW_COLUMNS)
            _strip_sources()
            with db.engine.begin() as connection:  # re-rendered since: the HTML differs now
                connection.execute(text("UPDATE ballots SET reason_html = :old"), {"old": OLD})
                connection.execute(text("UPDATE comments SET body_html = :old"), {"old": OLD})
            upgrade()
            assert all("markup_version" in _columns(table) for table in NEW_COLUMNS)
            result = db.session.get(VoteResult, stored_texts["case"])
            version = _version(stored_texts["recommendation"])
            # from the ballot's history and the comment's text at the time of the snapshot
            assert result.snapshot["votes"][0]["reason"] == "Fordi:\n- b"
            assert version.citations[0]["quote"] == "Efter:\n- y"
            assert version.minority_opinions[0]["body"] is None  # the marker: source lost
            revisions = list(db.session.scalars(select(CommentRevision)))
            assert {row.markup_version for row in [result, version, *revisions]} == {0}
            db.session.remove()
            # down and up again: the sources stay, nothing is recovered twice
            downgrade(revision=BEFORE)
            upgrade()
            assert db.session.get(VoteResult, stored_texts["case"]).snapshot == result.snapshot
        finally:
            db.session.remove()
            upgrade()

    output = _rerender(app)  # the migrated rows are re-rendered from the recovered sources

    assert "  frozen vote results (reasons): 0\n" in output  # same rules: same HTML
    with app.app_context():
        assert _version(stored_texts["recommendation"]).markup_version == MARKUP_VERSION
