from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from aula.content import load_course
from aula.learning import guided_question, lesson_summary, skill_states

from .builders import T0, History


def test_the_summary_of_a_learner_who_mastered_the_first_node() -> None:
    course = load_course(run_snippets=False)
    lesson = course.lessons[0]
    first = lesson.skill_tree.nodes[0]
    h = History()
    for _ in range(3):
        q = guided_question(first, h.attempts)
        assert q is not None
        h.answer(q, True)
    states = skill_states(lesson, h.attempts, course.mastery_threshold)
    seen = {lesson.slides[0].id, lesson.slides[1].id}
    cards: list[tuple[Literal["term", "node"], str, datetime]] = [
        ("node", first.id, T0 + timedelta(days=2)),
        ("term", "saas", T0 - timedelta(days=1)),
    ]
    right = {a.question_id for a in h.attempts if a.correct and a.first_try}
    asked = {a.question_id for a in h.attempts}
    s = lesson_summary(course, lesson, states, right, asked, seen, cards, T0)
    assert s.nodes_mastered == (first.title,)
    assert s.first_try_right == 3 and s.questions_answered == 3
    assert s.slides_seen == 2 and not s.complete
    assert [r.id for r in s.reviews] == ["saas", first.id] and s.reviews[0].due_now
    kinds = [step.kind for step in s.next_steps]
    assert kinds == ["slide", "node", "review"]
    assert s.next_steps[0].ref == "3"
    assert "saas" in dict(s.terms_met)


def test_a_fresh_learner_is_told_to_start_reading() -> None:
    course = load_course(run_snippets=False)
    lesson = course.lessons[0]
    states = skill_states(lesson, [], course.mastery_threshold)
    s = lesson_summary(course, lesson, states, set(), set(), set(), [], T0)
    assert s.nodes_mastered == () and s.percent == 0
    assert s.next_steps[0].kind == "slide" and s.next_steps[0].ref == "1"
