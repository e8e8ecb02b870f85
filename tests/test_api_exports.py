"""Bulk exports (CSV for Excel in Danish, and JSON), and a fixed number of queries for every
API list and export however many rows there are."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.api_world import close_vote, declare_interest
from tests.conftest import cast
from thinktank.api.exports import MEMBER_COLUMNS, RECOMMENDATION_COLUMNS


def _csv(response) -> list[dict[str, str]]:
    assert response.data.startswith("\ufeff".encode())  # the BOM: Excel reads UTF-8
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_recommendations_csv_has_the_columns_results_and_danish_letters(
    app, make_vote_case, make_recommendation, client_as, member, secretariat, client
):
    voted = make_vote_case(visibility="public", title="Ærlig brug af øjebliksdata på åbne sager")
    cast(client_as(member), voted.id, voted.positions[0], "Fordi")
    cast(client_as(secretariat), voted.id, "abstain")
    close_vote(app, secretariat, voted.id)
    made = make_recommendation(
        status="published", title="Åbenhed før økonomi – æ, ø og å", case=voted
    )
    response = client.get("/api/v1/exports/recommendations.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "creativecommons.org/licenses/by/4.0" in response.headers["Link"]
    header = response.data.decode("utf-8-sig").splitlines()[0].split(";")
    assert header == RECOMMENDATION_COLUMNS
    [row] = _csv(response)
    assert row["id"] == str(made.id)
    assert row["title"] == "Åbenhed før økonomi – æ, ø og å"
    assert row["ballots"] == "2" and row["abstentions"] == "1"
    assert row["positions"] == "Ja, på betingelser: 1 (50,0 %) | Nej: 0 (0,0 %)"
    assert row["licence"] == "CC BY 4.0"
    assert row["url"].startswith(f"http://localhost/recommendations/{made.id}-")


def test_recommendations_json_holds_each_vote(
    app, make_vote_case, make_recommendation, client_as, member, secretariat, client
):
    voted = make_vote_case(visibility="public")
    cast(client_as(member), voted.id, voted.positions[1], "Min grund")
    close_vote(app, secretariat, voted.id)
    make_recommendation(status="published", case=voted)
    body = json.loads(client.get("/api/v1/exports/recommendations.json").data)
    assert body["export"] == "recommendations"
    assert body["licence"]["name"] == "CC BY 4.0"
    [item] = body["items"]
    [vote] = item["vote_result"]["votes"]
    assert vote["position_id"] == voted.positions[1] and vote["reason"] == "Min grund"


def test_member_register_exports_list_interests(app, make_user, client):
    from datetime import date

    sofie = make_user(display_name="Søren Ærø", organisation="Åbenrå Kommune")
    declare_interest(app, sofie, "Dansk Dataetisk Råd")
    declare_interest(app, sofie, "Gammel bestyrelse", ends_on=date(2020, 1, 1))
    rows = _csv(client.get("/api/v1/exports/members.csv"))
    assert list(rows[0]) == MEMBER_COLUMNS
    row = next(r for r in rows if r["name"] == "Søren Ærø")
    assert row["organisation"] == "Åbenrå Kommune"
    assert "Dansk Dataetisk Råd" in row["current_interests"]
    assert "Gammel bestyrelse" in row["past_interests"]
    assert "Gammel bestyrelse" not in row["current_interests"]
    body = json.loads(client.get("/api/v1/exports/members.json").data)
    me = next(m for m in body["items"] if m["name"] == "Søren Ærø")
    assert {i["organisation"] for i in me["interests"]} == {
        "Dansk Dataetisk Råd",
        "Gammel bestyrelse",
    }


def test_exports_are_streamed(client):
    response = client.get("/api/v1/exports/members.csv", buffered=False)
    assert response.is_streamed
    response.close()


def test_the_exports_list_names_every_export(client):
    body = client.get("/api/v1/exports/").get_json()
    urls = {e["url"] for e in body["exports"]}
    assert urls == {
        f"http://localhost/api/v1/exports/{name}.{fmt}"
        for name in ("recommendations", "members")
        for fmt in ("csv", "json")
    }


# --- queries -----------------------------------------------------------------------------

ENDPOINTS = [
    "/api/v1/recommendations?per_page=100",
    "/api/v1/cases?per_page=100",
    "/api/v1/members?per_page=100",
    "/api/v1/log?per_page=100",
    "/api/v1/exports/recommendations.csv",
    "/api/v1/exports/recommendations.json",
    "/api/v1/exports/members.csv",
    "/api/v1/exports/members.json",
]


@pytest.fixture
def grow(app, make_recommendation, make_user):
    """Add ``n`` published recommendations (each on its own closed public case) and ``n``
    members with an interest each."""

    def add(n: int) -> None:
        for _ in range(n):
            make_recommendation(status="published")
            declare_interest(app, make_user(), "Et firma")

    return add


def _counts(client, count_queries) -> dict[str, int]:
    found = {}
    for path in ENDPOINTS:
        with count_queries() as log:
            response = client.get(path)
            assert response.status_code == 200
            response.get_data()  # a streamed export runs its queries while it is read
        found[path] = log.count
    return found


def test_lists_and_exports_run_the_same_queries_for_3_and_30_rows(grow, client, count_queries):
    grow(3)
    few = _counts(client, count_queries)
    grow(27)
    many = _counts(client, count_queries)
    assert client.get("/api/v1/recommendations?per_page=100").get_json()["total"] == 30
    assert many == few
    assert max(few.values()) <= 6, few


def test_a_big_export_reads_in_batches(grow, client, count_queries, monkeypatch):
    from thinktank.api import exports

    grow(5)
    with count_queries() as one_batch:
        client.get("/api/v1/exports/members.csv").get_data()
    monkeypatch.setattr(exports, "BATCH", 2)
    with count_queries() as small_batches:
        rows = _csv(client.get("/api/v1/exports/members.csv"))
    assert len(rows) == 5 + 2  # the fixture's member and secretariat too
    assert small_batches.count > one_batch.count  # keyset pages: a few queries per batch
