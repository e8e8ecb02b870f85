"""Benchmark: anonymous pages per second under gunicorn, against a bare Flask hello-world.

Seeds the demo into a SQLite database in a temporary folder, then starts gunicorn twice with
the same settings (2 sync workers): once for the app (production settings, the in-process
page cache), once for ``benchmarks/hello.py``. Both run side by side in one run; each page is
loaded for a fixed time, in rounds that alternate between the targets so a change in the
machine's load falls on all of them. The load comes from ``wrk`` when it is installed,
otherwise from Python threads with ``http.client``. Reports requests per second, the median
of the rounds, and the share of hello-world's; fails when a page serves less than half.
Writes its section of benchmarks/results.md. Run with ``make bench``.
"""

from __future__ import annotations

import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sections import write_section

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET = 0.5  # each page: at least half of hello-world's requests per second
WORKERS = 2
CONNECTIONS = 4
SECONDS = float(os.environ.get("THINKTANK_BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("THINKTANK_BENCH_ROUNDS", "5"))
HEADING = "# Throughput benchmark"
REDIS_URL = "redis://127.0.0.1:6379/0"
# Reported beside the others when a Redis answers there; the target is for the three above.
REDIS_PAGE = "Front page, anonymous, page cache in Redis"


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(folder: Path, port: int, env: str) -> dict[str, str]:
    return os.environ | {
        "THINKTANK_ENV": env,
        "THINKTANK_INSTANCE_PATH": str(folder),
        "THINKTANK_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "THINKTANK_SECRET_KEY": secrets.token_hex(32),
        "THINKTANK_BASE_URL": f"http://127.0.0.1:{port}",
        "THINKTANK_MAIL_BACKEND": "log",
    }


def _seed(folder: Path, port: int) -> None:
    env = _environment(folder, port, "development")
    flask = [str(BIN / "flask"), "--app", "thinktank"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(
            flask + command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )


def _start(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _body, _cached = _get(port, "/")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start {app}:\n{log.read_text()[-3000:]}")


def _get(port: int, path: str) -> tuple[int, bytes, str | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("X-Page-Cache")
    finally:
        connection.close()


def _load_python(port: int, path: str) -> tuple[float, dict]:
    """Requests per second from CONNECTIONS threads for SECONDS (keep-alive when offered)."""
    counts = [0] * CONNECTIONS
    errors = [0] * CONNECTIONS
    hits = [0] * CONNECTIONS
    stop = time.monotonic() + SECONDS

    def run(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            if response.status == 200:
                counts[index] += 1
                hits[index] += response.getheader("X-Page-Cache") == "hit"
            else:
                errors[index] += 1
            if response.will_close:  # gunicorn's sync workers close after each response
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return sum(counts) / elapsed, {"errors": sum(errors), "hits": sum(hits), "ok": sum(counts)}


def _load_wrk(port: int, path: str) -> tuple[float, dict]:
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{int(SECONDS)}s",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, {"errors": int(errors.group(1)) if errors else 0, "hits": None, "ok": None}


def _recommendation_path(port: int) -> str:
    _status, body, _cached = _get(port, "/recommendations/")
    found = re.search(rb'href="(/recommendations/\d+-[^"]+)"', body)
    if not found:
        raise SystemExit("the demo's portal lists no recommendation")
    return found.group(1).decode()


def main() -> int:
    use_wrk = shutil.which("wrk") is not None
    load = _load_wrk if use_wrk else _load_python
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        app_port, hello_port = _free_port(), _free_port()
        _seed(folder, app_port)
        servers = [
            _start(
                "thinktank:create_app()",
                app_port,
                _environment(folder, app_port, "production"),
                folder / "app.log",
            ),
            _start("benchmarks.hello:app", hello_port, dict(os.environ), folder / "hello.log"),
        ]
        redis_port = _free_port() if _redis_reachable() else None
        if redis_port:  # the same app with the page cache in Redis, as in production
            servers.append(
                _start(
                    "thinktank:create_app()",
                    redis_port,
                    _environment(folder, redis_port, "production")
                    | {
                        "THINKTANK_CACHE_URL": REDIS_URL,
                        "THINKTANK_CACHE_KEY_PREFIX": f"thinktank-bench-{secrets.token_hex(4)}:",
                    },
                    folder / "app-redis.log",
                )
            )
        try:
            targets = [
                ("Bare Flask hello-world", hello_port, "/"),
                ("Front page, anonymous", app_port, "/"),
                ("Recommendation portal, anonymous", app_port, "/recommendations/"),
                ("A recommendation's page, anonymous", app_port, _recommendation_path(app_port)),
            ]
            if redis_port:
                targets.append((REDIS_PAGE, redis_port, "/"))
            for _name, port, path in targets:  # warm up: templates compiled, pages cached
                load_once = time.monotonic()
                while time.monotonic() - load_once < 1:
                    _get(port, path)
            rates: dict[str, list[float]] = {name: [] for name, _port, _path in targets}
            notes: dict[str, dict] = {name: {"errors": 0, "hits": 0, "ok": 0} for name in rates}
            for _round in range(ROUNDS):
                for name, port, path in targets:
                    rate, seen = load(port, path)
                    rates[name].append(rate)
                    for key, value in seen.items():
                        if value is not None and notes[name][key] is not None:
                            notes[name][key] += value
                        else:
                            notes[name][key] = None
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(timeout=30)
    return _report(targets, rates, notes, use_wrk)


def _report(targets, rates, notes, use_wrk: bool) -> int:
    """Each page's share is the median over the rounds of its rate over hello-world's rate in
    the same round: on a shared machine the load changes from round to round."""
    hello_name = targets[0][0]
    hello_rates = rates[hello_name]
    rows = []
    failed = []
    for name, _port, path in targets:
        rate = statistics.median(rates[name])
        share = statistics.median(
            page / hello for page, hello in zip(rates[name], hello_rates, strict=True)
        )
        note = notes[name]
        served = (
            f"{note['hits'] / note['ok']:.0%}" if note["hits"] is not None and note["ok"] else "–"
        )
        if name not in (hello_name, REDIS_PAGE) and share < TARGET:
            failed.append(name)
        rows.append(
            f"| {name} | `{path}` | {rate:,.0f} | {share:.2f} | {served} | {note['errors']} |"
        )
    generator = (
        f"wrk, {CONNECTIONS} connections"
        if use_wrk
        else f"Python load generator ({CONNECTIONS} threads, http.client, keep-alive when offered)"
    )
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        HEADING,
        "",
        f"`make bench` (throughput.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPU cores (load average "
        f"{load_average}), SQLite with the demo data. gunicorn with {WORKERS} sync workers for "
        f"both apps, side by side in one run; {generator} on the same machine; {ROUNDS} rounds "
        f"of {SECONDS:g} s per page, alternating between the pages; requests/s is the median "
        f"of the rounds, the share of hello-world the median of each round's page/hello-world "
        f"ratio. The app runs with production settings and the in-process page cache (and, when a "
        f"Redis answers at 127.0.0.1:6379, a second time with the page cache in Redis, for the "
        f"front page). Target: the front page, the portal and the recommendation page each at "
        f"least {TARGET:g} of hello-world's requests per second.",
        "",
        "| page | path | requests/s | of hello-world | from the page cache | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        "The load generator runs on the same cores as the servers, so it takes part of the "
        "machine from both; gunicorn's sync workers close the connection after each answer, "
        "so every request opens a new one.",
        "",
        "Each round's requests/s: "
        + "; ".join(f"{name}: " + ", ".join(f"{r:,.0f}" for r in rates[name]) for name in rates)
        + ".",
    ]
    print("\n".join(lines))
    write_section(lines)
    if failed:
        print(f"FAILED: under {TARGET:g} of hello-world: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
