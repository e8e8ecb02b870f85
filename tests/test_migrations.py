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


def test_the_conditions_migration_keeps_every_ballot_and_its_history(
    app, make_user, client_as, make_vote_case
):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, select

    from tests.conftest import cast
    from thinktank.voting.models import Ballot, BallotChange

    vote = make_vote_case(visibility="public")
    for n in range(2):
        client = client_as(make_user(display_name=f"Historik {n}"))
        assert cast(client, vote.id, vote.positions[0]).status_code == 302
        assert cast(client, vote.id, vote.positions[1], "Skiftet.").status_code == 302
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision="0016_confirmed_addresses")
            upgrade()
        finally:
            db.session.remove()
        assert db.session.scalar(select(func.count(Ballot.id))) == 2
        assert db.session.scalar(select(func.count(BallotChange.id))) == 4
        assert not any(db.session.scalars(select(Ballot.conditional)))
