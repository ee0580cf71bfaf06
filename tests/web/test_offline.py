"""Offline use, server side: the manifest, the service worker, a lesson's pack, and the sync
of writes queued offline (applied once each, in order; bad ones refused with a reason)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course
from aula.services.sync import OLD_COURSE, OTHER_LEARNER, offline_version
from aula.store import Store
from aula.web.app import Aula
from aula.web.identity import COOKIE

from .conftest import csrf_token

LESSON = "open-vs-closed"
QUESTION = "tk-runs-locally"


def store_of(app: Starlette) -> Store:
    aula: Aula = app.state.aula
    return aula.store


def learner_of(app: Starlette, client: TestClient) -> str:
    aula: Aula = app.state.aula
    cookie = client.cookies.get(COOKIE)
    assert cookie is not None
    found = aula.identity.read(cookie)
    assert found is not None
    return found[0]


def answer(key: str, token: str, version: str, choice: str = "stable-diffusion") -> dict[str, Any]:
    return {
        "key": key,
        "kind": "answer",
        "version": version,
        "token": token,
        "lesson_id": LESSON,
        "question_id": QUESTION,
        "choice_ids": [choice],
    }


def sync(client: TestClient, writes: list[dict[str, Any]], token: str) -> list[dict[str, Any]]:
    response = client.post("/api/sync", json={"writes": writes}, headers={"x-csrf-token": token})
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert len(results) == len(writes)
    return results


def test_the_manifest_makes_the_app_installable(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["start_url"] == f"/lessons/{LESSON}" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        fetched = client.get(icon["src"])
        assert fetched.status_code == 200
        if icon["type"] == "image/png":
            assert fetched.content.startswith(b"\x89PNG")
    page = client.get(f"/lessons/{LESSON}/slides/1").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_the_service_worker_names_the_course_version(client: TestClient, course: Course) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.text.startswith(f'const AULA = {{"version": "{offline_version(course)}"')
    assert 'addEventListener("fetch"' in response.text


def test_a_new_course_version_is_a_new_worker(course: Course, mini_course: Any) -> None:
    from aula.content import load_course

    other = load_course(mini_course)
    assert offline_version(other) != offline_version(course)


def test_every_address_of_the_lesson_pack_answers(client: TestClient, course: Course) -> None:
    pack = client.get(f"/api/lessons/{LESSON}/offline").json()
    assert pack["version"] == offline_version(course) and pack["lesson"] == LESSON
    urls = pack["urls"]
    slides = len(course.lesson(LESSON).slides)  # type: ignore[union-attr]
    for number in range(1, slides + 1):
        assert f"/lessons/{LESSON}/slides/{number}" in urls
    assert "/glossary" in urls and f"/lessons/{LESSON}/skills" in urls
    assert any("?view=terminal" in u for u in urls)
    assert "/api/instructor/offline-index" in urls
    for url in urls:
        assert client.get(url, follow_redirects=True).status_code == 200, url
    assert client.get("/api/lessons/nope/offline").status_code == 404


def test_a_queued_answer_is_graded_on_arrival_and_applied_once(
    client: TestClient, app: Starlette, course: Course
) -> None:
    token, version = csrf_token(client), offline_version(course)
    first = sync(client, [answer("answer-0001", token, version)], token)
    assert first[0]["status"] == "applied" and first[0]["correct"] is True
    replay = sync(client, [answer("answer-0001", token, version)], token)
    assert replay[0]["status"] == "duplicate" and replay[0]["answer_id"] == first[0]["answer_id"]

    learner = learner_of(app, client)
    assert len(store_of(app).answers(learner)) == 1
    assert store_of(app).synced_count(learner) == 1


def test_writes_apply_in_the_order_queued(
    client: TestClient, app: Starlette, course: Course
) -> None:
    token, version = csrf_token(client), offline_version(course)
    writes = [
        {"key": "view-0001", "kind": "view", "version": version, "token": token,
         "lesson_id": LESSON, "slide": 2},
        answer("order-0001", token, version, "midjourney"),
        answer("order-0002", token, version, "stable-diffusion"),
    ]  # fmt: skip
    results = sync(client, writes, token)
    assert [r["status"] for r in results] == ["applied"] * 3
    stored = store_of(app).answers(learner_of(app, client))
    assert [(a.attempt, a.correct) for a in stored] == [(1, False), (2, True)]
    assert store_of(app).position(learner_of(app, client), LESSON) == 2


def test_two_tabs_syncing_the_same_queue_at_once_count_each_answer_once(
    client: TestClient, app: Starlette, course: Course
) -> None:
    token, version = csrf_token(client), offline_version(course)
    queue = [
        answer("tab-a-0001", token, version, "midjourney"),
        answer("tab-b-0001", token, version),
    ]
    outcomes: list[list[dict[str, Any]]] = []

    def send() -> None:
        outcomes.append(sync(client, queue, token))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    stored = store_of(app).answers(learner_of(app, client))
    assert sorted(a.attempt for a in stored) == [1, 2]
    statuses = [r["status"] for results in outcomes for r in results]
    assert statuses.count("applied") == 2 and statuses.count("duplicate") == 6


def test_bad_writes_are_refused_with_a_reason_and_the_good_ones_apply(
    client: TestClient, app: Starlette, course: Course
) -> None:
    token, version = csrf_token(client), offline_version(course)
    with TestClient(app, base_url="http://aula.test") as other:
        other_token = csrf_token(other)
    writes = [
        answer("old-course-01", token, "0" * 32),  # a course version the server no longer has
        answer("other-learner", other_token, version),  # queued for another learner
        {**answer("tampered-0001", token, version), "question_id": "no-such-question"},
        {**answer("tampered-0002", token, version), "choice_ids": ["not-a-choice"]},
        {**answer("tampered-0003", token, version), "correct": True},  # a field it cannot set
        {"key": "bad key!", "kind": "answer"},
        {"key": "locked-00001", "kind": "answer", "version": version, "token": token,
         "lesson_id": LESSON, "question_id": "rl-weights-file", "choice_ids": ["trained-numbers"]},
        answer("good-0000001", token, version),
    ]  # fmt: skip
    results = sync(client, writes, token)
    statuses = [r["status"] for r in results]
    assert statuses == ["rejected"] * 7 + ["applied"]
    assert results[0]["reason"] == OLD_COURSE
    assert results[1]["reason"] == OTHER_LEARNER
    assert "no such question" in results[2]["reason"]
    assert "choices" in results[3]["reason"]
    assert "changed or damaged" in results[4]["reason"] and "correct" in results[4]["reason"]
    assert results[5]["key"] == "bad key!"
    assert all(r["reason"] for r in results[:7])
    stored = store_of(app).answers(learner_of(app, client))
    assert [a.attempt for a in stored] == [1]


def test_a_sync_needs_the_learners_csrf_token(client: TestClient, course: Course) -> None:
    token = csrf_token(client)
    body = {"writes": [answer("csrf-000001", token, offline_version(course))]}
    assert client.post("/api/sync", json=body).status_code == 403
    assert (
        client.post("/api/sync", json=body, headers={"x-csrf-token": "x" * 64}).status_code == 403
    )


@pytest.mark.parametrize(
    "body",
    [{"writes": "nope"}, {"writes": [{}] * 501}, {"writes": [], "extra": 1}, {}],
)
def test_a_body_that_is_not_a_queue_is_a_422(client: TestClient, body: dict[str, Any]) -> None:
    headers = {"x-csrf-token": csrf_token(client)}
    assert client.post("/api/sync", json=body, headers=headers).status_code == 422


def test_a_review_made_offline_is_applied_once(
    client: TestClient, app: Starlette, course: Course
) -> None:
    token, version = csrf_token(client), offline_version(course)

    def review(key: str, term: str, rating: int = 3) -> dict[str, Any]:
        return {"key": key, "kind": "review", "version": version, "token": token,
                "term_id": term, "rating": rating}  # fmt: skip

    seen = {"key": "view-slide-1", "kind": "view", "version": version, "token": token,
            "lesson_id": LESSON, "slide": 1}  # fmt: skip
    results = sync(
        client,
        [
            review("review-early", "weights"),  # no card yet: nothing to review
            seen,  # the slide shows the term: now it has a card
            review("review-00001", "weights"),
            review("review-00001", "weights"),
            review("review-00002", "no-such-term"),
            review("review-00003", "weights", rating=0),
        ],
        token,
    )
    assert [r["status"] for r in results] == [
        "rejected", "applied", "applied", "duplicate", "rejected", "rejected"
    ]  # fmt: skip
    assert "nothing to review" in results[0]["reason"]
    logs = store_of(app).review_logs(learner_of(app, client))
    assert [(log.item_id, log.rating) for log in logs] == [("weights", 3)]
