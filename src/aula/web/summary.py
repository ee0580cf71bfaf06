"""The lesson summary as the web shows it: read from the store, with a link per next step."""

from __future__ import annotations

from aula.content.model import Lesson
from aula.content.urls import slide_url
from aula.learning import LessonSummary, NextStep, lesson_summary
from aula.web.app import Aula
from aula.web.progress import lesson_state
from aula.web.reviews import now_utc


def read_summary(aula: Aula, learner: str, lesson: Lesson) -> LessonSummary:
    """The lesson summary from the learner's state and cards (reads only). Blocking."""
    state = lesson_state(aula.store, learner, lesson, aula.course.mastery_threshold)
    cards = [(c.item_kind, c.item_id, c.due) for c in aula.store.review_cards(learner)]
    return lesson_summary(
        aula.course, lesson, state.states, state.history, state.seen, cards, now_utc()
    )


def step_url(lesson: Lesson, step: NextStep) -> str | None:
    if step.kind == "slide":
        return slide_url(lesson.id, int(step.ref))
    if step.kind == "node":
        node = lesson.skill_tree.node(step.ref)
        slides = [s for s in lesson.slides if node is not None and s.id in node.slides]
        return f"{slide_url(lesson.id, slides[0].number)}#check" if slides else None
    if step.kind == "review":
        return "/review"
    return None
