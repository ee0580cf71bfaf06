"""Spaced review: cards appear for what the learner met and mastered, come due, and are
rescheduled from the learner's rating or answer. Time passes by moving a card's due date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course
from aula.store import ItemKind
from aula.web.app import Aula

from .conftest import csrf_token, view_slide
from .test_skills import master


def aula_of(app: Starlette) -> Aula:
    aula: Aula = app.state.aula
    return aula


def learner_of(client: TestClient, app: Starlette) -> str:
    cookie = client.cookies.get("aula_learner")
    assert cookie is not None
    learner = aula_of(app).identity.unsign(cookie)
    assert learner is not None
    return learner


def make_due(app: Starlette, learner: str, kind: ItemKind, item_id: str) -> None:
    """Pretend the card's day has come: its due time moves into the past."""
    store = aula_of(app).store
    card = store.review_card(learner, kind, item_id)
    assert card is not None
    past = datetime.now(UTC) - timedelta(minutes=1)
    store.save_review_card(learner, kind, item_id, card.card_json, past)


def test_terms_met_on_a_slide_are_scheduled_for_tomorrow(
    client: TestClient, app: Starlette, course: Course
) -> None:
    client.get("/lessons/open-vs-closed/slides/1")
    store = aula_of(app).store
    assert store.review_cards(learner_of(client, app)) == []  # a GET schedules nothing
    view_slide(client, 1)
    cards = store.review_cards(learner_of(client, app))
    assert {c.item_kind for c in cards} == {"term"}
    assert {c.item_id for c in cards} == set(course.lessons[0].slides[0].terms)
    assert all(c.due > datetime.now(UTC) + timedelta(hours=20) for c in cards)
    assert client.get("/api/review").json()["due"] == []
    assert "Nothing is due right now." in client.get("/review").text


def test_a_due_term_is_shown_and_rescheduled_by_rating(client: TestClient, app: Starlette) -> None:
    view_slide(client, 1)
    learner = learner_of(client, app)
    make_due(app, learner, "term", "saas")
    assert "1 review due" in client.get("/").text
    page = client.get("/review").text
    assert "Glossary card" in page
    assert "SaaS" in page
    token = csrf_token(client)
    response = client.post("/review/terms/saas", data={"rating": "good", "csrf_token": token})
    assert response.status_code == 303
    card = aula_of(app).store.review_card(learner, "term", "saas")
    assert card is not None
    assert card.due > datetime.now(UTC)
    assert [log.rating for log in aula_of(app).store.review_logs(learner)] == [3]


def test_again_comes_back_sooner_than_easy(client: TestClient, app: Starlette) -> None:
    view_slide(client, 1)
    learner = learner_of(client, app)
    token = csrf_token(client)
    dues = {}
    for term, rating in (("saas", "again"), ("midjourney", "easy")):
        make_due(app, learner, "term", term)
        body = {"kind": "term", "id": term, "rating": rating}
        data = client.post("/api/review", json=body, headers={"x-csrf-token": token}).json()
        dues[rating] = datetime.fromisoformat(data["due"])
    assert dues["again"] < dues["easy"]


def test_a_mastered_node_comes_back_as_a_question(
    client: TestClient, app: Starlette, course: Course
) -> None:
    master(client, course, "two-kingdoms")
    learner = learner_of(client, app)
    store = aula_of(app).store
    for card in store.review_cards(learner):
        if card.item_kind == "term":
            store.save_review_card(
                learner,
                "term",
                card.item_id,
                card.card_json,
                datetime.now(UTC) + timedelta(days=30),
            )
    make_due(app, learner, "node", "two-kingdoms")
    data = client.get("/api/review").json()
    assert data["next"]["kind"] == "node"
    question = data["next"]["question"]
    assert "correct" not in str(question)
    page = client.get("/review").text
    assert "Skill: The Two Kingdoms" in page
    q = course.question(question["id"])
    assert q is not None
    wrong = next(c.id for c in q.choices if not c.correct)
    response = client.post(
        "/review/nodes/two-kingdoms",
        data={"question_id": q.id, "choice": wrong, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 303
    result = client.get(response.headers["location"]).text
    assert "Not quite." in result
    assert [log.rating for log in store.review_logs(learner)] == [1]  # wrong → Again
    node_card = store.review_card(learner, "node", "two-kingdoms")
    assert node_card is not None
    assert node_card.due < datetime.now(UTC) + timedelta(hours=1)  # relearning: back in minutes


def test_review_rating_must_be_known(client: TestClient, app: Starlette) -> None:
    client.get("/lessons/open-vs-closed/slides/1")
    token = csrf_token(client)
    response = client.post("/review/terms/saas", data={"rating": "meh", "csrf_token": token})
    assert response.status_code == 422
    response = client.post("/review/terms/not-a-card", data={"rating": "good", "csrf_token": token})
    assert response.status_code == 404
