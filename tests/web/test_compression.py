"""Pages, JSON and assets compressed as the client accepts; compressed bodies get weak ETags."""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]  # no stubs; comes with starlette-compress
from starlette.testclient import TestClient


def test_pages_are_compressed_for_clients_that_accept_it(client: TestClient) -> None:
    plain = client.get("/glossary", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        # Read the raw bytes: the test client would otherwise decode them itself.
        with client.stream("GET", "/glossary", headers={"accept-encoding": encoding}) as r:
            raw = b"".join(r.iter_raw())
            assert r.headers["content-encoding"] == encoding
            assert "accept-encoding" in r.headers["vary"].lower()
        assert len(raw) < len(plain.content) / 3
        assert decode(raw) == plain.content


def test_json_is_compressed_too(client: TestClient) -> None:
    with client.stream(
        "GET", "/api/lessons/open-vs-closed", headers={"accept-encoding": "br"}
    ) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "br"
    assert brotli.decompress(raw).startswith(b"{")


def test_a_compressed_body_has_a_weak_etag_that_still_revalidates(client: TestClient) -> None:
    url = "/static/aula.css"
    plain = client.get(url, headers={"accept-encoding": "identity"})
    assert not plain.headers["etag"].startswith("W/")
    with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as compressed:
        assert compressed.headers["content-encoding"] == "gzip"
        weak = compressed.headers["etag"]
    assert weak == "W/" + plain.headers["etag"]
    again = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": weak})
    assert again.status_code == 304
