"""The page cache (web/pagecache.py): a learner's page is served again only while it is still
what rendering it would give."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, AulaStarlette, create_app
from aula.web.identity import Identity
from aula.web.pagecache import PageCache

from .conftest import SECRET, csrf_token

SLIDE = "/lessons/open-vs-closed/slides/2"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_app(course: Course, store: Store, **settings: object) -> Starlette:
    return create_app(Aula(Settings(embeddings="off", **settings), course, store, Identity(SECRET)))  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(str(tmp_path / "aula.db")) as opened:
        yield opened


@pytest.fixture
def app(course: Course, store: Store) -> Starlette:
    return make_app(course, store)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://aula.test", follow_redirects=False) as c:
        c.headers["accept"] = "text/html"
        c.get("/")  # the learner's cookie (a response that sets it is never kept)
        yield c


def cache_of(app: Starlette) -> PageCache:
    assert isinstance(app, AulaStarlette)
    assert app.page_cache is not None
    return app.page_cache


def test_a_page_read_again_is_served_from_the_cache(app: Starlette, client: TestClient) -> None:
    first = client.get(SLIDE)
    cache = cache_of(app)
    hits = cache.hits
    again = client.get(SLIDE)
    assert cache.hits == hits + 1
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]


def test_the_learners_write_shows_on_the_next_read(app: Starlette, client: TestClient) -> None:
    assert client.get("/api/progress").json()["lessons"][0]["slides_seen"] == []
    assert client.get("/api/progress").json()["lessons"][0]["slides_seen"] == []  # kept
    body = {"lesson_id": "open-vs-closed", "slide": 2}
    headers = {"x-csrf-token": csrf_token(client)}
    assert client.post("/api/progress/slides", json=body, headers=headers).status_code == 200
    assert client.get("/api/progress").json()["lessons"][0]["slides_seen"] == ["two-kingdoms"]


def test_another_learners_write_keeps_my_pages(app: Starlette, client: TestClient) -> None:
    client.get(SLIDE)
    with TestClient(app, base_url="http://aula.test") as other:
        body = {"lesson_id": "open-vs-closed", "slide": 2}
        headers = {"x-csrf-token": csrf_token(other)}
        assert other.post("/api/progress/slides", json=body, headers=headers).status_code == 200
    cache = cache_of(app)
    hits = cache.hits
    client.get(SLIDE)
    assert cache.hits == hits + 1


def test_a_page_is_kept_no_longer_than_page_cache_seconds(
    app: Starlette, client: TestClient
) -> None:
    cache = cache_of(app)  # built by the first request (the cookie)
    clock = Clock()
    cache.clock = clock
    client.get(SLIDE)  # kept at clock.now
    hits = cache.hits
    clock.now += cache.seconds - 0.1
    client.get(SLIDE)
    assert cache.hits == hits + 1
    clock.now += 0.2
    client.get(SLIDE)
    assert cache.hits == hits + 1  # too old: rendered again


def test_each_variant_of_a_request_is_kept_apart(app: Starlette, client: TestClient) -> None:
    page = client.get(SLIDE).text
    fragment = client.get(SLIDE, headers={"x-aula-fragment": "1"}).text
    assert fragment != page
    assert client.get(SLIDE).text == page
    assert client.get(SLIDE, headers={"x-aula-fragment": "1"}).text == fragment
    with TestClient(app, base_url="http://aula.test") as other:
        other.get("/")
        theirs = other.get(SLIDE).text
    assert theirs != page  # their own CSRF token, never mine


def test_new_learners_and_other_routes_are_never_kept(app: Starlette) -> None:
    with TestClient(app, base_url="http://aula.test") as fresh:
        first = fresh.get(SLIDE)  # sets the cookie: not kept
        assert "set-cookie" in first.headers
        cache = cache_of(app)
        assert not cache.entries
        fresh.get("/api/session")
        fresh.get("/api/session")
        assert not cache.entries  # not a cacheable route
        assert fresh.get("/lessons/open-vs-closed/slides/99").status_code == 404
        assert fresh.get("/lessons/open-vs-closed/slides/99").status_code == 404
        assert not cache.entries  # only 200s


@pytest.mark.parametrize(
    "settings", [{"workers": 2}, {"page_cache_seconds": 0}], ids=["two-workers", "off"]
)
def test_off_unless_this_process_sees_every_write(
    course: Course, store: Store, settings: dict[str, object]
) -> None:
    app = make_app(course, store, **settings)
    with TestClient(app, base_url="http://aula.test") as c:
        c.get(SLIDE)
        c.get(SLIDE)
    assert isinstance(app, AulaStarlette)
    assert app.page_cache is None


def test_a_kept_page_gets_its_own_request_id(app: Starlette, client: TestClient) -> None:
    """The request log sits outside the cache: a kept response is never sent with the id of
    the request that first rendered it."""
    client.get(SLIDE)
    cache = cache_of(app)
    hits = cache.hits
    ids = {client.get(SLIDE).headers["x-request-id"] for _ in range(3)}
    assert cache.hits == hits + 3
    assert len(ids) == 3
    assert all(k != b"x-request-id" for e in cache.entries.values() for k, _ in e.start["headers"])
