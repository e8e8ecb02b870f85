"""The demo is seeded once per test process and restored for each test that asks for it:
what one test changes never reaches the next, and new rows get ids of their own."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from tests.conftest import _empty_database, restore_demo
from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.extensions import db
from thinktank.notifications.models import Notification

RENAMED = "Omdøbt af en test"


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _change_the_demo(app) -> None:
    """What a test might do to the demo: rename everyone and clear the notifications."""
    with app.app_context():
        db.session.execute(update(User).values(display_name=RENAMED))
        db.session.execute(delete(Notification))
        db.session.commit()


def test_the_snapshot_holds_the_whole_demo(app, seeded, demo_snapshot):
    counts = _counts(app)
    assert counts == {name: len(rows) for name, rows in demo_snapshot.rows.items()}
    for table in ("users", "cases", "comments", "recommendations", "ballots"):
        assert counts[table] > 0, table


def test_a_change_to_the_demo_is_gone_after_the_database_is_emptied_and_restored(
    make_app, demo_snapshot
):
    app = make_app()
    restore_demo(app, demo_snapshot)
    before = _counts(app)
    _change_the_demo(app)
    assert _counts(app) != before
    _empty_database(app)  # what every test's teardown does
    assert set(_counts(app).values()) == {0}
    restore_demo(app, demo_snapshot)
    assert _counts(app) == before
    with app.app_context():
        assert RENAMED not in db.session.scalars(select(User.display_name)).all()


# The next two run in this order in one process: the second sees none of the first's changes.


def test_first_a_test_changes_the_demo(app, seeded):
    _change_the_demo(app)
    with app.app_context():
        assert set(db.session.scalars(select(User.display_name))) == {RENAMED}


def test_then_the_next_test_gets_the_demo_as_seeded(app, seeded, demo_snapshot):
    assert _counts(app) == {name: len(rows) for name, rows in demo_snapshot.rows.items()}
    with app.app_context():
        assert RENAMED not in db.session.scalars(select(User.display_name)).all()


def test_a_test_without_the_demo_starts_empty_with_ids_from_one(app, make_user):
    assert set(_counts(app).values()) == {0}
    assert make_user().id == 1


def test_rows_added_after_the_restore_get_fresh_ids(
    app, seeded, demo_snapshot, make_case, make_comment, member
):
    demo_ids = {
        name: max((row["id"] for row in rows if "id" in row), default=0)
        for name, rows in demo_snapshot.rows.items()
    }
    case = make_case(state="voting")  # a case, its revision, transitions, positions, audit
    comment = make_comment(case, member)
    assert member.id > demo_ids["users"]
    assert case.id > demo_ids["cases"]
    assert comment.id > demo_ids["comments"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == (
            len(demo_snapshot.rows["cases"]) + 1
        )
    # seed-demo again on the restored demo: it finds everything and adds nothing
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "0 demo cases created" in again.output
