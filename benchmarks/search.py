"""Benchmark: search on PostgreSQL with 1,000 cases, 200 recommendations and 1,000,000
comments of generated Danish-like text.

Builds the schema in a database of its own (by the migrations), fills ``search_documents``
straight with COPY (the documents are what the search reads; the generated tsvector and its
GIN index are the database's), then times ``search.service.search`` for 20 representative
queries (rare and common words, phrases, minus words, filters, a deep page) as an
anonymous reader and as a member, and reports p50/p95 of each query over several rounds.
Target: p95 under 100 ms for the first page. Writes its section of benchmarks/results.md.

    python benchmarks/search.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_search
    (or THINKTANK_BENCH_SEARCH_URL; --comments N for a smaller run)
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 100


def _words(text: str) -> list[str]:
    return text.split()


ROUNDS = 7
WORDS = [
    "kommunen",
    "borgeren",
    "borgerne",
    "modellen",
    "modeller",
    "data",
    "algoritmen",
    "algoritmer",
    "algoritmens",
    "sagsbehandleren",
    "ansvar",
    "gennemsigtighed",
    "profilering",
    "ledige",
    "ledighed",
    "jobcentret",
    "indsats",
    "vurdering",
    "risiko",
    "risici",
    "samtykke",
    "oplysninger",
    "personoplysninger",
    "behandling",
    "formål",
    "chatbot",
    "chatbotten",
    "generativ",
    "sprogmodel",
    "svar",
    "spørgsmål",
    "menneskelig",
    "kontakt",
    "kontakten",
    "ældreplejen",
    "hjemmeplejen",
    "sensorer",
    "robotter",
    "skolen",
    "børn",
    "unge",
    "familier",
    "socialrådgiveren",
    "afgørelse",
    "afgørelser",
    "klage",
    "klagevejledning",
    "lovgrundlag",
    "hjemmel",
    "databeskyttelse",
    "konsekvensanalyse",
    "tilsyn",
    "forvaltningen",
    "kvalitet",
    "fejl",
    "bias",
    "diskrimination",
    "tillid",
    "forklaring",
    "forklarlighed",
    "retssikkerhed",
    "proportionalitet",
    "nødvendighed",
]
STOP_WORDS = _words("og i at det en den til er som på de med han af for ikke der var mig sig men et "
              "har om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor "
              "eller hvad skal selv her alle vil blev kunne ind når være dog noget ville jo "
              "deres efter ned skulle denne end dette mit også under have dig anden hende mine "
              "alt meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver hendes "
              "været jer sådan")  # fmt: skip
STEMS = _words("arbejd beslut bevil borger brug dokument fagperson fortolk forvalt godkend handl "
         "hjælp indbygg indsamling journal kommun kontrol lær ledels leverand lov lytt medarbejd "
         "mål notat opgav oplys ordning pleje politik praksis princip proces projekt rapport "
         "regel register samarbejd sikkerhed skøn social styr system tekst test udbud udvikl "
         "undersøg vejled vilkår visitation ydels aftal analys anbefal anmod ansøg begrund "
         "behov bemærk betal borgerservic dialog erfar forløb forslag forsøg grundlag hensyn "
         "henvend hold information klag kommunikation konsulent lovgiv løsning medlem møde "
         "netværk opfølg oversigt partner personal plan pris program ressourc samtal sekretariat "
         "sektor skol spørg standard strategi tjenest træn tvivl uddann udfordr værktøj ønsk "
         "bor famili barn ung ældr hjem sund tand syg læg job ledig kursus virksomhed")  # fmt: skip
SUFFIXES = ("", "e", "en", "et", "er", "erne", "ens", "ets", "ere", "ede", "ende", "ing", "inger",
            "ingen", "ingens", "lig", "lige", "else", "elsen", "sk")  # fmt: skip
COMMON = ("kommunen", "borgeren", "data")
RARE = "kvantekryptering"
#: the query words' places in the frequency order (rank 1 is the most frequent word); the
#: common words sit among the stop words, as "kommunen" does in a municipality's texts
RANKS = {"kommunen": 18, "borgeren": 26, "data": 34, "borgerne": 40, "algoritmen": 60,
         "algoritmer": 90, "risiko": 120, "chatbot": 150, "sensorer": 400, "ledighed": 300,
         "menneskelig": 200, "kontakt": 220, "generativ": 700, "profilering": 500,
         "ledige": 350, "jobcentret": 250}  # fmt: skip


def vocabulary() -> list[str]:
    """A few thousand Danish words and inflections in Zipf order: the stop words first, the
    query words at their ``RANKS``, the rest of the words and inflections after them."""
    rng = random.Random(1414)
    others = sorted({stem + suffix for stem in STEMS for suffix in SUFFIXES} | set(WORDS))
    others = [word for word in others if word not in RANKS and word not in STOP_WORDS]
    rng.shuffle(others)
    words = [*STOP_WORDS, *others]
    for word, rank in sorted(RANKS.items(), key=lambda item: item[1]):
        words.insert(rank - 1, word)
    return words


VOCABULARY = vocabulary()
#: Zipf: the word of rank r is drawn with weight 1/r
CUMULATIVE = list(itertools.accumulate(1 / r for r in range(1, len(VOCABULARY) + 1)))
DOMAINS = ["employment", "social_services", "health_rehabilitation", "elderly_care",
           "children_young_people", "schools_education", "citizen_service"]  # fmt: skip
TECHNOLOGIES = ["prediction_ml", "rule_based", "chatbot_generative_ai", "data_sharing"]
STATES = ["open", "voting", "closed", "recommended", "archived"]

QUERIES = [
    ("rare word", RARE, {}),
    ("common word", "kommunen", {}),
    ("common word, stemmed", "borgerne", {}),
    ("two common words", "kommunen data", {}),
    ("stemmed word", "algoritmer", {}),
    ("phrase", '"menneskelig kontakt"', {}),
    ("phrase, common", '"kommunen borgeren"', {}),
    ("minus word", "chatbot -generativ", {}),
    ("three words", "profilering ledige jobcentret", {}),
    ("filter: type", "algoritmer", {"type": "recommendation"}),
    ("filter: domain", "sensorer", {"domain": "elderly_care"}),
    ("filter: technology", "chatbot", {"technology": "chatbot_generative_ai"}),
    ("filter: state", "ledighed", {"state": "voting"}),
    (
        "filter: all four",
        "risiko",
        {"type": "comment", "domain": "employment", "technology": "prediction_ml", "state": "open"},
    ),  # fmt: skip
    ("deep page (10)", "kommunen", {"page": "10"}),
    ("deep page (50)", "risiko", {"page": "50"}),
    ("no hits", "zebraer", {}),
    ("rare and common", f"{RARE} kommunen", {}),
    ("case title word", "sagens", {"type": "case"}),
    ("member register", "kvist", {"type": "member"}),
]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=n)).capitalize() + "."


def _rows(rng: random.Random, cases: int, recommendations: int, comments: int, members: int):
    now = datetime.now(UTC)
    n = 0

    def row(kind, object_id, title, summary, body, case_id, audience, boost=1.0, context=""):
        nonlocal n
        n += 1
        case = case_id if case_id else 0
        domain = DOMAINS[case % len(DOMAINS)] if kind != "member" else None
        technology = TECHNOLOGIES[case % len(TECHNOLOGIES)] if kind != "member" else None
        state = STATES[case % len(STATES)] if kind != "member" else None
        return (n, kind, object_id, title, summary, body, context, "case" if context else "",
                domain, technology, state, case_id, audience, None, boost,
                now - timedelta(minutes=n), "", "", "")  # fmt: skip

    for i in range(1, cases + 1):
        yield row("case", i, f"Sagens titel: {_sentence(rng, 6)}", _sentence(rng, 20),
                  " ".join(_sentence(rng, 15) for _ in range(20)), i,
                  "public" if i % 3 else "members")  # fmt: skip
    for i in range(1, recommendations + 1):
        yield row("recommendation", i, _sentence(rng, 8), _sentence(rng, 25),
                  " ".join(_sentence(rng, 15) for _ in range(60)), i, "public",
                  boost=2.0 if i % 5 else 0.5)  # fmt: skip
    for i in range(1, comments + 1):
        body = _sentence(rng, rng.randint(10, 60))
        if i % 50_000 == 0:
            body += f" {RARE}."
        case = rng.randint(1, cases)
        yield row("comment", i, "", "", body, case, "public" if case % 3 else "members",
                  context=f"Sag {case}")  # fmt: skip
    for i in range(1, members + 1):
        yield row("member", i, f"Medlem {i} Kvist" if i % 10 == 0 else f"Medlem {i}",
                  "Kommune", "", None, "public")  # fmt: skip


COLUMNS = ("id, kind, object_id, title, summary, body, context_title, context_kind, domain, "
           "technology, state, case_id, audience, owner_id, boost, dated_at, title_terms, "
           "summary_terms, body_terms")  # fmt: skip


def fill(app, args) -> float:
    from thinktank.extensions import db

    started = time.perf_counter()
    rng = random.Random(14)
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SET maintenance_work_mem = '256MB'")  # for the GIN builds
            # the full-text indexes as the migrations made them, built again after the load
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'search_documents' AND indexdef LIKE '%USING gin%'"
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            cursor.execute("TRUNCATE search_documents")
            with cursor.copy(f"COPY search_documents ({COLUMNS}) FROM STDIN") as copy:
                for values in _rows(rng, args.cases, args.recommendations, args.comments, 60):
                    copy.write_row(values)
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("ANALYZE search_documents")
            raw.commit()
        finally:
            raw.close()
    return time.perf_counter() - started


def _backend_cpu_ns(pid: int) -> int | None:
    """Nanoseconds the database backend ``pid`` has run on a CPU (Linux, a local server)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def time_queries(app, rounds: int) -> list[tuple]:
    """Each query's p50/p95 wall time, p50/p95 CPU time (the app's process and its database
    backend: what the search costs, whatever else the machine runs) and its hits."""
    from flask_login import AnonymousUserMixin
    from sqlalchemy import func, select

    from thinktank.accounts.roles import Role
    from thinktank.extensions import db
    from thinktank.search import service

    class Member:  # a member as the visibility rules see one
        is_authenticated = True
        active = True
        id = 10**9
        role = Role.MEMBER

    report = []
    for name, q, args in QUERIES:
        for who, user in (("anonymous", AnonymousUserMixin()), ("member", Member())):
            timings, cpu = [], []
            total = 0
            for n in range(rounds + 1):  # the first round warms the caches and is not timed
                with app.test_request_context("/search", query_string={"q": q, **args}):
                    from flask import request

                    pid = db.session.execute(select(func.pg_backend_pid())).scalar()
                    backend = _backend_cpu_ns(pid)
                    started, process = time.perf_counter(), time.process_time()
                    results = service.search(user, q, service.read_filters(request.args))
                    wall = (time.perf_counter() - started) * 1000
                    spent = (time.process_time() - process) * 1000
                    after = _backend_cpu_ns(pid)
                    if not n:
                        continue
                    timings.append(wall)
                    if backend is not None and after is not None:
                        cpu.append(spent + (after - backend) / 1e6)
                    total = results.page.total if results.page else 0
            p50, p95 = _percentiles(timings)
            cpu_p50, cpu_p95 = _percentiles(cpu) if cpu else (float("nan"), float("nan"))
            report.append((f"{name}: {q} {args or ''}".strip(), who, p50, p95, cpu_p50, cpu_p95,
                           total))  # fmt: skip
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("THINKTANK_BENCH_SEARCH_URL"))
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--recommendations", type=int, default=200)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--skip-fill", action="store_true", help="time the data already there")
    args = parser.parse_args()
    if not args.url or not args.url.startswith("postgresql"):
        print("give a PostgreSQL URL (argument or THINKTANK_BENCH_SEARCH_URL)", file=sys.stderr)
        return 2
    from flask_migrate import upgrade

    from thinktank import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "TESTING": True, "PER_PAGE": 20,
                      "BASE_URL": "http://localhost", "RATELIMIT_STORAGE_URI": "memory://"})  # fmt: skip
    with app.app_context():
        upgrade()
    seconds = 0.0 if args.skip_fill else fill(app, args)
    load_before = os.getloadavg()[0]
    report = time_queries(app, args.rounds)
    load_after = os.getloadavg()[0]
    worst = max(row[3] for row in report)
    worst_cpu = max(row[5] for row in report)
    lines = [
        "# Search benchmark",
        "",
        f"`benchmarks/search.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPU cores, PostgreSQL; "
        f"{args.cases:,} cases, {args.recommendations:,} recommendations, {args.comments:,} "
        f"comments and 60 members as search documents ("
        + (
            "loaded by an earlier run"
            if args.skip_fill
            else f"loaded with COPY in {seconds:.0f} s, GIN indexes included"
        )
        + f"), their text drawn Zipf-like from {len(VOCABULARY):,} Danish words and "
        f"inflections. {args.rounds} timed rounds per query after one untimed, the first "
        f"page of 20 with counts per filter and ts_headline snippets; hits are counted up to 1,000, and 1,001 means "
        f'"more than 1,000". Target: p95 under {TARGET_MS} ms. The machine\'s load average '
        f"(1 minute) was {load_before:.1f} before the timing and {load_after:.1f} after it; "
        "wall time includes the time spent waiting for a CPU, CPU time is the time the app's "
        "process and its database backend ran (parallel workers not counted), which is what "
        "the wall time comes to on an otherwise idle machine with the data in memory.",
        "",
        "| query | searcher | p50 | p95 | CPU p50 | CPU p95 | hits |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        *[
            f"| {name} | {who} | {p50:.0f} ms | {p95:.0f} ms | {c50:.0f} ms | {c95:.0f} ms "
            f"| {n:,} |"
            for name, who, p50, p95, c50, c95, n in report
        ],  # fmt: skip
        "",
        f"Slowest p95: {worst:.0f} ms wall, {worst_cpu:.0f} ms CPU.",
    ]
    from sections import write_section

    write_section(lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
