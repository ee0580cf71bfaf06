"""One JSON log line per request with its id, and the metrics at /metrics (web/observe.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from aula.content import Course
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

from .conftest import SECRET, csrf_token


@pytest.fixture
def logged(course: Course, database_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    """A client of an app whose request lines are kept in a list."""
    lines: list[str] = []
    store = Store.open(database_url)
    app = create_app(
        Aula(Settings(embeddings="off"), course, store, Identity(SECRET)), log_line=lines.append
    )
    with TestClient(app, base_url="http://aula.test", follow_redirects=False) as client:
        yield client, lines
    store.close()


def sample(client: TestClient, name: str, **labels: str) -> float:
    """A value read from GET /metrics (0 when the series does not exist yet)."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for family in text_string_to_metric_families(response.text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def test_each_request_is_one_json_line_with_its_id(logged: tuple[TestClient, list[str]]) -> None:
    client, lines = logged
    response = client.get("/lessons/open-vs-closed/slides/3", headers={"x-request-id": "lb-42"})
    assert response.headers["x-request-id"] == "lb-42"
    client.get("/no/such/page")
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["request_id"] == "lb-42"
    assert first["route"] == "slide" and first["status"] == 200 and first["method"] == "GET"
    assert first["path"] == "/lessons/open-vs-closed/slides/3"
    assert first["bytes"] > 0 and first["ms"] > 0
    assert second["route"] == "unmatched" and second["status"] == 404


@pytest.mark.parametrize("sent", [b"two words", b"x" * 129, b"a\xc3\xa9b", b"<script>", b""])
def test_an_unsafe_request_id_is_replaced(client: TestClient, sent: bytes) -> None:
    response = client.get("/healthz", headers={b"x-request-id": sent})
    made = response.headers["x-request-id"]
    assert made.encode() != sent and len(made) == 16 and int(made, 16) >= 0


def test_requests_are_counted_by_route_name_not_path(client: TestClient) -> None:
    before = sample(client, "aula_request_duration_seconds_count", route="slide", method="GET")
    for number in (1, 2, 5):
        client.get(f"/lessons/open-vs-closed/slides/{number}")
    after = sample(client, "aula_request_duration_seconds_count", route="slide", method="GET")
    assert after - before == 3
    assert "/lessons/open-vs-closed" not in client.get("/metrics").text
    client.request("BREW", "/lessons/open-vs-closed/slides/1")  # any method name: one series
    assert 'method="BREW"' not in client.get("/metrics").text
    assert sample(client, "aula_request_duration_seconds_count", method="other") >= 1


def test_answers_instructor_and_group_commit_are_measured(client: TestClient) -> None:
    answers = sample(client, "aula_answers_stored_total")
    batches = sample(client, "aula_group_commit_batch_size_count")
    asked = sample(client, "aula_instructor_seconds_count")
    headers = {"x-csrf-token": csrf_token(client)}
    body = {"question_id": "tk-runs-locally", "choice_ids": ["stable-diffusion"]}
    assert client.post("/api/answers", json=body, headers=headers).status_code == 200
    question = {"question": "What is a LoRA?"}
    assert client.post("/api/instructor/ask", json=question, headers=headers).status_code == 200
    assert sample(client, "aula_answers_stored_total") == answers + 1
    assert sample(client, "aula_group_commit_batch_size_count") > batches
    assert sample(client, "aula_instructor_seconds_count") == asked + 1
