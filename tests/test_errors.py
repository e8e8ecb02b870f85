"""Error pages in Danish and English; nothing answers a bare 500."""

from __future__ import annotations

import pytest

from tests.conftest import page_text
from thinktank.errors import NotAllowed


@pytest.fixture
def error_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False, LOGIN_LIMIT_PER_ACCOUNT="1 per hour")

    @app.get("/_test/500")
    def boom():
        raise RuntimeError("boom")

    @app.get("/_test/403")
    def forbidden():
        raise NotAllowed()

    @app.get("/_test/400")
    def bad():
        from flask import abort

        abort(400)

    return app


def _trigger(client, status):
    if status == 429:
        client.post("/login", data={"email": "x@example.dk", "password": "forkert forkert"})
        return client.post("/login", data={"email": "x@example.dk", "password": "forkert forkert"})
    if status == 404:
        return client.get("/findes-ikke")
    return client.get(f"/_test/{status}")


DANISH = {
    400: "Ugyldig forespørgsel",
    403: "Adgang nægtet",
    404: "Siden findes ikke",
    429: "For mange forsøg",
    500: "Der gik noget galt",
}
ENGLISH = {
    400: "Bad request",
    403: "Access denied",
    404: "Page not found",
    429: "Too many attempts",
    500: "Something went wrong",
}


@pytest.mark.parametrize("status", [400, 403, 404, 429, 500])
def test_error_pages_in_both_languages(error_app, status):
    client = error_app.test_client()
    response = _trigger(client, status)
    assert response.status_code == status
    assert DANISH[status] in page_text(response)
    client.get("/language/en?next=/")
    if status == 429:
        client = error_app.test_client()
        client.get("/language/en?next=/")
    response = _trigger(client, status)
    assert response.status_code == status
    assert ENGLISH[status] in page_text(response)


def test_api_errors_are_problem_details(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404 and response.json["type"] == "about:blank"


def test_method_not_allowed_keeps_allow_header(client):
    response = client.put("/login")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
