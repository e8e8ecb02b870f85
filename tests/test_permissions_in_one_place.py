"""The permission table is the whole truth: no role or ownership decision elsewhere.

Who may do what is decided in ``thinktank/permissions.py`` and the domains' ``policies.py``
modules, named in ``thinktank.wiring.POLICIES``, and asked through ``can()`` (templates
through their ``can`` global). These tests read the source, so a check written anywhere
else fails here, unless it is in the allow-list below with the reason it decides nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import page_text
from thinktank.accounts.roles import Role
from thinktank.cases import lifecycle
from thinktank.wiring import POLICIES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "thinktank"
TEMPLATES = ROOT / "templates"

#: Where role and ownership decisions belong.
POLICY_MODULES = {"thinktank/permissions.py"} | {
    path.relative_to(ROOT).as_posix() for path in PACKAGE.glob("*/policies.py")
}

CODE_LEAKS = [
    re.compile(r"\bhas_role\("),
    re.compile(r"\bis_participant\("),
    re.compile(r"[=!]=\s*Role\.|\bRole\.\w+\s*[=!]=|\bin\s*[(\[]\s*Role\."),
    re.compile(r"\.role\s*(==|!=|\bin\b|\.in_\()"),
    re.compile(r"\.rank\b"),
    # an object's owner compared with the acting user, in Python (not an SQL column)
    re.compile(r"\b[a-z_]\w*\.\w*id\s*[=!]=\s*(current_user|user|actor|viewer)\.id\b"),
    re.compile(r"\b(current_user|user|actor|viewer)\.id\s*[=!]=\s*[a-z_]\w*\.\w*id\b"),
    re.compile(r"\bis_(secretariat|admin|member)\b"),
]

TEMPLATE_LEAKS = [
    re.compile(r"\.role\.value\b|\.role\s*(==|!=|\bin\b)|\.rank\b"),
    re.compile(r"\.author_id\b"),
    re.compile(r"current_user\.id\s*(==|!=|\bin\b|\bnot in\b)|[=!]=\s*current_user\.id\b"),
    re.compile(r"\bis_(secretariat|admin|member)\b"),
]

#: (file, text on the line): why it decides no permission.
ALLOWED = {
    # the administrator's user list, filtered by the role they chose
    ("thinktank/accounts/service.py", "statement.where(User.role == role)"),
    # picks the user's own review answer to show it, after the policy let them in
    ("thinktank/recommendations/service.py", "a.member_id == user.id"),
    # picks the user's own minority opinion to fill its form
    ("thinktank/recommendations/views.py", "o.author_id == current_user.id"),
    # the badge says which role a person has; it shows no button and opens no page
    ("templates/members/_macros.html", 'user.role.value == "secretariat"'),
    # "already co-signed" is a fact about the opinion, answered by the service's own message
    ("templates/recommendations/draft.html", "current_user.id not in opinion.signatures"),
    # the export marks which log entries the person made themselves; it decides nothing
    ("thinktank/privacy/collectors.py", '"by_you": e.actor_id == user.id'),
    # which anonymous label a deleted account's contributions get (a reader's or a member's)
    (
        "thinktank/accounts/names.py",
        "return DELETED_USER if role == Role.READER else FORMER_MEMBER",
    ),
    # picks the secretariat account a deleted member's drafts are handed to
    ("thinktank/privacy/erasure.py", ".where(User.role == Role.SECRETARIAT, User.active.is_(True)"),
    # the log records whether an administrator deleted the account
    ("thinktank/privacy/service.py", "by_admin=actor.id != user.id"),
}


def leaks(text: str, patterns: list[re.Pattern]) -> list[tuple[int, str]]:
    """(line number, line) of every line that matches a pattern."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), 1)
        if any(pattern.search(line) for pattern in patterns)
    ]


def _allowed(path: str, line: str) -> bool:
    return any(path == where and text in line for where, text in ALLOWED)


def _found(paths, patterns) -> list[str]:
    found = []
    for path in paths:
        name = path.relative_to(ROOT).as_posix()
        for number, line in leaks(path.read_text(encoding="utf-8"), patterns):
            if not _allowed(name, line):
                found.append(f"{name}:{number}: {line}")
    return found


def test_no_role_or_ownership_check_outside_the_policy_modules():
    code = [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in POLICY_MODULES
    ]
    assert _found(code, CODE_LEAKS) == []


def test_templates_ask_can_instead_of_checking_roles_or_owners():
    assert _found(sorted(TEMPLATES.rglob("*.html")), TEMPLATE_LEAKS) == []


def test_every_allowed_exception_still_exists():
    """An allow-list entry whose line has gone would silently allow a new leak there."""
    for path, text in ALLOWED:
        assert text in (ROOT / path).read_text(encoding="utf-8"), (path, text)


@pytest.mark.parametrize(
    "line",
    [
        "    if has_role(user, Role.SECRETARIAT):",
        "    if user.role == Role.ADMIN:",
        "    return case.author_id == user.id",
        "    if comment.author_id != current_user.id:",
        "    ok = user.role in (Role.MEMBER, Role.SECRETARIAT)",
        "    if current_user.is_secretariat:",
    ],
)
def test_the_scan_catches_a_leak_in_code(line):
    assert leaks(f"def f(user, case):\n{line}\n", CODE_LEAKS) == [(2, line.strip())]


@pytest.mark.parametrize(
    "line",
    [
        '{% if current_user.role.value == "admin" %}',
        "{% if c.author_id == current_user.id %}",
        '{% if current_user.role in ("member", "secretariat") %}',
    ],
)
def test_the_scan_catches_a_leak_in_a_template(line):
    assert leaks(line, TEMPLATE_LEAKS) == [(1, line)]


def test_the_scan_leaves_sql_filters_and_labels_alone():
    assert leaks("select(Comment).where(Comment.author_id == user.id)", CODE_LEAKS) == []
    assert leaks("{{ account.role.label }} {{ field(form.role) }}", TEMPLATE_LEAKS) == []


# --- every action asked for has a policy ----------------------------------------------------

TEMPLATE_ACTION = re.compile(r"""\bcan\(\s*["'](\w+)["']""")
CODE_ACTION = re.compile(
    r"""\bcan\(\s*[\w.]+\s*,\s*["'](\w+)["']"""
    r"""|\brequire\(\s*["'](\w+)["']"""
    r"""|\bpermission_required\(\s*["'](\w+)["']"""
)
REGISTERED = {action for action, _policy in POLICIES}


def _asked(paths, pattern: re.Pattern) -> dict[str, str]:
    """{action: the first file that asks for it}."""
    asked: dict[str, str] = {}
    for path in paths:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            action = next(group for group in match.groups() if group)
            asked.setdefault(action, path.relative_to(ROOT).as_posix())
    return asked


def test_every_action_a_template_asks_for_is_in_the_permission_table():
    asked = _asked(sorted(TEMPLATES.rglob("*.html")), TEMPLATE_ACTION)
    assert {"edit_comment", "cosign_opinion", "link_to_member", "manage_account"} <= set(asked)
    assert {action: path for action, path in asked.items() if action not in REGISTERED} == {}


def test_every_action_the_code_asks_for_is_in_the_permission_table():
    asked = _asked(sorted(PACKAGE.rglob("*.py")), CODE_ACTION)
    assert {"discuss_case", "open_notification", "view_case"} <= set(asked)
    assert {action: path for action, path in asked.items() if action not in REGISTERED} == {}


def test_every_case_move_is_decided_by_the_permission_table():
    assert {move.name: move.action for move in lifecycle.MOVES.values()} == {
        "submit": "submit_case",
        "return": "return_case",
        "open": "open_case",
        "start_voting": "start_voting",
        "close_voting": "close_voting",
        "publish": "publish_case",
        "archive": "archive_case",
    }
    assert {move.action for move in lifecycle.MOVES.values()} <= REGISTERED


def test_each_action_has_exactly_one_policy():
    actions = [action for action, _policy in POLICIES]
    assert len(actions) == len(set(actions))


# --- what the policies the templates ask for show ------------------------------------------


def test_comment_names_link_only_to_active_members_and_staff(
    app, client_as, make_user, make_case, make_comment, admin, secretariat
):
    case = make_case(state="open", visibility="public")
    member = make_user(Role.MEMBER, display_name="Sofie Lund")
    leaving = make_user(Role.MEMBER, display_name="Jens Kristensen")
    for author in (member, leaving, secretariat, admin):
        make_comment(case, author, f"Indlæg fra {author.display_name}.")
    client_as(admin).post(f"/admin/users/{leaving.id}/active", data={"active": "0"})
    html = client_as(None).get(f"/cases/{case.id}", follow_redirects=True).get_data(as_text=True)
    assert f'<a href="/members/{member.id}">Sofie Lund</a>' in html
    assert f'<a href="/members/{secretariat.id}">' in html
    assert f'href="/members/{leaving.id}"' not in html  # deactivated: the name stays, unlinked
    assert "Jens Kristensen" in html
    assert f'href="/members/{admin.id}"' not in html  # admins have no member page


def test_only_other_members_are_offered_to_cosign_a_minority_opinion(
    client_as, make_user, make_recommendation
):
    recommendation = make_recommendation("review")
    author, other = make_user(Role.MEMBER), make_user(Role.MEMBER)
    client_as(author).post(
        f"/recommendations/{recommendation.id}/opinion", data={"body": "Vi er uenige."}
    )
    page = f"/recommendations/{recommendation.id}/draft"
    assert "Medunderskriv" not in page_text(client_as(author).get(page))
    assert "Medunderskriv" in page_text(client_as(other).get(page))


def test_admin_changes_the_role_of_others_but_is_not_offered_their_own(client_as, admin, member):
    client = client_as(admin)
    assert "Skift rolle" in page_text(client.get(f"/admin/users/{member.id}"))
    own = page_text(client.get(f"/admin/users/{admin.id}"))
    assert "Skift rolle" not in own
    assert "Deaktivér konto" not in own
