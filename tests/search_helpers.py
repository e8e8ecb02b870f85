"""Reading the search page as a reader does: the results' links and titles, in order."""

from __future__ import annotations

import re

_RESULT = re.compile(r'<li class="search-result">.*?<h3><a href="([^"]+)">(.*?)</a></h3>', re.S)


def results(client, q: str, **args) -> list[tuple[str, str]]:
    """(link, title) of every result on the page for ``q`` (the page must answer 200)."""
    response = client.get("/search", query_string={"q": q, **args})
    assert response.status_code == 200, response.status_code
    return _RESULT.findall(response.get_data(as_text=True))


def links(client, q: str, **args) -> list[str]:
    return [link for link, _title in results(client, q, **args)]


def titles(client, q: str, **args) -> list[str]:
    return [title for _link, title in results(client, q, **args)]
