"""A learner's state read from the snapshot and the answers after it is the full replay."""

from __future__ import annotations

import json
import random

from aula.content import Course
from aula.learning import skill_states
from aula.services.answers import answer_question
from aula.services.progress import attempt_of, lesson_state, snapshot_version
from aula.store import SnapshotRecord, Store


def answer_randomly(store: Store, course: Course, learner: str, n: int, seed: int) -> None:
    rng = random.Random(seed)
    lesson = course.lessons[0]
    questions = [q for node in lesson.skill_tree.nodes for q in node.questions]
    for _ in range(n):
        q = rng.choice(questions)
        choice = rng.choice(q.choices)
        answer_question(store, course, learner, q, [choice.id], allow_locked=True)


def test_the_snapshot_equals_replaying_every_answer(store: Store, course: Course) -> None:
    lesson = course.lessons[0]
    answer_randomly(store, course, "ana", 60, seed=1)
    state = lesson_state(store, course, "ana", lesson)
    everything = [attempt_of(a) for a in store.answers("ana", lesson.id)]
    full = skill_states(lesson, everything, course.mastery_threshold)
    assert state.states == full
    assert state.answers == 60
    # The page read only the answers after the snapshot: none, the last write moved it.
    records = store.lesson_records("ana", [lesson.id], snapshot_version(course))[lesson.id]
    assert records.snapshot is not None and records.answers == []


def test_a_stale_snapshot_is_not_kept(store: Store, course: Course) -> None:
    lesson = course.lessons[0]
    answer_randomly(store, course, "ben", 3, seed=2)
    state = lesson_state(store, course, "ben", lesson)
    snapshot = state.snapshot(snapshot_version(course))
    answer_randomly(store, course, "ben", 2, seed=3)
    later = lesson_state(store, course, "ben", lesson)
    # A snapshot claiming to fold in more answers than it did is refused by the store.
    forged = SnapshotRecord(
        snapshot.version, later.through_answer_id, snapshot.answers, snapshot.state_json
    )
    store.save_snapshot("ben", lesson.id, forged)
    kept = store.lesson_records("ben", [lesson.id], snapshot_version(course))[lesson.id].snapshot
    assert kept is not None and kept.answers == 5  # the true snapshot, not the forged one
    assert lesson_state(store, course, "ben", lesson).states == later.states
    assert json.loads(snapshot.state_json)["answers"] == 3


def test_a_new_course_version_replays_from_the_answers(store: Store, course: Course) -> None:
    lesson = course.lessons[0]
    answer_randomly(store, course, "cy", 10, seed=4)
    records = store.lesson_records("cy", [lesson.id], "another-version")[lesson.id]
    assert records.snapshot is None
    assert len(records.answers) == 10


def test_reading_creates_nobody(store: Store, course: Course) -> None:
    state = lesson_state(store, course, "nobody", course.lessons[0])
    assert state.answers == 0 and state.position is None
    assert store.answers("nobody") == []


def test_the_moment_of_the_last_answer_is_kept_with_the_snapshot(
    store: Store, course: Course
) -> None:
    """Showing what an answer changed needs no replay when it is the learner's last answer,
    and says the same as replaying the history up to it."""
    from aula.services.guided import answer_moment

    lesson = course.lessons[0]
    node = lesson.skill_tree.nodes[0]
    made = []
    for q in node.questions:
        right = [c.id for c in q.choices if c.correct]
        record = answer_question(store, course, "dee", q, right).record
        state = lesson_state(store, course, "dee", lesson, record.id)
        assert state.last_moment is not None and state.through_answer_id == record.id
        assert state.last_moment == answer_moment(store, course, "dee", lesson, record)
        made.append(state.last_moment)
    assert any(m.mastered == (node.title,) for m in made)  # the node was mastered on the way
