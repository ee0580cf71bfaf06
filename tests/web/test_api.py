"""The JSON twins: shapes, no leaked answers, CSRF, and errors as JSON with messages."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from aula.content import Course
from aula.web.aula import Aula

from .conftest import csrf_token


def keys_anywhere(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in keys_anywhere(v)}
    if isinstance(data, list):
        return {k for v in data for k in keys_anywhere(v)}
    return set()


def test_course(client: TestClient, course: Course) -> None:
    data = client.get("/api/course").json()
    assert data["title"] == "Sintetografía Avanzada"
    assert [lesson["id"] for lesson in data["lessons"]] == ["open-vs-closed"]
    assert len(data["glossary"]) == len(course.glossary)


def test_lesson_has_slides_in_order_with_code_and_terminal_output(
    client: TestClient, course: Course
) -> None:
    data = client.get("/api/lessons/open-vs-closed").json()
    assert [s["number"] for s in data["slides"]] == list(range(1, 8))
    first = data["slides"][0]
    assert first["code"]["file"] == "models_comparison.py"
    expected = course.lessons[0].slides[0].code.output.stdout  # type: ignore[union-attr]
    assert first["code"]["output"]["stdout"] == expected
    assert data["editor_tab"] == "models_comparison.py"
    assert len(data["questions"]) == len(course.lessons[0].questions)
    assert len(data["glossary"]) == len(course.glossary)


def test_questions_are_published_without_their_answers(client: TestClient) -> None:
    data = client.get("/api/lessons/open-vs-closed").json()
    leaked = keys_anywhere(data["questions"]) & {"correct", "feedback", "explanation"}
    assert leaked == set()


def test_slide_and_node_twins(client: TestClient) -> None:
    slide = client.get("/api/lessons/open-vs-closed/slides/2").json()
    assert slide["number"] == 2
    node = client.get("/api/lessons/open-vs-closed/nodes/two-kingdoms").json()
    assert node["title"] == "The Two Kingdoms"
    assert node["progress"]["state"] == "available"
    assert "correct" not in keys_anywhere(node["questions"])


def test_glossary_twin_filters(client: TestClient) -> None:
    data = client.get("/api/glossary", params={"q": "vram"}).json()
    ids = [t["id"] for t in data["terms"]]
    assert ids[0] == "vram"  # named by the query, so before terms that only mention it
    assert all("vram" in json.dumps(t).lower() for t in data["terms"])
    assert "weights" not in ids
    assert data["terms"][0]["analogy"]["kind"] == "usage-bar"


def test_course_json_is_encoded_once_per_version_address_and_language(
    client: TestClient,
) -> None:
    aula: Aula = client.app.state.aula  # type: ignore[attr-defined]
    first = client.get("/api/glossary", params={"q": "vram"})
    second = client.get("/api/glossary", params={"q": "vram"})
    assert second.content == first.content
    assert aula.json_bodies[first.headers["etag"].removeprefix("W/")] == first.content
    other = client.get("/api/glossary", params={"q": "weights"})
    assert other.content != first.content  # another address, other bytes
    assert len(aula.json_bodies) == 2


def answer(
    client: TestClient, body: object, token: str | None = None, raw: bytes | None = None
) -> Any:
    headers = {"content-type": "application/json"}
    if token:
        headers["x-csrf-token"] = token
    content = raw if raw is not None else json.dumps(body).encode()
    return client.post("/api/answers", content=content, headers=headers)


def seed(course: Course) -> tuple[str, str, str]:
    q = course.lessons[0].skill_tree.nodes[0].questions[0]
    wrong = next(c.id for c in q.choices if not c.correct)
    right = next(c.id for c in q.choices if c.correct)
    return q.id, wrong, right


def test_post_answer_grades_and_returns_progress(client: TestClient, course: Course) -> None:
    qid, wrong, right = seed(course)
    token = csrf_token(client)
    first = answer(client, {"question_id": qid, "choice_ids": [wrong]}, token)
    assert first.status_code == 200
    data = first.json()
    assert data["correct"] is False
    assert data["feedback"][0]["choice_id"] == wrong
    assert data["feedback"][0]["verdict"] == "wrong"
    assert data["explanation"]["text"]
    assert data["attempt"] == 1
    second = answer(client, {"question_id": qid, "choice_ids": [right]}, token).json()
    assert second["correct"] is True
    assert second["attempt"] == 2
    assert second["progress"]["answers"] == 2
    progress = client.get("/api/progress").json()["lessons"][0]
    assert progress["answers"] == 2
    node = next(n for n in progress["nodes"] if n["id"] == "two-kingdoms")
    assert node["answered"] >= 1


def test_post_answer_needs_the_csrf_header(client: TestClient, course: Course) -> None:
    qid, _, right = seed(course)
    client.get("/")
    response = answer(client, {"question_id": qid, "choice_ids": [right]})
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert client.get("/api/progress").json()["lessons"][0]["answers"] == 0


def test_malformed_json_is_400(client: TestClient) -> None:
    response = answer(client, None, csrf_token(client), raw=b"{not json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]


def test_wrong_fields_are_422_per_field(client: TestClient) -> None:
    response = answer(client, {"question": "x", "choice_ids": "a"}, csrf_token(client))
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"question_id", "question", "choice_ids"}


def test_unanswerable_choice_is_422(client: TestClient, course: Course) -> None:
    qid, wrong, right = seed(course)
    response = answer(
        client, {"question_id": qid, "choice_ids": [wrong, right]}, csrf_token(client)
    )
    assert response.status_code == 422
    assert "Pick just one answer" in response.json()["error"]["message"]


def test_unknown_question_is_404_json(client: TestClient) -> None:
    response = answer(client, {"question_id": "nope", "choice_ids": ["a"]}, csrf_token(client))
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "message": "There is no question 'nope' in this course."}
    }


def test_record_a_slide_view(client: TestClient) -> None:
    response = client.post(
        "/api/progress/slides",
        json={"lesson_id": "open-vs-closed", "slide": 3},
        headers={"x-csrf-token": csrf_token(client)},
    )
    assert response.status_code == 200
    assert response.json()["current_slide"] == 3
    assert response.json()["slides_seen"] == ["great-divide"]


def test_api_errors_are_json_even_for_browsers(client: TestClient) -> None:
    response = client.get("/api/lessons/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"


def test_openapi_documents_every_api_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    assert {
        "/api/session",
        "/api/course",
        "/api/lessons/{lesson_id}",
        "/api/lessons/{lesson_id}/slides/{number}",
        "/api/lessons/{lesson_id}/nodes/{node_id}",
        "/api/glossary",
        "/api/progress",
        "/api/answers",
        "/api/progress/slides",
    } <= paths
    assert "post" in spec["paths"]["/api/answers"]
    assert spec["paths"]["/api/answers"]["post"]["responses"]["403"]


def test_course_twins_carry_an_etag_and_answer_304(client: TestClient) -> None:
    for path in ("/api/course", "/api/lessons/open-vs-closed", "/api/glossary?q=vram"):
        first = client.get(path)
        etag = first.headers["etag"]
        again = client.get(path, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200
    assert (
        client.get("/api/glossary?q=vram").headers["etag"]
        != client.get("/api/glossary?q=lora").headers["etag"]
    )
