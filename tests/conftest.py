"""The test world: an app on a clean database per test, users per role, logged-in clients.

Set THINKTANK_TEST_DATABASE_URL to run the whole suite against that database
(e.g. PostgreSQL); otherwise a SQLite file in a temporary folder is used.
The schema is built once per session by running the real migrations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import Integer, create_engine, event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from thinktank import create_app
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db
from thinktank.models import utcnow

PASSWORD = "en lang og sikker sætning"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")  # once: scrypt is slow
_CSRF_INPUT = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client(FlaskClient):
    """A test client that sends the CSRF token with form posts, as a browser would."""

    _csrf: str | None = None
    _csrf_for: str | None = None

    def csrf_token(self) -> str:
        # a new token when the session's changed (logging in starts a new one)
        if self._csrf is None or self._csrf_for != self._session_csrf():
            # the front page has a form (logging out) only for someone logged in: an
            # anonymous visitor's pages carry no token, the login form does
            found = _CSRF_INPUT.search(self.get("/").get_data(as_text=True))
            found = found or _CSRF_INPUT.search(self.get("/login").get_data(as_text=True))
            self._csrf = found.group(1)
            self._csrf_for = self._session_csrf()
        return self._csrf

    def _session_csrf(self) -> str | None:
        cookie = self.get_cookie(self.application.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        app = self.application
        session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        return session.get("csrf_token")

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


def _postgres_schema(url: str) -> dict:
    """A fresh schema of its own for this test process (parallel workers share the database)."""
    schema = f"test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}}


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> dict:
    """The test database's settings; its schema is built once by running the migrations."""
    url = os.environ.get("THINKTANK_TEST_DATABASE_URL")
    if url:
        settings = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": _postgres_schema(url),
        }
    else:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    app = create_app(_test_config(settings))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return settings


def _test_config(database: dict) -> dict:
    return database | {
        "TESTING": True,
        "ENV": "development",
        "SECRET_KEY": "test-secret-key",
        "BASE_URL": "http://localhost",
        "MAIL_BACKEND": "memory",
        "RATELIMIT_STORAGE_URI": "memory://",
        # still scrypt (a test checks the production default), with a cost fit for tests
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


@pytest.fixture
def make_app(database) -> Iterator[Callable[..., Flask]]:
    """Build an app with extra config; the database is emptied after the test."""
    apps: list[Flask] = []

    def build(**overrides) -> Flask:
        config = _test_config(database) | overrides
        app = create_app(config)
        app.test_client_class = Client
        apps.append(app)
        return app

    yield build
    if apps:
        _empty_database(apps[0])
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


def _empty_database(app: Flask) -> None:
    """Delete every row, children first, and start the ids at 1 again. On PostgreSQL this is
    ten times faster or more than one TRUNCATE of all tables (10-30 ms against 90-440 ms per
    test, measured here), which makes new files for every table even when a test left it empty."""
    with app.app_context(), db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            _set_sequences(connection, dict.fromkeys(_serial_tables(), 1))


def _serial_tables() -> list:
    """The tables whose primary key is one generated integer (a sequence on PostgreSQL)."""
    return [
        table
        for table in db.metadata.sorted_tables
        if len(table.primary_key.columns) == 1
        and table.primary_key.columns[0].autoincrement in (True, "auto")
        and table.primary_key.columns[0].foreign_keys == set()
        and isinstance(table.primary_key.columns[0].type, Integer)
    ]


def _set_sequences(connection, next_ids: dict) -> None:
    """Let each table's id sequence hand out ``next_ids[table]`` next, in one round trip."""
    if not next_ids:
        return
    calls = ", ".join(
        f"setval(pg_get_serial_sequence('\"{table.name}\"', "
        f"'{table.primary_key.columns[0].name}'), {int(next_id)}, false)"
        for table, next_id in next_ids.items()
    )
    connection.execute(text(f"SELECT {calls}"))


# --- the demo ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSnapshot:
    """What ``seed-demo`` printed and every row it wrote, per table in insert order."""

    output: str
    rows: dict[str, list[dict]]


@pytest.fixture(scope="session")
def demo_snapshot(database) -> DemoSnapshot:
    """``seed-demo`` run once per test process; its rows are kept in memory and the database
    is emptied again. Its dates are relative to now, so they are those of the session's start."""
    app = create_app(_test_config(database))
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            rows = {
                table.name: _parents_first(
                    table, [dict(row._mapping) for row in connection.execute(select(table))]
                )
                for table in db.metadata.sorted_tables
            }
        _empty_database(app)
        db.engine.dispose()
    return DemoSnapshot(result.output, rows)


def _parents_first(table, rows: list[dict]) -> list[dict]:
    """``rows`` in an order that inserts a row only after the rows of the same table it
    points to (a reply after its comment, a recommendation after the one superseding it)."""
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not own:
        return rows
    key = table.primary_key.columns[0].name
    by_id = {row[key]: row for row in rows}
    ordered: list[dict] = []
    placed: set = set()

    def place(row: dict, path: frozenset = frozenset()) -> None:
        if row[key] in placed:
            return
        assert row[key] not in path, f"a cycle of {table.name} rows: {sorted(path)}"
        for column in own:
            if row[column] in by_id:
                place(by_id[row[column]], path | {row[key]})
        placed.add(row[key])
        ordered.append(row)

    for row in sorted(rows, key=lambda row: row[key]):
        place(row)
    return ordered


@pytest.fixture
def seeded(app, demo_snapshot) -> str:
    """The demo world in this test's database (restored from the worker's snapshot, not
    seeded again); the value is what ``seed-demo`` printed. Request it right after ``app``,
    before any fixture that writes rows, or the demo's ids collide with theirs."""
    restore_demo(app, demo_snapshot)
    return demo_snapshot.output


def restore_demo(app: Flask, snapshot: DemoSnapshot) -> None:
    """Insert the snapshot's rows into ``app``'s empty database, parents first, and move the
    id sequences past them so the next insert gets a fresh id."""
    with app.app_context(), db.engine.begin() as connection:
        try:
            for table in db.metadata.sorted_tables:
                if snapshot.rows[table.name]:
                    connection.execute(table.insert(), snapshot.rows[table.name])
        except IntegrityError as error:
            pytest.fail(f"request `seeded` before fixtures that write rows: {error}")
        if connection.dialect.name == "postgresql":
            _set_sequences(
                connection,
                {
                    table: max(row[table.primary_key.columns[0].name] for row in rows) + 1
                    for table in _serial_tables()
                    if (rows := snapshot.rows[table.name])
                },
            )


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


# --- people ------------------------------------------------------------------------------


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    """Create a user (committed) and return it detached, with its attributes loaded."""
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.MEMBER, **fields) -> User:
        n = next(counter)
        values = {
            "email": f"{role.value}{n}@example.dk",
            "display_name": f"Test {role.value} {n}",
            "organisation": "Testrup Kommune",
            "sector": Sector.MUNICIPALITY,
            "role": role,
            "password_hash": _PASSWORD_HASH,
            # as invited accounts are; pass email_verified_at=None for an unconfirmed one
            "email_verified_at": utcnow(),
        } | fields
        with app.app_context():
            user = User(**values)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


@pytest.fixture
def reader(make_user) -> User:
    return make_user(Role.READER)


@pytest.fixture
def member(make_user) -> User:
    return make_user(Role.MEMBER)


@pytest.fixture
def secretariat(make_user) -> User:
    return make_user(Role.SECRETARIAT)


@pytest.fixture
def admin(make_user) -> User:
    return make_user(Role.ADMIN)


def login(client: Client, user: User) -> Client:
    """Log ``client`` in as ``user`` without the login form (fast; the form has its own tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return client


@pytest.fixture
def client_as(app) -> Callable[[User | None], Client]:
    """A fresh client logged in as ``user`` (anonymous for None)."""

    def make(user: User | None) -> Client:
        client = app.test_client()
        return login(client, user) if user is not None else client

    return make


@pytest.fixture
def role_clients(client_as, reader, member, secretariat, admin) -> dict[str, Client]:
    """One client per role, plus 'anonymous'."""
    return {
        "anonymous": client_as(None),
        "reader": client_as(reader),
        "member": client_as(member),
        "secretariat": client_as(secretariat),
        "admin": client_as(admin),
    }


# --- queries -----------------------------------------------------------------------------


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{i}. {s}" for i, s in enumerate(self.statements, 1))


@pytest.fixture
def count_queries(app) -> Callable[[], contextmanager]:
    """``with count_queries() as log: client.get(...)``; ``log.count`` is the SQL statements run."""
    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting() -> Iterator[QueryLog]:
        log = QueryLog()

        def before(_conn, _cursor, statement, *_args):
            log.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield log
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


def page_text(response) -> str:
    """The response body with tags removed and whitespace collapsed: what a reader sees."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def delivered_mail() -> list:
    """Every e-mail the sender has delivered so far (the ``memory`` backend), after one pass
    of ``send-mail`` over the outbox; call inside an app context."""
    from thinktank.mail import deliver_pending, outbox

    deliver_pending()
    return outbox()


@pytest.fixture
def smtp():
    """A real SMTP server in the test process; ``smtp.messages`` is what arrived."""
    from tests.smtp import running_inbox

    with running_inbox() as inbox:
        yield inbox


@pytest.fixture
def smtp_app(make_app, smtp):
    """The app delivering its outbox over SMTP to :func:`smtp` (by ``send-mail``)."""
    return make_app(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False
    )


def mailed_link(app: Flask, prefix: str) -> str:
    """The path of the link starting with ``prefix`` (e.g. '/invite/') in the latest e-mail."""
    with app.app_context():
        body = delivered_mail()[-1].get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+)", body).group(1)


# --- cases -------------------------------------------------------------------------------

#: A complete, valid case form as a browser would post it.
CASE_FORM = {
    "title": "Skal jobcentret forudsige langtidsledighed?",
    "summary": "Et jobcenter vil bruge en model, der forudsiger, hvem der bliver langtidsledig.",
    "dilemma": "Modellen kan **hjælpe** sagsbehandleren, men kan også *stigmatisere*.",
    "domain": "employment",
    "tags": "profilering, Jobcenter",
    "technology": "prediction_ml",
    "algorithm_role": "advisory",
    "ai_act_risk": "high",
    "personal_data": ["cpr", "employment_data", "health_data"],
    "sensitive_data": "yes",
    "cross_sector_data": "no",
    "data_sources": "Jobcentrets fagsystem og DREAM",
    "affected": "Alle ledige borgere i kommunen",
    "benefits": "- Tidligere indsats",
    "risks": "- Fejlklassifikation",
    "human_contact": "kept",
    "legal_basis": "Lov om en aktiv beskæftigelsesindsats",
    "dpia": "in_progress",
    "visibility": "public",
}


def _recommendation(
    staff, case, title="Brug kun rådgivende modeller", status="published", **fields
):
    """A recommendation on a closed ``case``, taken to ``status`` by the secretariat through
    the service, in one transaction; its review deadline is yesterday unless
    ``review_deadline=`` says otherwise."""
    from datetime import timedelta

    from thinktank.models import local_today
    from thinktank.recommendations import service
    from thinktank.transaction import transaction

    data = service.DraftInput(
        title=title,
        summary=fields.get("summary", "Kommunerne bør kun bruge modeller, der rådgiver."),
        body=fields.get("body", "## Anbefaling\n\nBrug **kun** rådgivende modeller."),
        review_by=fields.get("review_by"),
        citations=fields.get("citations", []),
    )
    with transaction():
        recommendation = service.create(staff, case.id, data)
        if status in ("review", "published", "withdrawn"):
            deadline = service.default_review_deadline()
            service.send_to_review(staff, recommendation, deadline=deadline)
            # the review is over unless a test sets the deadline (to the future)
            recommendation.review_deadline = fields.get(
                "review_deadline", local_today() - timedelta(days=1)
            )
        if status in ("published", "withdrawn"):
            service.publish(staff, recommendation)
        if status == "withdrawn":
            service.withdraw(staff, recommendation, "Forældet")
    return recommendation


@pytest.fixture
def make_case(app, member, secretariat):
    """Create a case through the service as ``author`` and take it to ``state`` the way the
    secretariat would: open it, start voting on two approved positions, close the vote, or
    archive it (through the lifecycle, so a test only sees states the app can produce)."""
    from thinktank.cases import lifecycle
    from thinktank.cases.forms import CaseForm
    from thinktank.cases.models import Case
    from thinktank.cases.service import create_case
    from thinktank.transaction import transaction
    from thinktank.voting.service import PositionInput, add_position, start_voting

    made = 0

    def make(author=None, state: str = "open", **fields):
        nonlocal made
        made += 1
        if made > 1 and "title" not in fields:  # the same draft again would be a double post
            fields["title"] = f"{CASE_FORM['title']} ({made})"
        if state not in ("draft", "open", "voting", "closed", "recommended", "archived"):
            raise ValueError(f"make_case cannot reach {state!r}")
        data = CASE_FORM | fields
        with app.test_request_context("/", method="POST", data=data):
            form = CaseForm(meta={"csrf": False})
            assert form.validate(), form.errors
            with transaction():
                author_user = db.session.get(User, (author or member).id)
                case = create_case(author_user, form.to_input())
                staff = db.session.get(User, secretariat.id)
                if state != "draft":
                    lifecycle.transition(staff, case, "open")
                if state in ("voting", "closed", "recommended"):
                    for title in ("Ja, på betingelser", "Nej"):
                        add_position(staff, case, PositionInput(title, ""))
                    start_voting(staff, case, closes_at=None, open_results=False)
                if state in ("closed", "recommended"):
                    reason = "Afsluttet til testen."
                    lifecycle.transition(staff, case, "close_voting", reason=reason)
                if state == "recommended":
                    _recommendation(staff, case)
                if state == "archived":
                    lifecycle.transition(staff, case, "archive", reason="Arkiveret til testen.")
            case = db.session.scalar(
                select(Case).where(Case.id == case.id).options(selectinload(Case.tags))
            )
            db.session.expunge(case)
        return case

    return make


class _PageTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_page_safe(html: str) -> None:
    """No user-controlled markup can run: no inline or foreign scripts, no event handlers,
    no script URLs, no frames, objects or styles anywhere on the page."""
    parser = _PageTags()
    parser.feed(html)
    for tag, attributes in parser.tags:
        assert tag not in ("iframe", "object", "embed", "style", "svg", "base", "form") or (
            tag == "form" and (attributes.get("action") or "").startswith("/")
        ), (tag, attributes)
        if tag == "script":
            assert (attributes.get("src") or "").startswith("/static/"), attributes
        if tag == "meta":
            assert "http-equiv" not in attributes, attributes
        for name, value in attributes.items():
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in ("href", "src", "action") and value:
                assert (
                    not value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
                ), value


@pytest.fixture
def make_comment(app):
    """Post a comment through the service as ``author`` on ``case`` (optionally a reply)."""
    from thinktank.discussion import service
    from thinktank.transaction import transaction

    def make(case, author, body="En kommentar.", parent=None, **options):
        with app.test_request_context("/"):
            user = db.session.get(User, author.id)
            with transaction():
                comment, _link = service.post(
                    user, "case", case.id, body, parent_id=parent.id if parent else None, **options
                )
            db.session.refresh(comment)
            db.session.expunge(comment)
        return comment

    return make


@pytest.fixture
def make_recommendation(app, secretariat, make_case):
    """A recommendation for a new closed case, taken to ``status`` through the service; its
    review deadline has passed (``review_deadline=`` sets another)."""
    from thinktank.cases.models import Case
    from thinktank.recommendations.models import Recommendation

    def make(status="draft", title="Brug kun rådgivende modeller", case=None, **fields):
        case = case or make_case(state="closed", visibility="public")
        with app.test_request_context("/"):
            staff = db.session.get(User, secretariat.id)
            recommendation = _recommendation(
                staff, db.session.get(Case, case.id), title, status=status, **fields
            )
            recommendation = db.session.get(Recommendation, recommendation.id)
            db.session.expunge(recommendation)
        return recommendation

    return make


# --- positions and voting ----------------------------------------------------------------


@dataclass
class VoteCase:
    """A case in voting, with the ids of its approved positions in the order added."""

    id: int
    positions: list[int]


@pytest.fixture
def make_vote_case(app, make_case, secretariat):
    """A case with approved positions, put into voting through the voting service."""
    from thinktank.cases.models import Case
    from thinktank.transaction import transaction
    from thinktank.voting.service import PositionInput, add_position, start_voting

    def make(
        positions=("Ja, på betingelser", "Nej"), open_results=False, closes_at=None, **fields
    ) -> VoteCase:
        case = make_case(state="open", **fields)
        with app.test_request_context("/"), transaction():
            staff = db.session.get(User, secretariat.id)
            loaded = db.session.get(Case, case.id)
            ids = [add_position(staff, loaded, PositionInput(title, "")).id for title in positions]
            start_voting(staff, loaded, closes_at=closes_at, open_results=open_results)
        return VoteCase(case.id, ids)

    return make


def ballot_form(choice, reason: str = "") -> dict:
    """The vote form as a browser posts it: a position id, 'abstain' or 'recuse'."""
    return {"ballot-choice": str(choice), "ballot-reason": reason}


def cast(client: Client, case_id: int, choice, reason: str = ""):
    return client.post(f"/cases/{case_id}/vote", data=ballot_form(choice, reason))
