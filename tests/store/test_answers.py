from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aula.store import AnswerRecord, Store

from .helpers import at, new_learner

QUESTIONS = st.sampled_from(
    [("two-kingdoms", "runs-locally"), ("two-kingdoms", "privacy"), ("costs", "bill")]
)
CHOICES = st.sets(st.sampled_from(["a", "b", "c", "d"]), min_size=1)


def test_an_answer_comes_back_as_recorded(store: Store) -> None:
    recorded = store.record_answer(
        "ana", "open-vs-closed", "two-kingdoms", "runs-locally", ["b"], True, at=at(0)
    )

    assert recorded.attempt == 1
    assert recorded.choice_ids == ("b",)
    assert recorded.answered_at == at(0)
    assert store.answers("ana") == [recorded]
    assert store.answers("ana", "open-vs-closed") == [recorded]


def test_attempts_count_per_question(store: Store) -> None:
    first = store.record_answer("ana", "l", "n", "q1", ["a"], False, at=at(0))
    other = store.record_answer("ana", "l", "n", "q2", ["a"], True, at=at(1))
    second = store.record_answer("ana", "l", "n", "q1", ["b"], True, at=at(2))
    elsewhere = store.record_answer("ana", "l2", "n", "q1", ["b"], True, at=at(3))
    someone_else = store.record_answer("ben", "l", "n", "q1", ["b"], True, at=at(4))

    assert (first.attempt, other.attempt, second.attempt) == (1, 1, 2)
    assert elsewhere.attempt == 1
    assert someone_else.attempt == 1


def test_choices_are_stored_sorted(store: Store) -> None:
    recorded = store.record_answer("ana", "l", "n", "q", ["c", "a", "b"], False, at=at(0))

    assert recorded.choice_ids == ("a", "b", "c")
    assert store.answers("ana")[0].choice_ids == ("a", "b", "c")


def test_answers_come_back_in_time_order_even_if_recorded_out_of_order(store: Store) -> None:
    late = store.record_answer("ana", "l", "n", "q", ["a"], False, at=at(60))
    early = store.record_answer("ana", "l", "n", "q", ["b"], True, at=at(0))

    assert store.answers("ana") == [early, late]
    # The attempt number follows the order the server received the answers.
    assert (late.attempt, early.attempt) == (1, 2)


def test_the_lesson_filter_keeps_only_that_lesson(store: Store) -> None:
    a = store.record_answer("ana", "lesson-a", "n", "q", ["a"], True, at=at(0))
    store.record_answer("ana", "lesson-b", "n", "q", ["a"], True, at=at(1))

    assert store.answers("ana", "lesson-a") == [a]
    assert len(store.answers("ana")) == 2


def test_times_in_other_zones_come_back_as_the_same_instant_in_utc(store: Store) -> None:
    madrid = timezone(timedelta(hours=1))
    when = at(0).astimezone(madrid)

    recorded = store.record_answer("ana", "l", "n", "q", ["a"], True, at=when)

    (stored,) = store.answers("ana")
    assert stored.answered_at == when
    assert stored.answered_at.utcoffset() == timedelta(0)
    assert recorded == stored


def test_without_a_time_the_answer_is_stamped_now(store: Store) -> None:
    recorded = store.record_answer("ana", "l", "n", "q", ["a"], True)

    assert recorded.answered_at.utcoffset() == timedelta(0)
    assert store.answers("ana") == [recorded]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    given_answers=st.lists(
        st.tuples(QUESTIONS, CHOICES, st.booleans(), st.integers(0, 10**9)), max_size=15
    )
)
def test_any_answers_come_back_in_order_with_their_attempt_numbers(
    store: Store, given_answers: list[tuple[tuple[str, str], set[str], bool, int]]
) -> None:
    learner = new_learner()
    seen: Counter[tuple[str, str]] = Counter()
    expected: list[AnswerRecord] = []
    elapsed = 0
    for (node, question), choices, correct, step_us in given_answers:
        elapsed += step_us
        when = at(elapsed / 1e6)
        recorded = store.record_answer(learner, "lesson", node, question, choices, correct, when)
        seen[node, question] += 1
        assert recorded.attempt == seen[node, question]
        assert recorded.choice_ids == tuple(sorted(choices))
        assert recorded.correct is correct
        expected.append(recorded)

    assert store.answers(learner) == expected


def _record_many(store: Store, worker: int, count: int, errors: list[BaseException]) -> None:
    try:
        for i in range(count):
            question = f"q{(worker + i) % 3}"
            store.record_answer("crowd", "lesson", "node", question, [f"c{worker}"], i % 2 == 0)
    except BaseException as error:  # reported by the test, not lost in the thread
        errors.append(error)


def _assert_consistent(answers: list[AnswerRecord], total: int) -> None:
    assert len(answers) == total
    assert len({a.id for a in answers}) == total
    by_question = Counter(a.question_id for a in answers)
    for question, count in by_question.items():
        attempts = sorted(a.attempt for a in answers if a.question_id == question)
        assert attempts == list(range(1, count + 1))


def test_concurrent_writers_lose_nothing_and_number_attempts_consistently(store: Store) -> None:
    workers, each = 8, 15
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_record_many, args=(store, w, each, errors)) for w in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    _assert_consistent(store.answers("crowd"), workers * each)


def test_two_stores_on_one_sqlite_file_serialize_through_the_file_lock(tmp_path: Path) -> None:
    # Two Store objects stand in for two server processes: no shared Python lock between them.
    path = str(tmp_path / "shared.db")
    errors: list[BaseException] = []
    with Store.open(path) as first, Store.open(path) as second:
        threads = [
            threading.Thread(target=_record_many, args=(first if w % 2 else second, w, 10, errors))
            for w in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        _assert_consistent(first.answers("crowd"), 60)
