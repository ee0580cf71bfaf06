from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aula.content import load_course
from aula.learning import (
    Rating,
    ReviewCard,
    ReviewItem,
    card_for,
    due,
    items_to_schedule,
    new_card,
    rate,
    rating_from_answer,
    review_question,
    skill_states,
)

from .builders import T0, History, node, question

ratings = st.sampled_from(list(Rating))
gaps = st.integers(0, 60 * 24 * 90).map(lambda m: timedelta(minutes=m))


def replay(steps: list[tuple[Rating, timedelta]]) -> tuple[str, datetime]:
    card = new_card(T0, ReviewItem("term", "weights"))
    card_json, when = card.card_json, card.due
    for rating, gap in steps:
        when += gap
        card_json, _due = rate(card_json, rating, when)
    return card_json, when


def test_a_new_card_is_due_now_and_valid_json() -> None:
    card = new_card(T0)
    assert card.due == T0
    data = json.loads(card.card_json)
    assert data["due"] == T0.isoformat() and data["last_review"] is None


@settings(deadline=None)
@given(st.lists(st.tuples(ratings, gaps), max_size=8), gaps)
def test_again_brings_a_card_back_sooner_than_good(
    steps: list[tuple[Rating, timedelta]], gap: timedelta
) -> None:
    card_json, when = replay(steps)
    now = when + gap
    _, after_again = rate(card_json, Rating.Again, now)
    _, after_hard = rate(card_json, Rating.Hard, now)
    _, after_good = rate(card_json, Rating.Good, now)
    _, after_easy = rate(card_json, Rating.Easy, now)
    assert now < after_again < after_good
    assert after_again <= after_hard <= after_good <= after_easy


@settings(deadline=None)
@given(st.lists(st.tuples(ratings, gaps), max_size=8))
def test_schedules_are_deterministic_and_round_trip_through_json(
    steps: list[tuple[Rating, timedelta]],
) -> None:
    card_json, when = replay(steps)
    assert replay(steps) == (card_json, when)  # no fuzz, no clock
    from fsrs import Card

    assert Card.from_json(card_json).to_json() == card_json
    assert json.loads(card_json) == json.loads(json.dumps(json.loads(card_json)))


def test_times_must_be_aware_and_are_read_in_utc() -> None:
    with pytest.raises(ValueError, match="timezone"):
        new_card(datetime(2025, 1, 1))
    plus_two = timezone(timedelta(hours=2))
    card = new_card(T0)
    local = T0.astimezone(plus_two)
    assert rate(card.card_json, Rating.Good, local) == rate(card.card_json, Rating.Good, T0)
    assert rate(card.card_json, Rating.Good, local)[1].utcoffset() == timedelta(0)


def test_first_cards_for_terms_and_nodes() -> None:
    term = card_for(ReviewItem("term", "vram"), T0)
    assert term.due == T0 + timedelta(days=1)
    node_card = card_for(ReviewItem("node", "n0"), T0)
    # the mastery counted as a good recall: FSRS's first interval, at least a day away
    assert node_card.due >= T0 + timedelta(days=1)
    assert (
        node_card.due == rate(new_card(T0, ReviewItem("node", "n0")).card_json, Rating.Good, T0)[1]
    )
    assert card_for(ReviewItem("term", "vram"), T0, timedelta(0)).due == T0


def test_rating_from_answer() -> None:
    assert rating_from_answer(True, 1) == Rating.Good
    assert rating_from_answer(True, 2) == Rating.Hard
    assert rating_from_answer(False, 1) == Rating.Again
    assert rating_from_answer(False, 3) == Rating.Again


@dataclass(frozen=True)
class StoredCard:  # the shape of the store's ReviewCardRecord
    item_id: str
    due: datetime


def test_due_keeps_what_is_due_soonest_first() -> None:
    cards = [
        StoredCard("later", T0 + timedelta(days=2)),
        StoredCard("now", T0),
        StoredCard("yesterday", T0 - timedelta(days=1)),
    ]
    assert [c.item_id for c in due(cards, T0)] == ["yesterday", "now"]
    assert due([ReviewCard("{}", T0)], T0 - timedelta(seconds=1)) == []


def test_items_to_schedule(mini_course: Path) -> None:
    course = load_course(mini_course, run_snippets=False)
    le = course.lessons[0]
    first, second = le.skill_tree.nodes
    assert items_to_schedule(course, le, skill_states(le, [], 0.9)) == [
        ReviewItem("term", "weights")  # the open node's term; the locked node's are not met yet
    ]
    h = History()
    for q in first.questions:
        h.answer(q, True)
    while not skill_states(le, h.attempts, 0.9)["first"].mastery.mastered:
        h.answer(first.questions[0], True)
    items = items_to_schedule(course, le, skill_states(le, h.attempts, 0.9))
    assert items[-1] == ("node", "first")
    assert set(items[:-1]) >= {("term", "weights")}
    # a node that falls back keeps its card: the list only grows
    h.answer(first.questions[0], False)
    for _ in range(5):
        h.answer(first.questions[1], False)
    states = skill_states(le, h.attempts, 0.9)
    assert states["first"].state == "in_progress"
    assert items_to_schedule(course, le, states) == items
    assert second.id not in [i.id for i in items if i.kind == "node"]


def test_review_question_cycles_through_a_nodes_questions() -> None:
    qs = [question(f"q{i}") for i in range(3)]
    n = node("n0", qs)
    h = History()
    assert review_question(n, []) == qs[0]
    h.answer(qs[0], True)
    h.answer(qs[2], True)
    assert review_question(n, h.attempts) == qs[1]
    h.answer(qs[1], True)
    assert review_question(n, h.attempts) == qs[0]
    assert review_question(node("empty"), h.attempts) is None
