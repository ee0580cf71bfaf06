"""A server with an LRS configured: answers through the web reach it from the background
deliverer the app starts, and the learner's request never waits for the LRS."""

from __future__ import annotations

import json
import time

from starlette.testclient import TestClient

from aula.content import Course
from aula.services.sync import offline_version
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

from ..services.lrs import Impostor
from .conftest import SECRET, csrf_token


def test_answers_reach_the_lrs_through_the_apps_deliverer(
    course: Course, database_url: str
) -> None:
    q = course.lessons[0].skill_tree.nodes[0].questions[0]
    with Store.open(database_url) as store, Impostor([(503, b"busy")]) as lrs:
        settings = Settings(embeddings="off", lrs_url=lrs.url, public_url="https://aula.test")
        app = create_app(Aula(settings, course, store, Identity(SECRET)))
        with TestClient(app, base_url="http://aula.test") as client:
            body = {"question_id": q.id, "choice_ids": sorted(q.correct_ids)}
            response = client.post(
                "/api/answers", json=body, headers={"x-csrf-token": csrf_token(client)}
            )
            assert response.status_code == 200
            deadline = time.monotonic() + 20
            while store.outbox_pending() and time.monotonic() < deadline:
                time.sleep(0.1)
        assert store.outbox_pending() == []
    assert lrs.posts >= 2  # the 503 first, then the retry that was acknowledged
    verbs = sorted(s["verb"]["display"]["en-US"] for s in lrs.stored.values())
    assert "answered" in verbs
    answered = next(s for s in lrs.stored.values() if s["verb"]["display"]["en-US"] == "answered")
    assert answered["object"]["id"].startswith("https://aula.test/lessons/open-vs-closed/nodes/")


def test_an_answer_synced_from_offline_is_reported_once(course: Course, database_url: str) -> None:
    # No LRS answers (deliver=False): the statements stay in the outbox, where we count them.
    settings = Settings(
        embeddings="off", lrs_url="http://127.0.0.1:9/xapi", public_url="https://a.test"
    )
    with Store.open(database_url) as store:
        app = create_app(Aula(settings, course, store, Identity(SECRET)), deliver=False)
        with TestClient(app) as client:
            token = csrf_token(client)
            write = {
                "key": "offline-answer-1",
                "kind": "answer",
                "version": offline_version(course),
                "token": token,
                "lesson_id": "open-vs-closed",
                "question_id": "tk-runs-locally",
                "choice_ids": ["stable-diffusion"],
            }
            for _ in range(2):  # the same queue sent twice: one answer, one report
                response = client.post(
                    "/api/sync", json={"writes": [write]}, headers={"x-csrf-token": token}
                )
                assert response.status_code == 200, response.text
        payloads = [json.loads(m.payload) for m in store.outbox_pending() if m.kind == "xapi"]
    statements = [s for p in payloads for s in (p if isinstance(p, list) else [p])]
    answered = [s for s in statements if s["verb"]["display"]["en-US"] == "answered"]
    assert len(answered) == 1
    assert answered[0]["object"]["id"].endswith("tk-runs-locally")
