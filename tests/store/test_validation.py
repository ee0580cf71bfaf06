"""Bad arguments raise ValueError with a message, on every method, before any SQL runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from aula.store import Store

from .helpers import at

Call = Callable[[Store], object]

NAIVE = datetime(2026, 3, 1, 9, 30)

CASES: list[tuple[str, Call, str]] = [
    ("empty learner", lambda s: s.ensure_learner(""), "learner_id is empty"),
    ("long learner", lambda s: s.position("x" * 129, "l"), "longer than 128"),
    ("learner not a string", lambda s: s.answers(42), "learner_id must be a string"),  # type: ignore[arg-type]
    ("space in id", lambda s: s.slides_seen("ana", "my lesson"), "spaces or control"),
    ("NUL in id", lambda s: s.reset_learner("a\x00b"), "spaces or control"),
    ("slide 0", lambda s: s.record_slide_view("a", "l", "s", 0), "slide_number must be between"),
    ("slide as bool", lambda s: s.record_slide_view("a", "l", "s", True), "must be an integer"),
    ("slide as str", lambda s: s.record_slide_view("a", "l", "s", "1"), "must be an integer"),  # type: ignore[arg-type]
    ("naive time", lambda s: s.record_slide_view("a", "l", "s", 1, at=NAIVE), "no time zone"),
    ("time as text", lambda s: s.record_slide_view("a", "l", "s", 1, at="now"), "datetime"),  # type: ignore[arg-type]
    ("choices as str", lambda s: s.record_answer("a", "l", "n", "q", "ab", True), "list of choice"),
    ("no choices", lambda s: s.record_answer("a", "l", "n", "q", [], True), "at least one"),
    ("repeated choice", lambda s: s.record_answer("a", "l", "n", "q", ["a", "a"], True), "repeats"),
    ("bad choice id", lambda s: s.record_answer("a", "l", "n", "q", [""], True), "choice id"),
    ("correct as int", lambda s: s.record_answer("a", "l", "n", "q", ["a"], 1), "true or false"),  # type: ignore[arg-type]
    ("empty question", lambda s: s.record_answer("a", "l", "n", "", ["a"], True), "question_id"),
    ("bad lesson filter", lambda s: s.answers("a", ""), "lesson_id is empty"),
    ("bad item kind", lambda s: s.review_card("a", "slide", "x"), "item_kind must be"),  # type: ignore[arg-type]
    ("card not JSON", lambda s: s.save_review_card("a", "term", "x", "{oops", at(0)), "not JSON"),
    ("card a list", lambda s: s.save_review_card("a", "term", "x", "[]", at(0)), "JSON object"),
    ("naive due", lambda s: s.save_review_card("a", "term", "x", "{}", NAIVE), "no time zone"),
    ("naive now", lambda s: s.due_reviews("a", NAIVE), "no time zone"),
    ("limit 0", lambda s: s.due_reviews("a", at(0), limit=0), "limit must be between"),
    ("rating 5", lambda s: s.log_review("a", "term", "x", 5), "rating must be between 1 and 4"),
    ("rating 0", lambda s: s.log_review("a", "node", "x", 0), "rating must be between 1 and 4"),
]


@pytest.mark.parametrize(
    ("call", "message"), [(c, m) for _, c, m in CASES], ids=[name for name, _, _ in CASES]
)
def test_bad_arguments_raise_value_error_with_a_message(
    store: Store, call: Call, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(store)


def test_a_refused_write_stores_nothing(store: Store) -> None:
    with pytest.raises(ValueError):
        store.record_answer("ana", "l", "n", "q", ["a", "a"], True)

    assert store.answers("ana") == []
    assert store.reset_learner("ana") is False  # not even the learner row was created


def test_a_huge_card_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="card_json is longer"):
        store.save_review_card("a", "term", "x", '{"pad": "' + "x" * 70_000 + '"}', at(0))
