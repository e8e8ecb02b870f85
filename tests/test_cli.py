"""create-admin and seed-demo; every demo account logs in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from thinktank.extensions import db


def test_create_admin_from_options(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Drift@Example.dk", "--password", "et godt langt kodeord"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "drift@example.dk"))
        assert user.role == Role.ADMIN


def test_create_admin_asks_for_what_is_missing(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin"],
        input="drift@example.dk\net godt langt kodeord\net godt langt kodeord\n",
    )
    assert result.exit_code == 0, result.output
    assert "drift@example.dk" in result.output


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "drift@example.dk", "--password", "password1234"]
    )
    assert result.exit_code != 0 and "for almindelig" in result.output


def test_create_admin_refuses_an_existing_account_unless_promoting(app, member):
    runner = app.test_cli_runner()
    refused = runner.invoke(
        args=["create-admin", "--email", member.email, "--password", "et godt langt kodeord"]
    )
    assert refused.exit_code != 0 and "--promote" in refused.output
    with app.app_context():
        assert db.session.get(User, member.id).role == Role.MEMBER
    promoted = runner.invoke(args=["create-admin", "--email", member.email, "--promote"])
    assert promoted.exit_code == 0, promoted.output
    with app.app_context():
        user = db.session.get(User, member.id)
        assert user.role == Role.ADMIN and user.password_hash == member.password_hash


def test_seed_demo_is_idempotent_and_every_account_logs_in(app, seeded):
    # the demo fixture ran seed-demo on an empty database once per process; this is the second run
    runner = app.test_cli_runner()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == len(DEMO_ACCOUNTS)
    emails = {account.email for account in DEMO_ACCOUNTS}
    assert {"admin@kl-demo.dk", "sekretariat@kl-demo.dk", "laeser@kl-demo.dk"} <= emails
    assert {f"ekspert{n}@kl-demo.dk" for n in range(1, 7)} <= emails
    for account in DEMO_ACCOUNTS:
        client = app.test_client()
        response = client.post("/login", data={"email": account.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, account.email


@pytest.mark.parametrize("env", ["production"])
def test_seed_demo_refuses_in_production(make_app, env):
    app = make_app(ENV=env)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_rerender_markdown_updates_stale_html(app, make_case, make_comment, member):
    from thinktank.cases.models import Case
    from thinktank.discussion.models import Comment

    case = make_case(state="open", dilemma="**fed**")
    comment = make_comment(case, member, "*kursiv*")
    with app.app_context():
        db.session.get(Case, case.id).dilemma_html = "<p>gammel</p>"
        db.session.get(Case, case.id).markup_version = 0
        db.session.get(Comment, comment.id).body_html = "<p>gammel</p>"
        db.session.get(Comment, comment.id).markup_version = 0
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rerender-markdown"])
    assert result.exit_code == 0, result.output
    assert "  cases: 1\n" in result.output
    assert "  comments: 1\n" in result.output
    assert "  recommendations: 0\n" in result.output
    assert result.output.endswith("  in all: 2\n")
    with app.app_context():
        assert db.session.get(Case, case.id).dilemma_html == "<p><strong>fed</strong></p>"
        assert db.session.get(Comment, comment.id).body_html == "<p><em>kursiv</em></p>"


def test_rerender_markdown_covers_recommendations_versions_opinions_and_revisions(
    app, make_recommendation, make_case, make_comment, member, client_as
):
    from thinktank.discussion.models import Comment, CommentRevision
    from thinktank.frozen import rewriting
    from thinktank.recommendations import service
    from thinktank.recommendations.models import (
        MinorityOpinion,
        Recommendation,
        RecommendationVersion,
    )

    make_recommendation("published", body="Punkter:\n- a\n- b")
    case = make_case(state="open")
    comment = make_comment(case, member, "Før:\n- x")
    client_as(member).post(f"/comments/{comment.id}/edit", data={"body": "Efter:\n- y"})
    other = make_recommendation("review", body="Liste:\n- q")
    with app.test_request_context("/"):
        service.write_opinion(
            db.session.get(User, member.id), db.session.get(Recommendation, other.id), "Nej:\n- z"
        )
        stale = "<p>stale</p>"
        for model in (Recommendation, MinorityOpinion, Comment):
            for row in db.session.scalars(db.select(model)):
                row.body_html, row.markup_version = stale, 1
        # A published version is frozen: only its HTML may be rewritten, as the command does.
        with rewriting(RecommendationVersion.body_html, RecommendationVersion.markup_version):
            for model in (RecommendationVersion, CommentRevision):
                for row in db.session.scalars(db.select(model)):
                    row.body_html, row.markup_version = stale, 1
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["rerender-markdown"])

    assert result.exit_code == 0, result.output
    for line in (
        "recommendations: 2",
        "published recommendation versions: 1",
        "minority opinions: 1",
        "comments: 1",
        "earlier comment texts: 1",
        "cases: 0",
        "in all: 6",
    ):
        assert f"  {line}\n" in result.output
    with app.app_context():
        for model in (
            Recommendation,
            RecommendationVersion,
            MinorityOpinion,
            Comment,
            CommentRevision,
        ):
            for row in db.session.scalars(db.select(model)):
                assert "<ul>\n<li>" in row.body_html, (model, row.body_html)


def test_rerender_markdown_counts_only_texts_whose_html_changed(app, make_case, member):
    from thinktank.cases.models import Case

    case = make_case(state="open", dilemma="**fed**")
    with app.app_context():
        db.session.get(Case, case.id).markup_version = 0  # stale, but its HTML is current
        db.session.commit()

    first = app.test_cli_runner().invoke(args=["rerender-markdown"])
    again = app.test_cli_runner().invoke(args=["rerender-markdown"])

    assert "  cases: 0\n" in first.output and first.output.endswith("  in all: 0\n")
    assert again.output.endswith("  in all: 0\n")
    with app.app_context():
        stored = db.session.get(Case, case.id)
        assert stored.dilemma_html == "<p><strong>fed</strong></p>"
        assert stored.markup_version > 0
