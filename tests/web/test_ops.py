"""Health, liveness and readiness for load balancers: ``/healthz``, ``/livez`` and ``/readyz``
(routes/ops.py)."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course
from aula.settings import Settings
from aula.store import Store
from aula.store.engine import create_engine, normalize_url
from aula.store.migration import VERSION_TABLE, written_head
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

from ..browser.conftest import free_port
from .conftest import SECRET


def test_healthz_says_the_database_answers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "reachable"
    assert response.headers["cache-control"] == "no-store"


def test_livez_answers_without_the_database(client: TestClient) -> None:
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ready_when_the_schema_is_at_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert body["schema_revision"] == body["schema_head"] == written_head()


def test_readyz_is_not_ready_while_the_schema_is_behind(client: TestClient, app: Starlette) -> None:
    aula: Aula = app.state.aula
    with aula.store._engine.begin() as connection:
        connection.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = '0003_older'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "'0003_older'" in response.json()["reason"]
    assert client.get("/healthz").status_code == 200  # healthy: only not ready
    assert client.get("/livez").status_code == 200


def test_readyz_is_not_ready_when_the_database_cannot_be_reached(course: Course) -> None:
    # Nothing listens on this port: the connection is refused, as when PostgreSQL is down.
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    store = Store(create_engine(normalize_url(url)))
    app = create_app(Aula(Settings(embeddings="off"), course, store, Identity(SECRET)))
    with TestClient(app) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "cannot be read" in response.json()["reason"]
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["database"] == "unreachable"
        assert client.get("/livez").status_code == 200
    store.close()


def test_probes_need_no_sign_in_when_the_course_does(course: Course, database_url: str) -> None:
    store = Store.open(database_url)
    settings = Settings(embeddings="off", access="signed-in")
    app = create_app(Aula(settings, course, store, Identity(SECRET)))
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/lessons/open-vs-closed").status_code == 303  # pages: sign in
        assert client.get("/healthz").status_code == 200
        assert client.get("/livez").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/metrics").status_code == 200
    store.close()
