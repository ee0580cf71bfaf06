"""Writes queued offline carry an idempotency key: the store applies each key once."""

from __future__ import annotations

import threading

import pytest

from aula.store import AlreadySynced, Store

from .helpers import at


def test_an_answer_with_a_key_is_stored_once(store: Store) -> None:
    first = store.record_answer("ana", "l", "n", "q", ["a"], True, at=at(0), sync_key="key-0001")
    with pytest.raises(AlreadySynced) as again:
        store.record_answer("ana", "l", "n", "q", ["a"], True, at=at(1), sync_key="key-0001")

    assert again.value.same_learner and again.value.answer_id == first.id
    assert [a.id for a in store.answers("ana")] == [first.id]
    assert store.synced_count("ana") == 1


def test_a_key_used_by_another_learner_is_refused_and_writes_nothing(store: Store) -> None:
    store.record_slide_view("ana", "l", "s1", 1, at=at(0), sync_key="key-0002")
    with pytest.raises(AlreadySynced) as taken:
        store.record_answer("ben", "l", "n", "q", ["a"], True, at=at(1), sync_key="key-0002")

    assert not taken.value.same_learner
    assert store.answers("ben") == []
    assert store.synced_count("ben") == 0


def test_views_and_reviews_with_a_key_apply_once(store: Store) -> None:
    store.record_slide_view("ana", "l", "s1", 1, at=at(0), sync_key="view-0001")
    with pytest.raises(AlreadySynced):
        store.record_slide_view("ana", "l", "s2", 2, at=at(1), sync_key="view-0001")
    assert store.position("ana", "l") == 1

    store.save_review_card("ana", "term", "vram", "{}", at(0))
    rated = store.rate_card("ana", "term", "vram", 3, lambda c: (c, at(5)), sync_key="rev-0001")
    assert rated is not None
    with pytest.raises(AlreadySynced):
        store.rate_card("ana", "term", "vram", 3, lambda c: (c, at(9)), sync_key="rev-0001")
    assert len(store.review_logs("ana")) == 1


@pytest.mark.parametrize("key", ["short", "has space-1", "x" * 65, "ünïcode-key"])
def test_a_malformed_key_is_refused_before_anything_is_written(store: Store, key: str) -> None:
    with pytest.raises(ValueError, match="sync_key"):
        store.record_answer("ana", "l", "n", "q", ["a"], True, sync_key=key)
    assert store.answers("ana") == []


def test_one_key_sent_by_many_threads_at_once_is_stored_once(store: Store) -> None:
    outcomes: list[str] = []

    def send() -> None:
        try:
            store.record_answer("ana", "l", "n", "q", ["a"], True, sync_key="race-0001")
            outcomes.append("stored")
        except AlreadySynced:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["duplicate"] * 7 + ["stored"]
    assert len(store.answers("ana")) == 1


def test_erasing_a_learner_erases_their_keys(store: Store) -> None:
    store.record_answer("ana", "l", "n", "q", ["a"], True, sync_key="gone-0001")
    assert store.reset_learner("ana")
    assert store.synced_count("ana") == 0
