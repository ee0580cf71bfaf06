"""Progress that travels: resume codes between two browsers, export, streak, preferences."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course

from .conftest import csrf_token, view_slide

LESSON = "/lessons/open-vs-closed"


@pytest.fixture
def other(app: Starlette) -> Iterator[TestClient]:
    """A second browser on the same server."""
    with TestClient(app, base_url="http://aula.test", follow_redirects=False) as c:
        c.headers["accept"] = "text/html"
        yield c


def answer_first(client: TestClient, course: Course) -> None:
    q = course.lessons[0].skill_tree.nodes[0].questions[0]
    response = client.post(
        f"{LESSON}/questions/{q.id}",
        data={"csrf_token": csrf_token(client), "choice": sorted(q.correct_ids)},
    )
    assert response.status_code == 303


def new_code(client: TestClient) -> str:
    page = client.post("/progress/resume-code", data={"csrf_token": csrf_token(client)})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    found = re.search(r'<span class="code-box"[^>]*>([A-Z0-9-]+)</span>', page.text)
    assert found
    return found.group(1)


def answers(client: TestClient) -> int:
    count: int = client.get("/api/progress").json()["lessons"][0]["answers"]
    return count


def redeem(client: TestClient, code: str) -> tuple[int, str]:
    r = client.post("/resume", data={"csrf_token": csrf_token(client), "code": code})
    return r.status_code, r.text


def test_a_code_moves_progress_once_and_the_old_browser_stops(
    client: TestClient, other: TestClient, app: Starlette, course: Course
) -> None:
    answer_first(client, course)
    code = new_code(client)
    # the link opens a confirmation: a GET moves nothing
    confirm = other.get(f"/resume/{code.replace('-', '')}")
    assert confirm.status_code == 200 and "Move my progress here" in confirm.text
    assert answers(client) == 1
    status, _ = redeem(other, code.lower())
    assert status == 303
    assert answers(other) == 1
    # the old cookie no longer reaches the progress, and a write there says why
    assert answers(client) == 0
    first = course.lessons[0].questions[0]
    moved = client.post(
        f"{LESSON}/questions/{first.id}",
        data={"csrf_token": csrf_token(client), "choice": sorted(first.correct_ids)},
    )
    assert moved.status_code == 409 and "moved to another browser" in moved.text
    assert "aula_learner=" in moved.headers["set-cookie"]  # this browser starts afresh
    # single use
    with TestClient(app, base_url="http://aula.test", follow_redirects=False) as third:
        third.headers["accept"] = "text/html"
        status, text = redeem(third, code)
        assert status == 409 and "already used" in text
        assert answers(third) == 0
    assert answers(other) == 1


def test_bad_codes_get_a_clear_message_and_change_nothing(
    client: TestClient, other: TestClient, course: Course
) -> None:
    answer_first(client, course)
    answer_first(other, course)
    code = new_code(client)
    status, text = redeem(other, code)  # a browser with progress of its own
    assert status == 409 and "progress of its own" in text
    status, text = redeem(client, code)  # its own code
    assert status == 409 and "already holds that progress" in text
    status, text = redeem(other, "NOT-A-REAL-CODE")
    assert status == 409 and "not one this server gave out" in text
    status, _ = redeem(other, "x" * 500)
    assert status == 422
    assert answers(client) == 1 and answers(other) == 1


def test_export_is_ones_own_progress_as_json(client: TestClient, course: Course) -> None:
    answer_first(client, course)
    response = client.get("/api/progress/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["format"] == "aula-progress/1" and len(data["answers"]) == 1
    assert data["answers"][0]["correct"] is True


def test_streak_counts_answers_and_refuses_a_forged_date(
    client: TestClient, course: Course
) -> None:
    assert client.get("/api/progress/streak").json()["days"] == 0
    answer_first(client, course)
    client.cookies.set("aula_tz", "Europe/Madrid")
    streak = client.get("/api/progress/streak").json()
    assert streak["days"] == 1 and streak["today"] == 1 and streak["goal"] == 5
    forged = client.get("/api/progress/streak?today=2030-01-01")
    assert forged.status_code == 400 and "server's clock" in forged.json()["error"]["message"]
    client.cookies.set("aula_tz", "Mars/Olympus")  # an unknown zone: UTC, no error
    assert client.get("/api/progress/streak").json()["days"] == 1
    home = client.get("/").text
    assert "1 day in a row" in home and "Continue where you left off" not in home


def test_home_links_to_where_the_learner_left_off(client: TestClient) -> None:
    view_slide(client, 3)
    home = client.get("/").text
    assert "Continue where you left off" in home
    assert f'href="{LESSON}/slides/3"' in home


def test_theme_is_a_cookie_and_the_page_follows_it(client: TestClient, app: Starlette) -> None:
    page = client.get("/").text
    assert '<meta name="color-scheme" content="light dark">' in page
    assert '<meta name="description"' in page and 'rel="icon"' in page
    r = client.post(
        "/preferences/theme",
        data={"csrf_token": csrf_token(client), "theme": "dark", "return_to": "/glossary"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/glossary"
    assert 'data-theme="dark"' in client.get("/").text
    bad = client.post("/preferences/theme", data={"csrf_token": csrf_token(client), "theme": "x"})
    assert bad.status_code == 422
    assert client.get("/favicon.ico").headers["content-type"].startswith("image/svg+xml")
