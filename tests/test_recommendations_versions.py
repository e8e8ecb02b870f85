"""Only the current version is "Gældende"; older versions say until when they were in force
and link the current one; every version can be printed from a link (no JavaScript)."""

from __future__ import annotations

import re

from tests.conftest import page_text


def _publish_second_version(client, recommendation):
    client.post(
        f"/recommendations/{recommendation.id}/edit",
        data={"title": "Brug kun forklarlige modeller", "summary": "Ny.", "body": "Ny tekst."},
    )
    response = client.post(
        f"/recommendations/{recommendation.id}/publish", data={"change_note": "Skærpet."}
    )
    assert response.status_code == 302


def _header(response) -> str:
    return page_text(response).split("Anbefalingen", 1)[0]


def test_only_the_current_version_is_current(client_as, secretariat, make_recommendation):
    recommendation = make_recommendation("published")
    _publish_second_version(client_as(secretariat), recommendation)
    reader = client_as(None)
    current = _header(reader.get(f"/recommendations/{recommendation.id}"))
    assert "Gældende Version 2" in current and "Tidligere version" not in current
    assert "Gældende Version 2" in _header(reader.get(f"/recommendations/{recommendation.id}/v2"))
    old = reader.get(f"/recommendations/{recommendation.id}/v1")
    header = _header(old)
    assert "Gældende" not in header.replace("gældende til", "").replace("Læs den gældende", "")
    assert re.search(r"Tidligere version \(gældende til \d+\. \w+ \d{4}\) Version 1", header)
    assert "Dette er en ældre version. Læs den gældende version 2." in header
    html = old.get_data(as_text=True)
    assert re.search(
        rf'<a href="http://localhost/recommendations/{recommendation.id}-[^"]+">'
        r"Læs den gældende version 2\.</a>",
        html,
    )


def test_a_print_link_on_the_recommendation_and_on_each_version(
    client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("published")
    _publish_second_version(client_as(secretariat), recommendation)
    reader = client_as(None)
    for path in (
        f"/recommendations/{recommendation.id}",
        f"/recommendations/{recommendation.id}/v1",
    ):
        html = reader.get(path).get_data(as_text=True)
        link = re.search(r'<a href="([^"]+)">Udskriv</a>', html).group(1)
        assert link == f"{path}?print=1"
        printed = reader.get(link)
        assert printed.status_code == 200
        printed_html = printed.get_data(as_text=True)
        assert re.search(
            r'css/print\.css\?v=\w+" media="all"', printed_html
        )  # the print layout, on screen too
        assert "Dette er udskriftsvisningen." in page_text(printed)
        assert f'<a href="{path}">Tilbage til anbefalingen</a>' in printed_html
        assert re.search(
            r'css/print\.css\?v=\w+" media="print"', html
        )  # the normal page prints the same way
    old_print = page_text(reader.get(f"/recommendations/{recommendation.id}/v1?print=1"))
    assert "Tidligere version (gældende til" in old_print
    assert "Læs den gældende version 2." in old_print


def test_a_withdrawn_recommendation_is_not_current(client_as, make_recommendation):
    recommendation = make_recommendation("withdrawn")
    header = _header(client_as(None).get(f"/recommendations/{recommendation.id}"))
    assert "Trukket tilbage" in header and "Gældende" not in header
