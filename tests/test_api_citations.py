"""Citing a published version ("Citér"): BibTeX, RIS and CSL-JSON downloads linked from the
version page, the citation_* meta tags, and the API reference linked from every footer."""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest

from thinktank.recommendations.citations import AUTHOR


@pytest.fixture
def published(make_recommendation):
    return make_recommendation(status="published", title="Brug {kun} rådgivende modeller & 100 %")


def _cite_links(client, recommendation) -> dict[str, str]:
    page = client.get(f"/recommendations/{recommendation.id}/v1").get_data(as_text=True)
    links = re.findall(r'href="(/recommendations/\d+/v1/cite\.(\w+))"', page)
    return {fmt: href for href, fmt in links}


def test_the_version_page_links_every_citation_format(client, published):
    assert set(_cite_links(client, published)) == {"bib", "ris", "json"}


def test_bibtex_parses_with_the_think_tank_as_author(client, published):
    response = client.get(_cite_links(client, published)["bib"])
    assert response.mimetype == "application/x-bibtex"
    assert "attachment" in response.headers["Content-Disposition"]
    [entry] = bibtexparser.loads(response.get_data(as_text=True)).entries
    assert entry["ENTRYTYPE"] == "misc"
    assert entry["author"] == "{" + AUTHOR + "}"
    assert "rådgivende modeller" in entry["title"]
    assert entry["version"] == "1"
    assert entry["url"] == f"http://localhost/recommendations/{published.id}/v1"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["date"])


def test_ris_is_one_tagged_line_each(client, published):
    response = client.get(_cite_links(client, published)["ris"])
    lines = response.get_data(as_text=True).split("\r\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    tags = dict(line.split("  - ", 1) for line in lines)
    assert lines[0] == "TY  - GEN" and lines[-1] == "ER  - "
    assert tags["AU"] == AUTHOR and tags["ET"] == "1"
    assert tags["UR"] == f"http://localhost/recommendations/{published.id}/v1"
    assert "rådgivende" in tags["TI"]


def test_csl_json_has_the_required_keys(client, published):
    response = client.get(_cite_links(client, published)["json"])
    [item] = json.loads(response.data)
    assert {"id", "type", "title", "author", "issued", "URL", "version"} <= set(item)
    assert item["author"] == [{"literal": AUTHOR}]
    assert item["type"] == "report"
    year, month, day = item["issued"]["date-parts"][0]
    assert year > 2000 and 1 <= month <= 12 and 1 <= day <= 31


def test_the_version_page_has_citation_meta_tags(client, published):
    page = client.get(f"/recommendations/{published.id}/v1").get_data(as_text=True)
    meta = dict(re.findall(r'<meta name="(citation_\w+)" content="([^"]*)"', page))
    assert meta["citation_title"].startswith("Brug {kun} rådgivende")
    assert meta["citation_author"] == "KL&#39;s tænketank om data og AI"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", meta["citation_publication_date"])
    assert meta["citation_public_url"] == f"http://localhost/recommendations/{published.id}/v1"


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_a_draft_cannot_be_cited(client, make_recommendation, fmt):
    draft = make_recommendation(status="review", title="Et udkast")
    assert client.get(f"/recommendations/{draft.id}/v1/cite.{fmt}").status_code in (302, 404)


def test_unknown_formats_and_versions_are_404(client, published):
    assert client.get(f"/recommendations/{published.id}/v1/cite.pdf").status_code == 404
    assert client.get(f"/recommendations/{published.id}/v9/cite.bib").status_code == 404


# --- the reference and the footer --------------------------------------------------------


def test_every_page_footer_links_the_api_and_states_the_licence(client):
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/api/"' in footer
    assert "CC BY 4.0" in footer


def test_the_reference_is_generated_from_the_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/").get_data(as_text=True)
    for path, item in document["paths"].items():
        assert f"GET {path}" in page
        assert item["get"]["summary"] in page
    for name, schema in document["components"]["schemas"].items():
        assert f'id="schema-{name}"' in page
        for field in schema.get("properties", {}):
            assert f"<code>{field}</code>" in page
    assert "<script" not in page.split("</head>")[1]
