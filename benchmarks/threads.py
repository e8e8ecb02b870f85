"""Benchmark: a case page with 10 comments and with 2,000 (a tenth of them replies).

Builds an app on a temporary SQLite database, fills two open cases with comments of a
realistic length (cooked once, stored as they are when posted), and requests each case page
as a member through the test client: median wall-clock time, bytes of HTML and SQL queries.
Targets: time(2,000) / time(10) at most 5, at most 300 KB of HTML, the same query count.
Fails when a target is missed; writes its section of benchmarks/results.md. Run with
``make bench``.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from diff_page import _VOCABULARY, build_app
from sections import write_section

ROUNDS = 15
MAX_RATIO = 5
MAX_BYTES = 300 * 1024
SIZES = (10, 2000)
REPLY_SHARE = 0.1

CASE_FORM = {
    "title": "Skal jobcentret forudsige langtidsledighed?",
    "summary": "Et jobcenter vil bruge en model, der forudsiger langtidsledighed.",
    "dilemma": "Modellen rådgiver sagsbehandleren; må den bruges?",
    "domain": "employment",
    "tags": "profilering",
    "technology": "prediction_ml",
    "algorithm_role": "advisory",
    "ai_act_risk": "high",
    "personal_data": ["cpr"],
    "sensitive_data": "yes",
    "cross_sector_data": "no",
    "data_sources": "Fagsystemet",
    "affected": "Ledige borgere",
    "benefits": "Tidligere indsats",
    "risks": "Fejlklassifikation",
    "human_contact": "kept",
    "legal_basis": "Lov om en aktiv beskæftigelsesindsats",
    "dpia": "in_progress",
    "visibility": "members",
}


def _body(rng: random.Random) -> str:
    words = [rng.choice(_VOCABULARY) for _ in range(rng.randint(30, 120))]
    return " ".join(words).capitalize() + "."


def make_world(app, rng: random.Random) -> dict:
    """Two open cases, one with 10 comments and one with 2,000; the member's session token."""
    from werkzeug.datastructures import MultiDict

    from thinktank.accounts.models import User
    from thinktank.accounts.roles import Role, Sector
    from thinktank.cases import lifecycle
    from thinktank.cases.forms import CaseForm
    from thinktank.cases.service import create_case
    from thinktank.cases.views import case_url
    from thinktank.discussion.models import Comment, Discussion
    from thinktank.extensions import db
    from thinktank.markup import MARKUP_VERSION, render_markdown

    def user(role: Role, n: int) -> User:
        person = User(
            email=f"{role.value}{n}@example.dk",
            display_name=f"Bench {role.value} {n}",
            organisation="Testrup Kommune",
            sector=Sector.MUNICIPALITY,
            role=role,
            password_hash="x",
        )
        db.session.add(person)
        return person

    urls = {}
    with app.test_request_context("/"):
        staff = user(Role.SECRETARIAT, 0)
        members = [user(Role.MEMBER, n) for n in range(20)]
        db.session.commit()
        for size in SIZES:
            values = CASE_FORM | {"title": f"{CASE_FORM['title']} ({size})"}
            with app.test_request_context("/", method="POST", data=MultiDict(values)):
                form = CaseForm(meta={"csrf": False})
                assert form.validate(), form.errors
                case_input = form.to_input()
            case = create_case(members[0], case_input)
            lifecycle.transition(staff, case, "open")
            discussion = Discussion(subject_type="case", subject_id=case.id)
            db.session.add(discussion)
            db.session.flush()
            start = datetime.now(UTC) - timedelta(days=30)
            threads: list[Comment] = []
            for i in range(size):
                parent = rng.choice(threads) if threads and rng.random() < REPLY_SHARE else None
                body = _body(rng)
                comment = Comment(
                    discussion_id=discussion.id,
                    parent_id=parent.id if parent else None,
                    thread_id=parent.id if parent else None,
                    depth=1 if parent else 0,
                    author_id=members[i % len(members)].id,
                    body=body,
                    body_html=str(render_markdown(body)),
                    markup_version=MARKUP_VERSION,
                    created_at=start + timedelta(minutes=i),
                )
                db.session.add(comment)
                if parent is None:
                    db.session.flush()
                    threads.append(comment)
            db.session.commit()
            urls[size] = case_url(case)
        return {"member": members[1].session_token, "urls": urls}


def measure(app, url: str, session_token: str) -> dict[str, float]:
    from sqlalchemy import event

    from thinktank.extensions import db

    client = app.test_client()
    with client.session_transaction() as session:  # logged in, as the tests do
        session["_user_id"] = session_token
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    client.get(url)  # compiles the templates
    times, sizes, queries = [], set(), set()
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(ROUNDS):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            sizes.add(len(response.get_data()))
            queries.add(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {"time": statistics.median(times), "bytes": max(sizes), "queries": max(queries)}


def main() -> int:
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        world = make_world(app, rng)
        results = {size: measure(app, url, world["member"]) for size, url in world["urls"].items()}
    small, large = results[SIZES[0]], results[SIZES[-1]]
    ratio = large["time"] / small["time"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        "# Long-thread benchmark",
        "",
        f"`make bench` ({Path(__file__).name}) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU cores (load average {load}), "
        f"SQLite; the case page as a member, medians of {ROUNDS} requests through the test "
        f"client. A tenth of the comments are replies. Targets: time ratio at most {MAX_RATIO}, "
        f"at most {MAX_BYTES // 1024} KB of HTML, the same number of queries.",
        "",
        "| comments | median time | HTML | SQL queries |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for size, result in results.items():
        lines.append(
            f"| {size:,} | {result['time']:.1f} ms | {result['bytes'] / 1024:.0f} KB "
            f"| {result['queries']} |"
        )
    lines += [
        "",
        f"Time ratio {SIZES[-1]:,} / {SIZES[0]:,} comments: {ratio:.2f}. The page shows 30 "
        "threads with their first ten replies each; the rest are a link away.",
    ]
    write_section(lines)
    print("\n".join(lines))
    missed = []
    if ratio > MAX_RATIO:
        missed.append(f"time ratio {ratio:.2f} > {MAX_RATIO}")
    if large["bytes"] > MAX_BYTES:
        missed.append(f"{large['bytes'] / 1024:.0f} KB > {MAX_BYTES // 1024} KB")
    if small["queries"] != large["queries"]:
        missed.append(f"queries {small['queries']} != {large['queries']}")
    if missed:
        print("\nLong-thread targets missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
