"""The demo is data: the files parse and are checked, a bad file says where it is wrong,
the seeded demo is what the files say, and the loader's code holds no demo text."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from thinktank import transaction as transaction_module
from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.demo import DemoDataError, demo_content, read_content, seed_demo
from thinktank.demo.reading import DATA
from thinktank.discussion.models import Comment
from thinktank.extensions import db
from thinktank.members.models import Interest
from thinktank.recommendations.models import Recommendation, RecommendationVersion
from thinktank.transaction import transaction
from thinktank.voting.models import Ballot, Position

DATA_FILES = sorted(DATA.rglob("*.yaml"))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.name)
def test_every_data_file_is_yaml(path):
    assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)


def test_the_data_files_are_read_and_checked():
    content = read_content(DATA)
    assert len(content.cases) == len(list((DATA / "cases").glob("*.yaml"))) == 6
    assert [case.key for case in content.cases][:3] == [
        "unemployment",
        "rehabilitation_aids",
        "chatbot",
    ]
    assert len(content.accounts) == 9
    assert content.secretariat in {account.email for account in content.accounts}


def test_the_editors_readme_ships_with_the_files():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "days_ago" in readme and "DemoDataError" in readme


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the demo data files to spoil."""
    return Path(shutil.copytree(DATA, tmp_path / "demo", ignore=shutil.ignore_patterns("*.py")))


def _edit(path: Path, change) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


BAD_FILES = [
    (
        "cases/1-unemployment.yaml",
        lambda d: d["case"].update(domain="rumfart"),
        "case.domain",
        "'rumfart' is not one of",
    ),
    (
        "cases/1-unemployment.yaml",
        lambda d: d["case"].pop("title"),
        "case.title",
        "is missing",
    ),
    (
        "cases/2-rehabilitation-aids.yaml",
        lambda d: d["case"].update(titel="Stavefejl"),
        "case.titel",
        "not a known field",
    ),
    (
        "cases/1-unemployment.yaml",
        lambda d: d["discussion"][0].update(author="ukendt@kl-demo.dk"),
        "discussion[0].author",
        "not a demo account",
    ),
    (
        "cases/1-unemployment.yaml",
        lambda d: d["voting"]["ballots"][0].update(choice=7),
        "voting.ballots[0].choice",
        "position's number (1 to 3)",
    ),
    (
        "cases/3-chatbot.yaml",
        lambda d: d["recommendation"]["draft"].update(cites=["findes_ikke"]),
        "recommendation.draft.cites",
        "'findes_ikke' is no remark",
    ),
    (
        "cases/6-daycare-subsidy.yaml",
        lambda d: d["steps"][0].update(days_ago="for længe siden"),
        "steps[0].days_ago",
        "must be a whole number or a number",
    ),
    (
        "cases/6-daycare-subsidy.yaml",
        lambda d: d["discussion"][0]["replies"][0].update(hours_ago=999),
        "discussion[0].replies[0].hours_ago",
        "after what it answers",
    ),
    (
        "accounts.yaml",
        lambda d: d["accounts"][0].update(role="konge"),
        "accounts[0].role",
        "'konge' is not one of",
    ),
]


@pytest.mark.parametrize(("file", "change", "field", "problem"), BAD_FILES)
def test_a_bad_file_names_the_file_and_the_field(data, file, change, field, problem):
    _edit(data / file, change)
    with pytest.raises(DemoDataError) as raised:
        read_content(data)
    assert raised.value.file == str(data / file)
    assert raised.value.field == field
    assert problem in str(raised.value)
    assert str(raised.value).startswith(f"{data / file}: {field}: ")


def test_a_file_that_is_no_yaml_is_named(data):
    (data / "cases/5-child-welfare.yaml").write_text("case: [unclosed", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"5-child-welfare\.yaml: \(file\): cannot be read"):
        read_content(data)


def _count(model) -> int:
    return db.session.scalar(select(db.func.count()).select_from(model))


def test_seeded_demo_is_what_the_files_say_inside_one_outer_transaction(app):
    """The CLI calls the loader inside its own ``transaction()``: the loader joins it."""
    content = demo_content()
    with app.app_context():
        with transaction():
            lines = seed_demo()
        assert f"{len(content.cases)} demo cases created" in lines[2]
        assert _count(User) == len(content.accounts)
        assert _count(Interest) == sum(len(a.interests) for a in content.accounts)
        assert _count(Case) == len(content.cases)
        assert _count(Comment) == sum(len(case.remarks) for case in content.cases)
        votes = [case.vote for case in content.cases if case.vote]
        assert _count(Ballot) == sum(len(vote.ballots) for vote in votes)
        assert _count(Position) == sum(len(v.positions) + len(v.rejected) for v in votes)
        stories = [case.recommendation for case in content.cases if case.recommendation]
        assert _count(Recommendation) == len(stories)
        published = [story for story in stories if story.published_days_ago is not None]
        assert _count(RecommendationVersion) == sum(1 + len(s.revisions) for s in published)
        titles = set(db.session.scalars(select(Case.title)))
        assert titles == {case.content.title for case in content.cases}
        bodies = set(db.session.scalars(select(Comment.body)))
        texts = {remark.edited or remark.body for case in content.cases for remark in case.remarks}
        assert texts <= bodies


# Danish letters, or two everyday Danish words, in a string of the code: demo text in code.
_DANISH = re.compile(r"[æøåÆØÅ]")
_WORDS = {"og", "ikke", "skal", "på", "af", "som", "med", "kommune", "borger", "borgeren"}


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


@pytest.mark.parametrize("path", sorted(DATA.glob("*.py")), ids=lambda path: path.name)
def test_the_loader_code_holds_no_demo_text(path):
    for text in _strings(path):
        words = set(re.findall(r"\w+", text.lower()))
        assert not _DANISH.search(text), f"{path.name}: {text!r} belongs in a data file"
        assert len(words & _WORDS) < 2, f"{path.name}: {text!r} belongs in a data file"


def test_a_request_context_inside_a_transaction_leaves_the_commit_to_the_block(app):
    """The loader pushes a request context (for url_for) inside the CLI's transaction():
    popping it must neither roll back nor complain about the block's pending writes."""
    teardowns = app.teardown_request_funcs.get(None, [])
    if not any(f.__name__ == "_check_uncommitted" for f in teardowns):
        transaction_module.init_app(app)  # as create_app does once the helper is wired
    with app.app_context():
        with transaction():
            user = User(email="inner@example.org", display_name="Inner", password_hash="-")
            db.session.add(user)
            db.session.flush()
            with app.test_request_context("/"):
                pass
        db.session.expunge_all()
        assert db.session.scalar(select(User).where(User.email == "inner@example.org"))


def test_a_seed_that_fails_half_way_leaves_nothing(app, monkeypatch):
    """seed-demo is one unit of work: when its last step fails, the accounts, cases,
    comments and ballots it made before are rolled back with it."""
    from thinktank.demo import loader

    def fail(*_args):
        raise RuntimeError("the recommendations could not be seeded")

    monkeypatch.setattr(loader, "seed_recommendations", fail)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
    assert counts and set(counts.values()) == {0}, {k: v for k, v in counts.items() if v}

    monkeypatch.undo()  # and the same command then seeds the whole demo
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Recommendation)) == 2
