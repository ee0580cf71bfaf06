"""The guided lesson without JavaScript: slide, check, feedback, next question, the moment a
node is mastered, a locked slide that says what to do, and the summary at the end."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from aula.content import Course

from .conftest import csrf_token

LESSON = "/lessons/open-vs-closed"


def right_choices(course: Course, question_id: str) -> list[str]:
    question = course.question(question_id)
    assert question is not None
    return sorted(question.correct_ids)


def shown_question(html: str) -> str:
    found = re.search(r'data-question="([^"]+)"', html)
    assert found, "no question on the page"
    return found.group(1)


def answer(client: TestClient, course: Course, slide: int, qid: str, right: bool = True) -> str:
    """Answer as the plain form does, follow the redirect, return the page."""
    question = course.question(qid)
    assert question is not None
    choices = (
        right_choices(course, qid)
        if right
        else [next(c.id for c in question.choices if not c.correct)]
    )
    posted = client.post(
        f"{LESSON}/questions/{qid}",
        data={
            "csrf_token": csrf_token(client),
            "return_to": f"{LESSON}/slides/{slide}",
            "choice": choices,
        },
    )
    assert posted.status_code == 303, posted.text
    return client.get(posted.headers["location"]).text


def test_read_straight_through_answering_what_is_asked(client: TestClient, course: Course) -> None:
    page = client.get(f"{LESSON}/slides/1").text
    first = shown_question(page)
    page = answer(client, course, 1, first)
    assert "Correct!" in page and "Next question" in page
    assert "Mastered:" not in page
    link = re.search(r'href="([^"]+\?question=[^"#]+)#check"', page)
    assert link
    page = client.get(link.group(1)).text
    second = shown_question(page)
    assert second != first
    page = answer(client, course, 1, second)
    page = client.get(f"{LESSON}/slides/2").text
    third = shown_question(page)
    page = answer(client, course, 2, third)
    moment = re.search(r'<div class="moment" role="status">(.*?)</div>', page, re.S)
    assert moment, page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", moment.group(1)))
    assert "Mastered: The Two Kingdoms." in text and "Unlocked: The Great Divide" in text
    assert 'href="/lessons/open-vs-closed/slides/3"' in page  # Continue
    # the next slide's check is open now
    assert "Knowledge Check" in client.get(f"{LESSON}/slides/3").text
    assert (
        "🔒"
        not in client.get(f"{LESSON}/slides/3").text.split('id="check"')[1].split("</section>")[0]
    )


def test_a_locked_slide_is_readable_and_says_what_to_do(client: TestClient) -> None:
    page = client.get(f"{LESSON}/slides/4").text
    assert "The Walled Gardens" in page
    check = page.split('id="check"')[1].split("</section>")[0]
    assert "This check opens when you master The Great Divide" in check
    # the link goes to where the learner can answer: the first open node it waits for
    assert 'href="/lessons/open-vs-closed/slides/1#check"' in check
    assert "Master The Two Kingdoms first, on slide 1" in check
    assert 'name="choice"' not in check


def test_finish_leads_to_a_summary_with_a_json_twin(client: TestClient, course: Course) -> None:
    last = client.get(f"{LESSON}/slides/7").text
    assert f'action="{LESSON}/slides/7/next"' in last and "Finish" in last
    finish = client.post(f"{LESSON}/slides/7/next", data={"csrf_token": csrf_token(client)})
    assert finish.status_code == 303 and finish.headers["location"] == f"{LESSON}/summary"
    summary = client.get(f"{LESSON}/summary")
    assert summary.status_code == 200
    assert "Lesson summary" in summary.text and "What to do next" in summary.text
    twin = client.get(f"/api{LESSON}/summary").json()
    assert twin["slides_seen"] == 1 and twin["nodes_mastered"] == []  # "Finish" saw slide 7
    assert twin["next_steps"][0]["url"] == f"{LESSON}/slides/1"


def test_answers_for_a_locked_node_are_refused_and_not_saved(
    client: TestClient, course: Course
) -> None:
    locked = course.lessons[0].skill_tree.nodes[2].questions[0]
    response = client.post(
        f"{LESSON}/questions/{locked.id}",
        data={"csrf_token": csrf_token(client), "choice": right_choices(course, locked.id)},
    )
    assert response.status_code == 409
    assert "still locked" in response.text and "Nothing was saved" in response.text
    assert client.get("/api/progress").json()["lessons"][0]["answers"] == 0


def test_the_fragment_is_the_pages_own_check(client: TestClient, course: Course) -> None:
    page = client.get(f"{LESSON}/slides/2").text
    qid = shown_question(page)
    posted = client.post(
        f"{LESSON}/questions/{qid}",
        data={
            "csrf_token": csrf_token(client),
            "return_to": f"{LESSON}/slides/2",
            "choice": right_choices(course, qid),
        },
        headers={"x-aula-fragment": "1"},
    )
    where = posted.headers["location"]
    fragment = client.get(where, headers={"x-aula-fragment": "1"}).text
    full = client.get(where).text
    assert fragment.lstrip().startswith('<section class="knowledge-check" id="check"')
    assert 'id="lesson-progress"' in fragment and "<html" not in fragment
    check = fragment.split("</section>")[0]
    assert check in full  # the same renderer, byte for byte
