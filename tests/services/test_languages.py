"""Progress is the same in every language: answers are stored by ids, never by text."""

from __future__ import annotations

import random
from typing import Any

from aula.content import Course
from aula.content.localize import localized
from aula.services.answers import answer_question
from aula.services.progress import lesson_state
from aula.store import Store


def progress(state: Any) -> dict[str, Any]:
    """Each node's progress without its words (its title, the titles it still needs)."""
    return {
        node_id: (p.state, p.mastery, len(p.missing), p.was_mastered, p.percent, p.refresh)
        for node_id, p in state.states.items()
    }


def test_mastering_a_node_in_spanish_masters_it_in_english(store: Store, course: Course) -> None:
    es = localized(course, "es")
    node = es.lessons[0].skill_tree.node("two-kingdoms")
    assert node is not None and node.title == "Los dos reinos"
    for _ in range(3):
        for q in node.questions:
            answer_question(store, es, "ana", q, sorted(q.correct_ids))
    in_english = lesson_state(store, course, "ana", course.lessons[0])
    in_spanish = lesson_state(store, es, "ana", es.lessons[0])
    assert in_english.states["two-kingdoms"].mastery.mastered
    assert progress(in_english) == progress(in_spanish)
    assert in_english.nodes["two-kingdoms"].title == "The Two Kingdoms"
    assert in_spanish.nodes["two-kingdoms"].title == "Los dos reinos"
    # The next node opened in both languages.
    assert in_english.nodes["great-divide"].state == in_spanish.nodes["great-divide"].state
    assert in_english.nodes["great-divide"].state != "locked"


def test_switching_language_between_answers_changes_nothing(store: Store, course: Course) -> None:
    """The same choices, each answered in a language picked at random, give the same progress
    as answering them all in English."""
    es = localized(course, "es")
    editions = {"en": course, "es": es}
    questions = [q.id for q in course.lessons[0].questions]
    rng = random.Random(14)
    plan = []
    for _ in range(40):
        q = course.question(rng.choice(questions))
        assert q is not None
        plan.append((q.id, [rng.choice(q.choices).id], rng.choice(["en", "es"])))
    for question_id, choices, lang in plan:
        for learner, edition in (("mixed", editions[lang]), ("english", course)):
            q = edition.question(question_id)
            assert q is not None
            answer_question(store, edition, learner, q, choices, allow_locked=True)
    assert {lang for *_, lang in plan} == {"en", "es"}
    mixed = lesson_state(store, course, "mixed", course.lessons[0])
    english = lesson_state(store, course, "english", course.lessons[0])
    assert mixed.states == english.states
    assert mixed.answers == english.answers == 40
    assert mixed.correct_ids == english.correct_ids
