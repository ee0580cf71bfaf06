from __future__ import annotations

import pytest

from aula.content import Course
from aula.services.answers import NodeLocked, answer_question
from aula.services.guided import guided_slide, read_summary
from aula.store import Store


def answer_guided(store: Store, course: Course, learner: str, slide_number: int) -> str:
    """Answer right the question the check under the slide shows; return the moment text."""
    lesson = course.lessons[0]
    slide = lesson.slide(slide_number)
    assert slide is not None
    check = guided_slide(store, course, learner, lesson, slide).check
    assert check is not None and check.question is not None
    outcome = answer_question(
        store, course, learner, check.question, sorted(check.question.correct_ids)
    )
    shown = guided_slide(store, course, learner, lesson, slide, outcome.record.id).check
    assert shown is not None and shown.result is not None and shown.result.correct
    return shown.moment.text if shown.moment else ""


def test_the_guided_check_masters_the_first_node_on_the_third_answer(
    store: Store, course: Course
) -> None:
    moments = [answer_guided(store, course, "me", 1) for _ in range(3)]
    assert moments[:2] == ["", ""]
    assert moments[2].startswith("Mastered: The Two Kingdoms. Unlocked: The Great Divide")
    lesson = course.lessons[0]
    slide = lesson.slide(2)
    assert slide is not None
    after = guided_slide(store, course, "me", lesson, slide).check
    assert after is not None and after.mastered and after.question is None


def test_a_locked_slide_points_to_the_open_node_it_waits_for(store: Store, course: Course) -> None:
    lesson = course.lessons[0]
    slide = lesson.slide(6)  # Privacy and IP waits for two nodes, each waiting for others
    assert slide is not None
    check = guided_slide(store, course, "me", lesson, slide).check
    assert check is not None and check.locked and check.question is None
    assert check.unlock_title == "The Two Kingdoms" and check.unlock_slide is not None
    assert check.unlock_slide.number == 1


def test_an_answer_to_a_locked_node_is_refused_before_anything_is_stored(
    store: Store, course: Course
) -> None:
    locked = course.lessons[0].skill_tree.nodes[1].questions[0]
    with pytest.raises(NodeLocked, match="still locked"):
        answer_question(store, course, "me", locked, sorted(locked.correct_ids))
    assert store.answers("me") == []


def test_the_summary_counts_what_was_done(store: Store, course: Course) -> None:
    for _ in range(3):
        answer_guided(store, course, "me", 1)
    summary = read_summary(store, course, "me", course.lessons[0])
    assert summary.nodes_mastered == ("The Two Kingdoms",)
    assert summary.first_try_right == 3 and summary.questions_answered == 3
    assert any(r.kind == "node" for r in summary.reviews)
