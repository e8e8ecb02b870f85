"""Helpers for the API's tests: the OpenAPI check of a response, and acts on the world
(closing a vote, removing a comment, declaring an interest) through the services."""

from __future__ import annotations

import json
from datetime import date

from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from thinktank.accounts.models import User
from thinktank.extensions import db


def _json(body, **_parameters):
    return json.loads(body)


def _text(body, **_parameters) -> str:
    return body.decode("utf-8") if isinstance(body, bytes) else body


#: A CSV body is text to the document, and problem details are JSON (openapi-core knows
#: neither media type by itself).
CONFIG = Config(
    extra_media_type_deserializers={"text/csv": _text, "application/problem+json": _json}
)


def openapi_of(client) -> OpenAPI:
    return OpenAPI.from_dict(client.get("/api/v1/openapi.json").get_json(), config=CONFIG)


def assert_valid(openapi: OpenAPI, response) -> None:
    """The response (status, headers, body) is what the OpenAPI document says it is."""
    openapi.validate_response(
        WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
    )


def close_vote(app, secretariat, case_id: int) -> None:
    from thinktank.cases import lifecycle
    from thinktank.cases.models import Case
    from thinktank.transaction import transaction

    with app.test_request_context("/"), transaction():
        staff = db.session.get(User, secretariat.id)
        lifecycle.transition(staff, db.session.get(Case, case_id), "close_voting", reason="Slut.")


def remove_own_comment(app, author, comment_id: int) -> None:
    from thinktank.discussion import service
    from thinktank.transaction import transaction

    with app.test_request_context("/"), transaction():
        service.delete_own(db.session.get(User, author.id), comment_id)


def declare_interest(app, user, organisation: str, ends_on: date | None = None) -> None:
    from thinktank.members.models import InterestKind
    from thinktank.members.service import InterestInput, declare_interest
    from thinktank.transaction import transaction

    with app.test_request_context("/"), transaction():
        declare_interest(
            db.session.get(User, user.id),
            InterestInput(InterestKind.BOARD_SEAT, organisation, "Ulønnet", None, ends_on),
        )


def revise_working_copy(app, secretariat, recommendation_id: int, title: str) -> None:
    """Start a new draft on a published recommendation (readers must not see it)."""
    from thinktank.recommendations import service
    from thinktank.recommendations.models import Recommendation
    from thinktank.transaction import transaction

    with app.test_request_context("/"), transaction():
        recommendation = db.session.get(Recommendation, recommendation_id)
        data = service.DraftInput(title, "Et hemmeligt resumé", "Hemmelig tekst", None, [])
        service.update(db.session.get(User, secretariat.id), recommendation, data)


def walk(client, openapi: OpenAPI | None = None) -> dict[str, str]:
    """Every API endpoint and export, following the lists to each object: path -> body.
    Each response is checked against the OpenAPI document on the way."""
    seen: dict[str, str] = {}
    todo = [
        "/api/v1/recommendations?per_page=100",
        "/api/v1/cases?per_page=100",
        "/api/v1/members?per_page=100",
        "/api/v1/log?per_page=100",
        "/api/v1/vocabularies",
        "/api/v1/exports/",
    ]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if openapi is not None:
            assert_valid(openapi, response)
        seen[path] = response.get_data(as_text=True)
        if response.mimetype != "application/json":
            continue
        todo.extend(_api_links(response.get_json()))
    return seen


def _api_links(value) -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (
                key in ("api_url",)
                and isinstance(item, str)
                or key == "url"
                and isinstance(item, str)
                and "/api/v1/exports/" in item
            ):
                found.append(item.removeprefix("http://localhost"))
            else:
                found.extend(_api_links(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_api_links(item))
    return found
