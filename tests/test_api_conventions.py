"""The API's conventions: the OpenAPI document, every response valid against it, pages with
Link headers, filters, bad input as problem+json, ETag/304, CORS and the rate limit."""

from __future__ import annotations

import pytest
from openapi_core import OpenAPI
from openapi_spec_validator import validate

from tests.api_world import CONFIG, assert_valid, openapi_of, walk

LISTS = ["/api/v1/recommendations", "/api/v1/cases", "/api/v1/members", "/api/v1/log"]


def test_the_openapi_document_is_valid_and_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]
    assert document["info"]["license"]["name"] == "CC BY 4.0"
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
    }
    described = set(document["paths"])
    routes.discard("/exports/{name}.{fmt}")
    assert routes <= described
    for name in ("recommendations", "members"):
        for fmt in ("csv", "json"):
            assert f"/exports/{name}.{fmt}" in described
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert "429" in responses, path
        assert "example" in next(iter(responses["200"]["content"].values())), path


def test_every_response_of_the_demo_validates_against_the_document(seeded, client):
    walked = walk(client, openapi_of(client))
    assert any("/versions/" in path for path in walked)
    assert any("minority_opinions" in body and '"signers":[{' in body for body in walked.values())


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/recommendations?page=0",
        "/api/v1/recommendations?page=-1",
        "/api/v1/recommendations?page=abc",
        "/api/v1/recommendations?page=99999999999999999999",
        "/api/v1/cases?per_page=101",
        "/api/v1/cases?per_page=0",
        "/api/v1/cases?per_page=1.5",
        "/api/v1/members?per_page=-5",
        "/api/v1/log?page=%00",
        "/api/v1/recommendations?domain=space",
        "/api/v1/cases?state=draft",
        "/api/v1/cases?technology=",
        "/api/v1/recommendations?colour=red",
    ],
)
def test_bad_parameters_are_a_400_problem(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400 and problem["type"] == "about:blank"
    assert problem["errors"]
    assert_valid(openapi_of(client), response)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/recommendations/99999999999",
        "/api/v1/recommendations/-1",
        "/api/v1/recommendations/abc",
        "/api/v1/recommendations/1/versions/99999999999",
        "/api/v1/cases/12345",
        "/api/v1/members/99999999999",
        "/api/v1/exports/passwords.csv",
        "/api/v1/nothing-here",
    ],
)
def test_unknown_objects_are_a_404_problem(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["instance"] == path.split("?")[0]


def test_a_known_path_with_an_unknown_id_validates_as_a_404(client):
    response = client.get("/api/v1/cases/4242")
    assert_valid(openapi_of(client), response)


def test_a_post_is_a_405_problem(client):
    response = client.post("/api/v1/cases", data={}, csrf=False)
    assert response.status_code in (400, 405)  # CSRF refuses any form post first
    assert response.mimetype == "application/problem+json"
    response = client.delete("/api/v1/cases")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_errors_elsewhere_stay_html(client):
    response = client.get("/cases/4242")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_pages_link_to_their_neighbours_in_body_and_header(make_case, client):
    for n in range(3):
        make_case(state="open", visibility="public", title=f"Sag nummer {n}")
    first = client.get("/api/v1/cases?per_page=2&state=open")
    body = first.get_json()
    assert [body["page"], body["per_page"], body["total"], body["pages"]] == [1, 2, 3, 2]
    assert body["prev"] is None
    assert body["next"] == "http://localhost/api/v1/cases?per_page=2&state=open&page=2"
    assert f'<{body["next"]}>; rel="next"' in first.headers["Link"]
    assert 'rel="last"' in first.headers["Link"]
    second = client.get(body["next"].removeprefix("http://localhost")).get_json()
    assert len(second["items"]) == 1 and second["next"] is None
    assert second["prev"] == "http://localhost/api/v1/cases?per_page=2&state=open&page=1"
    ids = [c["id"] for c in body["items"] + second["items"]]
    assert len(set(ids)) == 3
    past_the_end = client.get("/api/v1/cases?page=9")
    assert past_the_end.status_code == 200 and past_the_end.get_json()["items"] == []
    furthest = client.get("/api/v1/cases?page=2147483647&per_page=100")
    assert furthest.status_code == 200 and furthest.get_json()["items"] == []
    assert_valid(openapi_of(client), first)


def test_recommendations_filter_as_the_portal_does(make_recommendation, make_case, client):
    make_recommendation(status="published", title="Om beskæftigelse")
    other = make_case(
        state="closed",
        visibility="public",
        domain="elderly_care",
        technology="chatbot_generative_ai",
        title="Ældrepleje og chatbots",
    )
    make_recommendation(status="published", title="Om ældrepleje", case=other)

    def titles(q):
        return [r["title"] for r in client.get(f"/api/v1/recommendations?{q}").get_json()["items"]]

    assert titles("domain=elderly_care") == ["Om ældrepleje"]
    assert titles("domain=employment") == ["Om beskæftigelse"]
    assert titles("technology=chatbot_generative_ai&role=advisory") == ["Om ældrepleje"]
    assert titles("role=deciding") == []
    assert sorted(titles("")) == ["Om beskæftigelse", "Om ældrepleje"]


def test_cases_filter_by_state(make_case, client):
    make_case(state="open", visibility="public", title="Åben sag")
    make_case(state="closed", visibility="public", title="Lukket sag")
    found = client.get("/api/v1/cases?state=closed").get_json()["items"]
    assert [c["title"] for c in found] == ["Lukket sag"]
    assert found[0]["url"] == f"http://localhost/cases/{found[0]['id']}-lukket-sag"
    assert found[0]["created_at"].endswith("Z")


def test_a_conditional_request_gets_304(make_recommendation, client):
    recommendation = make_recommendation(status="published")
    path = f"/api/v1/recommendations/{recommendation.id}"
    first = client.get(path)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert_valid(openapi_of(client), again)
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_a_list_changes_its_etag_when_its_data_changes(make_case, client):
    make_case(state="open", visibility="public", title="Første")
    etag = client.get("/api/v1/cases").headers["ETag"]
    make_case(state="open", visibility="public", title="Anden")
    response = client.get("/api/v1/cases", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_any_origin_may_read_and_preflight(client):
    response = client.get("/api/v1/vocabularies", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Link" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/cases",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    # the site's own pages are not opened to other origins
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_too_many_requests_are_a_429_problem(make_app):
    app = make_app(API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert client.get("/api/v1/vocabularies").status_code == 200
    assert client.get("/api/v1/cases").status_code == 200
    limited = client.get("/api/v1/vocabularies")
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert limited.get_json()["status"] == 429
    assert limited.headers["Retry-After"]
    # another address has its own count
    other = client.get("/api/v1/vocabularies", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    # the rest of the site is not counted against the API's limit
    assert client.get("/").status_code == 200
    document = app.test_client().get(
        "/api/v1/openapi.json", environ_base={"REMOTE_ADDR": "10.0.0.8"}
    )
    assert_valid(OpenAPI.from_dict(document.get_json(), config=CONFIG), limited)


def test_vocabularies_hold_the_98_municipalities_with_official_codes(client):
    body = client.get("/api/v1/vocabularies").get_json()
    municipalities = body["municipalities"]
    assert len(municipalities) == 98
    assert {"code": "101", "name": "Københavns Kommune"} in municipalities
    assert {"code": "751", "name": "Aarhus Kommune"} in municipalities
    assert {"value": "employment", "label": "Beskæftigelse"} in body["domains"]
    assert [v["value"] for v in body["ai_act_classes"]] == [
        "prohibited",
        "high",
        "limited",
        "minimal",
        "not_ai",
        "unknown",
    ]
    client.set_cookie("thinktank_lang", "en")
    english = client.get("/api/v1/vocabularies").get_json()
    assert {"value": "employment", "label": "Employment"} in english["domains"]


def test_a_recommendation_carries_its_frozen_vote_and_versions(seeded, client):
    listed = client.get("/api/v1/recommendations").get_json()["items"]
    detail = client.get(listed[0]["api_url"].removeprefix("http://localhost")).get_json()
    result = detail["vote_result"]
    assert result["ballots"] == sum(p["count"] for p in result["positions"]) + result["abstentions"]
    assert all(vote["voter"]["name"] for vote in result["votes"])
    assert any(vote["interests"] for vote in result["votes"])
    assert [v["number"] for v in detail["versions"]] == list(
        range(detail["current_version"], 0, -1)
    )
    assert detail["body_html"].startswith("<")
    assert detail["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert detail["adoptions"] and detail["adoptions"][0]["municipality_code"].isdigit()


def test_a_public_case_has_its_template_timeline_and_discussion(seeded, client):
    cases = client.get("/api/v1/cases?per_page=100").get_json()["items"]
    detail = client.get(cases[-1]["api_url"].removeprefix("http://localhost")).get_json()
    assert detail["timeline"][0]["to_state"] == "draft"
    assert detail["dilemma_html"] and detail["human_contact"] and detail["dpia"]
    assert isinstance(detail["discussion"], list)


def test_the_member_register_lists_declared_interests(app, member, client):
    from tests.api_world import declare_interest

    declare_interest(app, member, "Dansk Ældreråd")
    found = client.get("/api/v1/members").get_json()["items"]
    me = next(m for m in found if m["id"] == member.id)
    assert me["interests"][0]["organisation"] == "Dansk Ældreråd"
    assert me["interests"][0]["current"] is True
    assert "email" not in me
