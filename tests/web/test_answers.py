"""Answering knowledge checks with plain forms: CSRF, grading, feedback, durability."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from aula.content import Course

from .conftest import csrf_token

SEED_QUESTION = "/lessons/open-vs-closed/questions/{qid}"


def seed_question(course: Course) -> tuple[str, str, str]:
    """The seed's knowledge check: its id, a wrong choice and the right choice."""
    q = course.lessons[0].skill_tree.nodes[0].questions[0]
    assert "your own computer" in q.prompt.text
    wrong = next(c.id for c in q.choices if not c.correct)
    right = next(c.id for c in q.choices if c.correct)
    return q.id, wrong, right


def post_answer(client: TestClient, qid: str, choices: list[str], token: str | None) -> object:
    data: dict[str, object] = {"choice": choices, "return_to": "/lessons/open-vs-closed/slides/2"}
    if token is not None:
        data["csrf_token"] = token
    return client.post(SEED_QUESTION.format(qid=qid), data=data)


def test_answer_without_csrf_token_is_refused_and_not_stored(
    client: TestClient, course: Course
) -> None:
    qid, _, right = seed_question(course)
    client.get("/")
    response = client.post(SEED_QUESTION.format(qid=qid), data={"choice": right})
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert client.get("/api/progress").json()["lessons"][0]["answers"] == 0


def test_answer_with_another_learners_token_is_refused(
    client: TestClient, app: object, course: Course
) -> None:
    qid, _, right = seed_question(course)
    with TestClient(app, base_url="http://aula.test") as other:  # type: ignore[arg-type]
        foreign = csrf_token(other)
    client.get("/")
    assert post_answer(client, qid, [right], foreign).status_code == 403  # type: ignore[attr-defined]


def test_cross_site_origin_is_refused_even_with_a_token(client: TestClient, course: Course) -> None:
    qid, _, right = seed_question(course)
    token = csrf_token(client)
    response = client.post(
        SEED_QUESTION.format(qid=qid),
        data={"choice": right, "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_wrong_then_right_shows_feedback_and_explanation(
    client: TestClient, course: Course
) -> None:
    qid, wrong, right = seed_question(course)
    question = course.question(qid)
    assert question is not None
    token = csrf_token(client)

    response = post_answer(client, qid, [wrong], token)
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"/lessons/open-vs-closed/slides/2\?answer=\d+#check", location)
    page = client.get(location).text
    assert "Not quite." in page
    wrong_feedback = question.choice(wrong).feedback  # type: ignore[union-attr]
    assert wrong_feedback is not None
    assert wrong_feedback.html in page
    assert question.explanation.html in page
    assert "Try again" in page

    page = client.get(post_answer(client, qid, [right], token).headers["location"]).text  # type: ignore[attr-defined]
    assert "Correct!" in page
    right_feedback = question.choice(right).feedback  # type: ignore[union-attr]
    assert right_feedback is not None
    assert right_feedback.html in page

    answers = client.get("/api/progress").json()["lessons"][0]
    assert answers["answers"] == 2


def test_another_learners_answer_id_shows_nothing(
    client: TestClient, app: object, course: Course
) -> None:
    qid, wrong, _ = seed_question(course)
    location = post_answer(client, qid, [wrong], csrf_token(client)).headers["location"]  # type: ignore[attr-defined]
    with TestClient(app, base_url="http://aula.test") as other:  # type: ignore[arg-type]
        page = other.get(location).text
    assert "Not quite." not in page


def test_no_choice_is_a_422_with_a_message(client: TestClient, course: Course) -> None:
    qid, _, _ = seed_question(course)
    response = post_answer(client, qid, [], csrf_token(client))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Pick an answer first." in response.text  # type: ignore[attr-defined]


def test_unknown_choice_is_a_422(client: TestClient, course: Course) -> None:
    qid, _, _ = seed_question(course)
    response = post_answer(client, qid, ["not-a-choice"], csrf_token(client))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "not one of this question" in response.text  # type: ignore[attr-defined]


def test_unknown_question_is_a_404(client: TestClient) -> None:
    response = client.post(
        SEED_QUESTION.format(qid="nope"), data={"choice": "a", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 404


def test_malformed_form_body_is_a_400_not_a_traceback(client: TestClient, course: Course) -> None:
    qid, _, _ = seed_question(course)
    token = csrf_token(client)
    response = client.post(
        SEED_QUESTION.format(qid=qid),
        content=b"--broken\r\nnot a multipart body",
        headers={"content-type": "multipart/form-data; boundary=broken", "x-csrf-token": token},
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


def test_return_to_cannot_leave_the_site(client: TestClient, course: Course) -> None:
    qid, _, right = seed_question(course)
    token = csrf_token(client)
    for target in ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)"]:
        response = client.post(
            SEED_QUESTION.format(qid=qid),
            data={"choice": right, "csrf_token": token, "return_to": target},
        )
        assert response.status_code == 303
        assert response.headers["location"].startswith("/lessons/open-vs-closed/nodes/")


def test_answers_survive_a_restart(app: object, course: Course, database_url: str) -> None:
    """A new app on the same database (a restarted server) finds the learner's answer."""
    from aula.settings import Settings
    from aula.store import Store
    from aula.web.app import Aula, create_app
    from aula.web.identity import Identity

    from .conftest import SECRET

    qid, _, right = seed_question(course)
    with TestClient(app, base_url="http://aula.test", follow_redirects=False) as first:  # type: ignore[arg-type]
        assert post_answer(first, qid, [right], csrf_token(first)).status_code == 303  # type: ignore[attr-defined]
        cookie = first.cookies.get("aula_learner")
        assert cookie is not None
    store = Store.open(database_url)
    restarted = create_app(Aula(Settings(), course, store, Identity(SECRET)))
    with TestClient(
        restarted, base_url="http://aula.test", cookies={"aula_learner": cookie}
    ) as again:
        progress = again.get("/api/progress").json()["lessons"][0]
    store.close()
    assert progress["answers"] == 1


def test_erase_progress(client: TestClient, course: Course) -> None:
    qid, _, right = seed_question(course)
    token = csrf_token(client)
    post_answer(client, qid, [right], token)
    assert client.post("/progress/reset", data={"csrf_token": token}).status_code == 303
    assert client.get("/api/progress").json()["lessons"][0]["answers"] == 0
