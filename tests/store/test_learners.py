from __future__ import annotations

from aula.store import Store

from .helpers import at


def fill(store: Store, learner: str) -> None:
    store.record_slide_view(learner, "lesson", "intro", 1, at=at(0))
    store.record_answer(learner, "lesson", "node", "q", ["a"], True, at=at(1))
    store.save_review_card(learner, "term", "gguf", "{}", at(2))
    store.log_review(learner, "term", "gguf", 3, at=at(3))


def everything(store: Store, learner: str) -> tuple[object, ...]:
    return (
        store.position(learner, "lesson"),
        store.slides_seen(learner, "lesson"),
        store.answers(learner),
        store.review_cards(learner),
        store.review_logs(learner),
    )


def test_ensure_learner_is_idempotent_and_stores_nothing_else(store: Store) -> None:
    store.ensure_learner("ana")
    store.ensure_learner("ana")

    assert everything(store, "ana") == (None, frozenset(), [], [], [])


def test_reset_erases_the_learner_and_nobody_else(store: Store) -> None:
    fill(store, "ana")
    fill(store, "ben")
    bens_before = everything(store, "ben")

    assert store.reset_learner("ana") is True

    assert everything(store, "ana") == (None, frozenset(), [], [], [])
    assert everything(store, "ben") == bens_before


def test_resetting_an_unknown_learner_reports_nothing_erased(store: Store) -> None:
    assert store.reset_learner("nobody") is False


def test_a_reset_learner_starts_again_from_attempt_one(store: Store) -> None:
    fill(store, "ana")
    store.reset_learner("ana")

    again = store.record_answer("ana", "lesson", "node", "q", ["b"], False, at=at(9))

    assert again.attempt == 1
    assert store.answers("ana") == [again]
