"""Anonymous pages set no cookie and are the same for every visitor; they and the feed answer
304 to a browser that has them; logged-in pages are never stored; static files live under
addresses that change with their content and are kept for a year."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import page_text
from tests.crawl import crawl
from thinktank.http_caching import IMMUTABLE, static_hash

ROOT_STATIC = Path(__file__).resolve().parent.parent / "static"
#: The pages with a form an anonymous visitor may send: only they may start a session.
FORM_PAGES = {"/login", "/register", "/reset"}
_STATIC_REF = re.compile(r'(?:href|src)="(/static/([^"?]+)\?v=([0-9a-f]+))"')
_LANGUAGE_LINK = re.compile(r'<a href="(/language/[^"]+)"[^>]*>(English|Dansk)</a>')


def _language_link(html: str) -> str:
    return _LANGUAGE_LINK.search(html).group(1).replace("&amp;", "&")


# --- no cookies for readers --------------------------------------------------------------


def test_no_anonymous_page_sets_a_cookie_or_holds_a_token(app, seeded):
    client = app.test_client()
    cookies, tokens = {}, []

    def fetch(url):
        client._cookies.clear()  # every page as a first visit
        response = client.get(url)
        html = response.get_data(as_text=True)
        if response.headers.getlist("Set-Cookie"):
            cookies[url] = response.headers.getlist("Set-Cookie")
        if urlsplit(url).path not in FORM_PAGES and "csrf_token" in html:
            tokens.append(url)
        redirect = response.status_code in (301, 302, 303, 308)
        return response.status_code, html, response.headers["Location"] if redirect else None

    pages = crawl(fetch)
    assert len(pages) > 20, [page.url for page in pages]
    assert {"/", "/cases/", "/recommendations/", "/members/", "/log", "/cookies"} <= {
        page.url for page in pages
    }
    assert not [url for url in cookies if urlsplit(url).path not in FORM_PAGES], cookies
    assert not tokens, f"pages with a per-visitor token: {tokens}"
    assert "/login" in cookies  # its form needs the token, so it does start a session


def test_the_feed_and_an_error_page_set_no_cookie(client, make_recommendation):
    make_recommendation(status="published")
    assert client.get("/feeds/recommendations.atom").headers.getlist("Set-Cookie") == []
    assert client.get("/no-such-page").headers.getlist("Set-Cookie") == []


def test_language_switch_without_a_session(client):
    front = client.get("/")
    link = _language_link(front.get_data(as_text=True))
    assert link == "/language/en?next=/"
    switched = client.get(link)
    assert switched.status_code == 302 and switched.headers["Location"] == "/"
    assert [c.split("=")[0] for c in switched.headers.getlist("Set-Cookie")] == ["thinktank_lang"]
    page = client.get("/")
    assert '<html lang="en">' in page.get_data(as_text=True) and "Log in" in page_text(page)
    assert page.headers.getlist("Set-Cookie") == []
    assert {cookie.key for cookie in client._cookies.values()} == {"thinktank_lang"}


def test_language_link_returns_to_the_page_with_its_query(client, make_case):
    html = client.get("/cases/?page=1").get_data(as_text=True)
    link = _language_link(html)
    assert client.get(link).headers["Location"] == "/cases/?page=1"
    back = _language_link(client.get("/cases/?page=1").get_data(as_text=True))
    assert "/language/da?" in back  # the English page offers Danish


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_language_switch_refuses_to_send_anyone_elsewhere(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_unknown_language_is_not_found(client):
    response = client.get("/language/xx?next=/")
    assert response.status_code == 404 and response.headers.getlist("Set-Cookie") == []


def test_a_logged_in_choice_of_language_is_kept_on_the_account(client_as, member):
    client = client_as(member)
    client.get("/language/en?next=/")
    client._cookies.pop(("localhost", "/", "thinktank_lang"), None)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


# --- validators and 304 ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/cases/", "/recommendations/", "/members/", "/log"])
def test_anonymous_page_has_an_etag_and_answers_304(client, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Cookie" in first.headers["Vary"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    stale = client.get(path, headers={"If-None-Match": 'W/"not-this-one"'})
    assert stale.status_code == 200 and stale.get_data() == first.get_data()


def test_a_page_that_changed_gets_a_new_etag(client, make_case):
    before = client.get("/cases/").headers["ETag"]
    make_case(title="En helt ny sag om data", visibility="public")
    after = client.get("/cases/", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before


def test_the_english_page_has_its_own_etag(client):
    danish = client.get("/").headers["ETag"]
    client.get("/language/en")
    english = client.get("/", headers={"If-None-Match": danish})
    assert english.status_code == 200 and english.headers["ETag"] != danish


def test_feed_has_validators_and_answers_304(client, make_recommendation):
    make_recommendation(status="published")
    feed = client.get("/feeds/recommendations.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    assert feed.headers["ETag"] and feed.headers["Last-Modified"]
    assert feed.headers["Cache-Control"] == "no-cache"
    by_etag = client.get(
        "/feeds/recommendations.atom", headers={"If-None-Match": feed.headers["ETag"]}
    )
    assert by_etag.status_code == 304
    by_date = client.get(
        "/feeds/recommendations.atom", headers={"If-Modified-Since": feed.headers["Last-Modified"]}
    )
    assert by_date.status_code == 304
    older = client.get(
        "/feeds/recommendations.atom",
        headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"},
    )
    assert older.status_code == 200


@pytest.mark.parametrize("path", ["/no-such-page", "/cases/999999"])
def test_an_error_page_is_never_not_modified(client, path):
    response = client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == 404 and "ETag" not in response.headers


@pytest.mark.parametrize("path", ["/", "/cases/", "/profile"])
def test_a_logged_in_page_is_private_and_never_304(client, client_as, member, path):
    anonymous_etag = client.get("/").headers["ETag"]
    response = client_as(member).get(path, headers={"If-None-Match": anonymous_etag})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers["Vary"] and "ETag" not in response.headers


def test_the_login_form_is_private_to_its_visitor(client):
    response = client.get("/login")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


def test_a_page_showing_a_flash_is_private(client):
    client.get("/profile")  # asks to log in, with a message on the next page
    response = client.get("/")
    assert "Log ind for at se denne side." in page_text(response)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


# --- static files ------------------------------------------------------------------------


def test_every_static_reference_is_hashed_by_content(client):
    html = client.get("/").get_data(as_text=True)
    references = _STATIC_REF.findall(html)
    assert {name for _url, name, _v in references} == {
        "css/site.css",
        "css/print.css",
        "favicon.svg",
        "js/site.js",
    }
    assert "/static/" not in _STATIC_REF.sub("", html)  # none left without a hash
    for _url, name, version in references:
        assert version == hashlib.sha256((ROOT_STATIC / name).read_bytes()).hexdigest()[:12]


def test_hashed_static_file_is_kept_for_a_year(client, client_as, member):
    url = _STATIC_REF.search(client.get("/").get_data(as_text=True)).group(1)
    for visitor in (client, client_as(member)):
        response = visitor.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize("query", ["", "?v=000000000000"])
def test_static_file_without_its_current_hash_is_revalidated(client, query):
    response = client.get(f"/static/css/site.css{query}")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_missing_static_file_is_not_found(client):
    assert client.get("/static/css/none.css?v=000000000000").status_code == 404


def test_a_changed_static_file_gets_a_new_hash(make_app, tmp_path: Path):
    (tmp_path / "app.css").write_text("body { color: black; }")

    def hash_in_new_process() -> str:
        app = make_app()
        app.static_folder = str(tmp_path)
        with app.test_request_context("/"):
            return static_hash("app.css")

    first = hash_in_new_process()
    (tmp_path / "app.css").write_text("body { color: navy; }")
    second = hash_in_new_process()
    assert first != second
    assert second == hashlib.sha256(b"body { color: navy; }").hexdigest()[:12]


def test_a_static_hash_is_read_once_per_process(app, tmp_path: Path):
    app.static_folder = str(tmp_path)
    (tmp_path / "app.css").write_text("one")
    with app.test_request_context("/"):
        first = static_hash("app.css")
        (tmp_path / "app.css").write_text("two")
        assert static_hash("app.css") == first
        assert static_hash("../secret.txt") is None
