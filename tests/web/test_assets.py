"""Static assets cached for a year when their URL carries the content hash."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from aula.web.assets import IMMUTABLE, REVALIDATE


def linked_css(client: TestClient) -> str:
    page = client.get("/").text
    found = re.search(r'href="(/static/aula\.css\?v=[0-9a-f]+)"', page)
    assert found, "the page links no versioned stylesheet"
    return found.group(1)


def test_a_versioned_asset_is_cached_for_a_year(client: TestClient) -> None:
    response = client.get(linked_css(client))
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert "etag" in response.headers


def test_an_asset_without_the_current_hash_is_revalidated(client: TestClient) -> None:
    for url in ("/static/aula.css", "/static/aula.css?v=0123456789"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == REVALIDATE


def test_an_unchanged_asset_answers_304_to_its_etag(client: TestClient) -> None:
    first = client.get("/static/aula.css")
    again = client.get("/static/aula.css", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
