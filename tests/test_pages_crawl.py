"""Every page a visitor can reach by links, for every role, answers and is valid HTML.

The demo data is loaded, and each role's crawl follows the links from the front page
(tests/crawl.py); the Nu HTML checker then reads all the pages of that crawl at once.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.crawl import DEMO_ACCOUNTS, crawl, html_errors, pattern
from thinktank.accounts.models import User
from thinktank.extensions import db


@pytest.fixture
def demo(app, seeded):
    return app


def crawl_as(app, role: str):
    client = app.test_client()
    if DEMO_ACCOUNTS[role]:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[role]))
            db.session.expunge(user)
        login(client, user)

    def fetch(url):
        response = client.get(url)
        location = (
            response.headers.get("Location")
            if response.status_code in (301, 302, 303, 308)
            else None
        )
        return response.status_code, response.get_data(as_text=True), location

    return crawl(fetch)


@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_every_linked_page_answers_and_is_valid_html(demo, role):
    if shutil.which("java") is None:
        message = "The Nu HTML checker needs java (.ci/run installs default-jre-headless)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    pages = crawl_as(demo, role)
    assert len(pages) > 15, [page.url for page in pages]
    failed = [f"{page.status} {page.url}" for page in pages if page.status != 200]
    assert not failed, f"links that lead nowhere for the {role}:\n" + "\n".join(failed)
    skips = [f"{page.url}: {skip}" for page in pages for skip in heading_skips(page.html)]
    assert not skips, f"headings that skip a level for the {role}:\n" + "\n".join(skips)
    errors = html_errors(pages)
    assert not errors, f"{len(errors)} HTML errors for the {role}:\n" + "\n".join(errors[:60])


def heading_skips(html: str) -> list[str]:
    """Headings that go down more than one level (h2 → h4): the outline a screen reader
    lists would have a hole."""
    skips, previous = [], 0
    for match in re.finditer(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S):
        level = int(match.group(1))
        if level > previous + 1:
            text = " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())[:60]
            skips.append(f"h{previous} → h{level} »{text}«")
        previous = level
    return skips


def _meta(html: str, attribute: str, name: str) -> str | None:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_every_public_page_describes_itself_for_sharing(demo):
    pages = crawl_as(demo, "anonymous")
    missing = []
    for page in pages:
        tags = {
            "description": _meta(page.html, "name", "description"),
            "og:title": _meta(page.html, "property", "og:title"),
            "og:description": _meta(page.html, "property", "og:description"),
            "og:type": _meta(page.html, "property", "og:type"),
        }
        canonical = re.search(r'<link rel="canonical" href="(https?://[^"]+)">', page.html)
        absent = [name for name, value in tags.items() if not (value or "").strip()]
        if not canonical:
            absent.append("canonical")
        if absent:
            missing.append(f"{pattern(page.url)} ({page.url}): {', '.join(absent)}")
    assert not missing, "pages without a description for sharing:\n" + "\n".join(missing)
