"""The browser layer: the app served on a free loopback port, driven by Playwright in the
system Chromium, with an axe-core check for WCAG 2.0/2.1 A and AA."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import abort
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import PASSWORD
from thinktank.errors import NotAllowed

CHROMIUM = os.environ.get("THINKTANK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def app(make_app):
    """The served app, with two routes that raise, to show the 400 and 500 pages."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/_test/500")
    def server_error():
        raise RuntimeError("deliberate failure for the 500 page")

    @app.get("/_test/400")
    def bad_request():
        abort(400)

    @app.get("/_test/403")
    def forbidden():
        raise NotAllowed()

    return app


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` on a free loopback port for the duration of the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(language="en", phone=True, javascript=False)``: a page in a fresh context."""
    contexts = []

    def make(language: str = "da", phone: bool = False, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server,
            viewport=PHONE if phone else {"width": 1280, "height": 900},
            java_script_enabled=javascript,
        )
        if language != "da":
            context.add_cookies([{"name": "thinktank_lang", "value": language, "url": live_server}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.javascript_enabled = javascript  # read by assert_accessible
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")


def assert_accessible(page, what: str = "") -> None:
    """Fail on any axe-core violation of WCAG 2.0/2.1 level A or AA."""
    if not getattr(page, "javascript_enabled", True):
        # axe is a script: on a page without JavaScript its evaluate never returns (the test
        # would hang). Check the same page, with the same cookies, in a context that runs it.
        context = page.context.browser.new_context(viewport=page.viewport_size)
        try:
            context.add_cookies(page.context.cookies())
            twin = context.new_page()
            twin.set_default_timeout(10_000)
            twin.goto(page.url)
            assert_accessible(twin, what or page.url)
        finally:
            context.close()
        return
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(node["html"][:200] for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"accessibility violations on {what or page.url}:\n{report}"


def assert_fits_phone(page) -> None:
    """Nothing wider than the 360 px viewport (no sideways scrolling)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 360px phone"
