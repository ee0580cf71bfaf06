"""Language negotiation: ``?lang=`` > the switcher's cookie > Accept-Language > the course's
default; the page says which (``<html lang>``, hreflang, Content-Language) and caches by it."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from aula.web.language import accepted_languages, best_match, negotiate
from tests.web.conftest import csrf_token

AVAILABLE = ("en", "es")


def choose(**kw: str | None) -> str:
    args = {"query": None, "cookie": None, "accept": None, **kw}
    return negotiate(available=AVAILABLE, default="en", **args)


def test_accept_language_is_read_by_weight_then_order() -> None:
    assert accepted_languages("en;q=0.5, es-MX, es;q=0.9") == ["es-mx", "es", "en"]
    assert accepted_languages("fr, de;q=0, es;q=bad, en;q=2") == ["fr"]
    assert accepted_languages("") == []
    assert accepted_languages(None) == []


def test_a_regional_variant_gets_its_language() -> None:
    assert best_match(["es-ar"], AVAILABLE) == "es"
    assert best_match(["fr", "*"], AVAILABLE) == "en"
    assert best_match(["fr"], AVAILABLE) is None


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, "en"),
        ({"accept": "es-ES,es;q=0.9"}, "es"),
        ({"accept": "fr-FR, es;q=0.5"}, "es"),
        ({"accept": "es", "cookie": "en"}, "en"),
        ({"accept": "en", "cookie": "es", "query": "en"}, "en"),
        ({"query": "ES"}, "es"),
        ({"query": "xx", "cookie": "es"}, "es"),  # an unknown ?lang= is ignored
        ({"query": "xx", "cookie": "zz", "accept": "fr"}, "en"),
    ],
)
def test_the_order_of_negotiation(kw: dict[str, str], expected: str) -> None:
    assert choose(**kw) == expected


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found
    return found.group(1)


def test_accept_language_es_gives_a_spanish_page(client: TestClient) -> None:
    page = client.get("/glossary", headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert html_lang(page.text) == "es"
    assert page.headers["content-language"] == "es"
    assert "Accept-Language" in page.headers["vary"]
    assert "Saltar al contenido" in page.text and "Glosario" in page.text
    english = client.get("/glossary")
    assert html_lang(english.text) == "en" and "Skip to content" in english.text


def test_every_page_links_its_other_languages(client: TestClient) -> None:
    page = client.get("/glossary?q=vram")
    links = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)"', page.text))
    assert set(links) == {"en", "es"}
    assert links["es"] == "/glossary?q=vram&amp;lang=es"
    assert '<link rel="alternate" hreflang="x-default" href="/glossary">' in page.text


def test_the_switcher_sets_a_cookie_and_writes_nothing(client: TestClient) -> None:
    token = csrf_token(client)
    answer = client.post(
        "/preferences/language",
        data={"lang": "es", "csrf_token": token, "return_to": "/glossary"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/glossary"
    assert "aula_lang=es" in answer.headers["set-cookie"]
    assert html_lang(client.get("/glossary").text) == "es"
    # ?lang= still wins over the cookie, e.g. a hreflang link
    assert html_lang(client.get("/glossary?lang=en").text) == "en"


def test_the_switcher_refuses_an_unknown_language_and_a_missing_token(
    client: TestClient,
) -> None:
    token = csrf_token(client)
    bad = client.post("/preferences/language", data={"lang": "xx", "csrf_token": token})
    assert bad.status_code == 422
    assert "set-cookie" not in bad.headers or "aula_lang" not in bad.headers["set-cookie"]
    forged = client.post("/preferences/language", data={"lang": "es"})
    assert forged.status_code == 403


def test_a_json_error_is_in_the_asked_language(client: TestClient) -> None:
    token = csrf_token(client)
    bad = client.post(
        "/preferences/language?lang=es",
        data={"lang": "xx", "csrf_token": token},
        headers={"accept": "application/json"},
    )
    assert bad.json()["error"]["message"].startswith("Elige uno de estos idiomas")


def test_course_json_etags_differ_by_language(client: TestClient) -> None:
    english = client.get("/api/glossary")
    spanish = client.get("/api/glossary", headers={"accept-language": "es"})
    assert english.headers["etag"] != spanish.headers["etag"]
    again = client.get(
        "/api/glossary",
        headers={"accept-language": "es", "if-none-match": spanish.headers["etag"]},
    )
    assert again.status_code == 304
    other = client.get("/api/glossary", headers={"if-none-match": spanish.headers["etag"]})
    assert other.status_code == 200


def test_json_twins_take_lang(client: TestClient) -> None:
    node = "/api/lessons/open-vs-closed/nodes/two-kingdoms"
    spanish = client.get(f"{node}?lang=es").json()
    english = client.get(node).json()
    assert spanish["title"] == "Los dos reinos"
    assert english["title"] == "The Two Kingdoms"
    assert client.get(f"{node}?lang=es").headers["content-language"] == "es"


def test_course_text_and_fragments_follow_the_language(client: TestClient) -> None:
    # The slide's frame is a cached fragment: each language must get its own.
    slide = "/lessons/open-vs-closed/slides/2"
    spanish = client.get(slide, headers={"accept-language": "es"}).text
    english = client.get(slide).text
    assert "Los dos reinos" in spanish and "The Two Kingdoms" not in spanish
    assert "The Two Kingdoms" in english and "Los dos reinos" not in english
    again = client.get(slide, headers={"accept-language": "es"}).text
    assert "Los dos reinos" in again


def test_a_404_page_is_in_the_learners_language(client: TestClient) -> None:
    missing = client.get("/lessons/nope", headers={"accept-language": "es"})
    assert missing.status_code == 404
    assert "No encontrado" in missing.text and "No hay ninguna lección" in missing.text
    api = client.get("/api/lessons/nope?lang=es")
    assert api.json()["error"]["message"] == "No hay ninguna lección «nope» en este curso."
