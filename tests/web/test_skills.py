"""The skill tree page and its twin: nodes lock, open and get mastered by answers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.testclient import TestClient

from aula.content import Course

from .conftest import csrf_token


def master(client: TestClient, course: Course, node_id: str) -> None:
    """Answer every question of the node right on the first try, through the JSON API."""
    node = course.lessons[0].skill_tree.node(node_id)
    assert node is not None
    token = csrf_token(client)
    for q in node.questions:
        body = {"question_id": q.id, "choice_ids": sorted(q.correct_ids)}
        response = client.post("/api/answers", json=body, headers={"x-csrf-token": token})
        assert response.status_code == 200
        assert response.json()["correct"] is True


def states(client: TestClient) -> dict[str, str]:
    data = client.get("/api/lessons/open-vs-closed/skills").json()
    return {n["id"]: n["state"] for n in data["nodes"]}


def test_a_new_learner_sees_only_the_first_node_open(client: TestClient) -> None:
    data = client.get("/api/lessons/open-vs-closed/skills").json()
    assert data["title"] == "AI Model Ecosystems"
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["two-kingdoms"]["state"] == "available"
    assert nodes["great-divide"]["state"] == "locked"
    assert nodes["great-divide"]["missing_prerequisites"] == ["The Two Kingdoms"]
    assert nodes["two-kingdoms"]["rule"].startswith("Answer")


def test_mastering_a_node_unlocks_its_dependents(client: TestClient, course: Course) -> None:
    master(client, course, "two-kingdoms")
    after = states(client)
    assert after["two-kingdoms"] == "mastered"
    assert after["great-divide"] == "available"
    assert after["walled-gardens"] == "locked"


def test_wrong_answers_on_a_locked_node_change_nothing(client: TestClient, course: Course) -> None:
    node = course.lessons[0].skill_tree.node("great-divide")
    assert node is not None
    q = node.questions[0]
    token = csrf_token(client)
    client.post(
        "/api/answers",
        json={"question_id": q.id, "choice_ids": sorted(q.correct_ids)},
        headers={"x-csrf-token": token},
    )
    assert states(client)["great-divide"] == "locked"


def test_the_page_draws_the_map_as_svg_with_states(client: TestClient, course: Course) -> None:
    master(client, course, "two-kingdoms")
    page = client.get("/lessons/open-vs-closed/skills")
    assert page.status_code == 200
    svg = page.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    root = ET.fromstring("<svg" + svg + "</svg>")
    titles = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert any(t.startswith("The Two Kingdoms: mastered") for t in titles)
    assert any("Master" in t and "to unlock it" in t for t in titles)
    assert 'href="/lessons/open-vs-closed/nodes/great-divide"' in svg
    assert "Master The Walled Gardens" in page.text or "to unlock it" in page.text


def test_skills_shortcut_and_unknown_lesson(client: TestClient) -> None:
    assert client.get("/skills").headers["location"] == "/lessons/open-vs-closed/skills"
    assert client.get("/lessons/nope/skills").status_code == 404


def test_locked_node_page_hides_its_checks(client: TestClient) -> None:
    page = client.get("/lessons/open-vs-closed/nodes/privacy-and-ip").text
    assert "Locked: first master" in page
    assert 'name="choice"' not in page


def test_home_and_player_show_progress_per_node(client: TestClient, course: Course) -> None:
    master(client, course, "two-kingdoms")
    home = client.get("/").text
    assert "1 of 6 skills mastered" in home
    assert "⭐ Mastered</span> The Two Kingdoms" in home
    player = client.get("/lessons/open-vs-closed/slides/2").text
    assert "You mastered this skill" in player
