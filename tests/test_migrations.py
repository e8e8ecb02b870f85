"""The committed migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from thinktank.extensions import db
from thinktank.search.models import include_object


def test_migrations_match_the_models(app):
    # the session fixture built the schema with `flask db upgrade`
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                # the full-text parts the search migration adds beside the model
                "include_object": include_object,
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_accounts_without_a_confirmation_date_count_as_confirmed_after_upgrading(app, make_user):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from thinktank.accounts.models import User
    from thinktank.models import utcnow

    older = make_user(email="aeldre@kommune.dk", email_verified_at=None)
    deleted = make_user(email="slettet@kommune.dk", email_verified_at=None)
    confirmed = make_user(email="bekraeftet@kommune.dk")
    with app.app_context():
        db.session.get(User, deleted.id).deleted_at = utcnow()
        db.session.commit()
        kept = db.session.get(User, confirmed.id).email_verified_at
        db.session.remove()
        try:
            downgrade(revision="0015_searchperf")
            upgrade()
        finally:
            db.session.remove()
        rows = dict(db.session.execute(text("SELECT id, email_verified_at FROM users")).all())
        assert rows[older.id] is not None  # the creation time stands for the confirmation
        assert rows[deleted.id] is None  # a deleted account is not brought back to life
        assert db.session.get(User, confirmed.id).email_verified_at == kept


def test_replies_get_their_thread_and_kept_comment_links_become_permalinks_after_upgrading(
    app, make_user, make_case, make_comment
):
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from thinktank.accounts.roles import Role

    mentioned = make_user(Role.MEMBER, display_name="Ole Olsen")
    author = make_user(Role.MEMBER)
    case = make_case(state="open")
    root = make_comment(case, author, "Et spørgsmål.")
    reply = make_comment(case, author, "Et svar.", parent=root)
    deeper = make_comment(case, author, "Hej @OleOlsen, et svar på svaret.", parent=reply)
    with app.app_context():
        db.session.execute(
            text("UPDATE notifications SET url = :url WHERE user_id = :user"),
            {"url": f"/cases/{case.id}-sag#c{deeper.id}", "user": mentioned.id},
        )
        db.session.commit()
        db.session.remove()
        scripts = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        try:
            downgrade(revision=scripts.get_revision("0017_threads").down_revision)
            upgrade()
        finally:
            db.session.remove()
        threads = dict(db.session.execute(text("SELECT id, thread_id FROM comments")).all())
        assert threads == {root.id: None, reply.id: root.id, deeper.id: root.id}
        url = db.session.scalar(
            text("SELECT url FROM notifications WHERE user_id = :user"), {"user": mentioned.id}
        )
        assert url == f"/comments/{deeper.id}"
