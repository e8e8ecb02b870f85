"""The domains are wired where the app is built, never by importing a module."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASE_FORM, _test_config
from thinktank import create_app
from thinktank.cases.lifecycle import MOVES
from thinktank.extensions import db

ROOT = Path(__file__).resolve().parent.parent

# A fresh interpreter that imports nothing but the app: the member votes, the secretariat
# closes the vote through the lifecycle service, and the frozen tally is printed.
CLOSE_A_VOTE = """
import json, sys
from thinktank import create_app

config, form_data = json.loads(sys.argv[1]), json.loads(sys.argv[2])
app = create_app(config)
with app.test_request_context("/", method="POST", data=form_data):
    from thinktank.accounts.roles import Role
    from thinktank.accounts.service import create_user
    from thinktank.cases import lifecycle
    from thinktank.cases.forms import CaseForm
    from thinktank.cases.service import create_case
    from thinktank.extensions import db
    from thinktank.transaction import transaction
    from thinktank.voting.ballots import cast_ballot
    from thinktank.voting.models import BallotChoice, VoteResult
    from thinktank.voting.service import PositionInput, add_position, start_voting

    def person(email, role):
        return create_user(email=email, display_name=email.split("@")[0], password="-",
                           role=role, organisation="Testrup Kommune", check_password=False)

    with transaction():
        member = person("medlem@example.dk", Role.MEMBER)
        staff = person("sekretariat@example.dk", Role.SECRETARIAT)
    form = CaseForm(meta={"csrf": False})
    assert form.validate(), form.errors
    with transaction():
        case = create_case(member, form.to_input())
    with transaction():
        lifecycle.transition(staff, case, "open")
    with transaction():
        yes = add_position(staff, case, PositionInput("Ja", "")).id
        add_position(staff, case, PositionInput("Nej", ""))
    with transaction():
        start_voting(staff, case, closes_at=None, open_results=False)
    with transaction():
        cast_ballot(member, case.id, BallotChoice.POSITION, yes)
    with transaction():
        lifecycle.transition(staff, case, "close_voting")
    result = db.session.get(VoteResult, case.id)
    print(json.dumps({"case_id": case.id, "yes": yes,
                      "snapshot": result.snapshot if result else None}))
"""


def _run(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_closing_a_vote_freezes_the_tally_in_a_process_that_imports_only_the_app(app, database):
    config = _test_config(database)
    done = _run(CLOSE_A_VOTE, json.dumps(config), json.dumps(CASE_FORM))
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout.strip().splitlines()[-1])
    snapshot = printed["snapshot"]
    assert snapshot is not None, "closing the vote froze no tally"
    counts = {position["title"]: position["count"] for position in snapshot["positions"]}
    assert counts == {"Ja": 1, "Nej": 0}
    assert [vote["position_id"] for vote in snapshot["votes"]] == [printed["yes"]]

    from thinktank.voting.models import VoteResult, VotingRound

    with app.app_context():  # and it is in the database, the vote marked closed
        assert db.session.get(VoteResult, printed["case_id"]) is not None
        assert db.session.get(VotingRound, printed["case_id"]).closed_at is not None


# Importing every module of the package, without building an app, registers nothing.
IMPORT_EVERYTHING = """
import importlib, json, pkgutil
import thinktank

names = [m.name for m in pkgutil.walk_packages(thinktank.__path__, "thinktank.")]
for name in names:
    importlib.import_module(name)

from sqlalchemy import event
from sqlalchemy.engine import Engine
from thinktank import extensions, permissions
from thinktank.audit import service as audit
from thinktank.cases import lifecycle, sections
from thinktank.discussion import subjects

print(json.dumps({
    "modules": len(names),
    "policies": sorted(permissions.actions()),
    "sections": len(sections.registered()),
    "subjects": sorted(subjects.kinds()),
    "guards": sum(map(len, lifecycle._guards.values())),
    "after": sum(map(len, lifecycle._after.values())),
    "concerns": sum(map(len, lifecycle._concerns.values())),
    "due": len(lifecycle._due),
    "described": sorted(audit.described_actions()),
    "details": sorted(audit._DETAILS),
    "sqlite_pragmas": event.contains(Engine, "connect", extensions._sqlite_pragmas),
    "user_loader": extensions.login_manager._user_callback is not None,
}))
"""

#: The accounts' log texts, which the audit module holds itself.
ACCOUNT_ACTIONS = {
    "user_registered",
    "member_invited",
    "invitation_accepted",
    "invitation_revoked",
    "role_changed",
    "user_deactivated",
    "user_reactivated",
    "password_reset",
}


def test_importing_every_module_registers_nothing():
    done = _run(IMPORT_EVERYTHING)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["modules"] > 50  # the walk did import the package
    assert found == {
        "modules": found["modules"],
        "policies": [],
        "sections": 0,
        "subjects": [],
        "guards": 0,
        "after": 0,
        "concerns": 0,
        "due": 0,
        "described": sorted(ACCOUNT_ACTIONS),
        "details": [],
        "sqlite_pragmas": False,
        "user_loader": False,
    }


# --- after create_app, every registry holds everything the code asks of it -----------------

_SOURCES = [
    *sorted((ROOT / "thinktank").rglob("*.py")),
    *sorted((ROOT / "templates").rglob("*.html")),
]
_ASKED = re.compile(r"\b(?:can|require|permission_required)\(\s*(?:[\w.]+\s*,\s*)?\"(\w+)\"")
_RECORDED = re.compile(r"\brecord\(\s*\"(\w+)\"")


def _found(pattern: re.Pattern) -> set[str]:
    return {name for path in _SOURCES for name in pattern.findall(path.read_text("utf-8"))}


def test_every_action_the_code_asks_about_has_a_policy(app):
    from thinktank import permissions

    asked = _found(_ASKED)
    assert {"view_case", "vote", "moderate", "confirm_adoption"} <= asked  # the scan works
    assert asked <= permissions.actions()


def test_every_action_the_logs_record_reads_as_a_sentence(app):
    from thinktank.audit import service as audit

    recorded = _found(_RECORDED) | {f"case_{name}" for name in MOVES}
    assert {"comment_removed", "case_close_voting", "recommendation_published"} <= recorded
    assert recorded <= audit.described_actions()
    assert {"adoption_recorded", "position_proposed"} <= audit.described_actions()
    assert {"case_close_voting", "recommendation_published"} <= set(audit._DETAILS)


def test_the_case_page_sections_subjects_and_move_hooks_are_wired_once(app):
    from thinktank.cases import following, lifecycle, sections
    from thinktank.discussion import subjects
    from thinktank.voting import closing, reminders
    from thinktank.voting import service as voting

    create_app(dict(app.config))  # a second app in the same process wires nothing twice
    assert [(s.template, s.place) for s in sections.registered()] == [
        ("recommendations/_on_case.html", "top"),
        ("cases/_follow.html", "top"),
        ("voting/_section.html", "main"),
        ("discussion/_section.html", "main"),
    ]
    assert subjects.kinds() == {"case", "recommendation"}
    assert lifecycle._guards["start_voting"] == [voting.needs_two_positions]
    assert lifecycle._after["start_voting"] == [
        voting.store_voting_options,
        reminders.voting_opened,
    ]
    told = dict(following.AFTER_MOVES)
    assert lifecycle._after["close_voting"] == [closing.freeze_result, told["close_voting"]]
    assert lifecycle._after["open"] == [told["open"]]
    assert lifecycle._concerns["close_voting"] == [closing.closing_concerns]
    assert lifecycle._due == [closing.close_due_votes]


def test_a_second_policy_for_the_same_action_is_refused(app):
    from flask_login import AnonymousUserMixin

    from thinktank import permissions
    from thinktank.cases.models import Case

    with pytest.raises(ValueError, match="registered twice"):
        permissions.register("vote", lambda user, case: True)
    assert not permissions.can(AnonymousUserMixin(), "vote", Case())  # the real rule stands
