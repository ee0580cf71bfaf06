from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aula.store import Store

from .helpers import at, new_learner

SLIDE_IDS = st.sampled_from(["intro", "kingdoms", "terminal", "privacy", "costs"])


def test_a_new_learner_has_no_position_and_has_seen_nothing(store: Store) -> None:
    assert store.position("nobody", "open-vs-closed") is None
    assert store.slides_seen("nobody", "open-vs-closed") == frozenset()
    assert store.slide_views("nobody", "open-vs-closed") == []


def test_a_view_sets_the_position_and_marks_the_slide_seen(store: Store) -> None:
    store.record_slide_view("ana", "open-vs-closed", "intro", 1, at=at(0))
    store.record_slide_view("ana", "open-vs-closed", "kingdoms", 2, at=at(5))

    assert store.position("ana", "open-vs-closed") == 2
    assert store.slides_seen("ana", "open-vs-closed") == {"intro", "kingdoms"}


def test_going_back_moves_the_position_back(store: Store) -> None:
    store.record_slide_view("ana", "open-vs-closed", "kingdoms", 2, at=at(0))
    store.record_slide_view("ana", "open-vs-closed", "intro", 1, at=at(5))

    assert store.position("ana", "open-vs-closed") == 1


def test_seeing_a_slide_again_keeps_when_it_was_first_seen(store: Store) -> None:
    store.record_slide_view("ana", "open-vs-closed", "intro", 1, at=at(0))
    store.record_slide_view("ana", "open-vs-closed", "kingdoms", 2, at=at(5))
    store.record_slide_view("ana", "open-vs-closed", "intro", 1, at=at(60))

    views = store.slide_views("ana", "open-vs-closed")
    assert [(v.slide_id, v.first_seen_at, v.last_seen_at) for v in views] == [
        ("intro", at(0), at(60)),
        ("kingdoms", at(5), at(5)),
    ]


def test_lessons_and_learners_are_kept_apart(store: Store) -> None:
    store.record_slide_view("ana", "lesson-a", "intro", 3, at=at(0))
    store.record_slide_view("ana", "lesson-b", "other", 7, at=at(1))
    store.record_slide_view("ben", "lesson-a", "costs", 5, at=at(2))

    assert store.position("ana", "lesson-a") == 3
    assert store.position("ana", "lesson-b") == 7
    assert store.position("ben", "lesson-a") == 5
    assert store.slides_seen("ana", "lesson-a") == {"intro"}
    assert store.slides_seen("ben", "lesson-b") == frozenset()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(views=st.lists(st.tuples(SLIDE_IDS, st.integers(1, 40)), min_size=1, max_size=12))
def test_position_is_the_last_view_and_seen_is_every_view(
    store: Store, views: list[tuple[str, int]]
) -> None:
    learner = new_learner()
    for second, (slide_id, number) in enumerate(views):
        store.record_slide_view(learner, "lesson", slide_id, number, at=at(second))

    assert store.position(learner, "lesson") == views[-1][1]
    assert store.slides_seen(learner, "lesson") == {slide_id for slide_id, _ in views}
    first_seen = {v.slide_id: v.first_seen_at for v in store.slide_views(learner, "lesson")}
    for slide_id in first_seen:
        first = next(i for i, (s, _) in enumerate(views) if s == slide_id)
        assert first_seen[slide_id] == at(first)
