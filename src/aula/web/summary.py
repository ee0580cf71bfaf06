"""Links for the lesson summary's next steps."""

from __future__ import annotations

from aula.content.model import Lesson
from aula.content.urls import slide_url
from aula.learning import NextStep


def step_url(lesson: Lesson, step: NextStep, review_url: str) -> str | None:
    if step.kind == "slide":
        return slide_url(lesson.id, int(step.ref))
    if step.kind == "node":
        node = lesson.skill_tree.node(step.ref)
        slides = [s for s in lesson.slides if node is not None and s.id in node.slides]
        return f"{slide_url(lesson.id, slides[0].number)}#check" if slides else None
    if step.kind == "review":
        return review_url
    return None
