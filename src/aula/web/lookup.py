"""Finding what a URL names, or a 404 that says what was not found."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from aula.content.model import Course, Lesson, Node, Question, Slide


def lesson_or_404(course: Course, lesson_id: str) -> Lesson:
    if (lesson := course.lesson(lesson_id)) is None:
        raise HTTPException(404, f"There is no lesson '{lesson_id}' in this course.")
    return lesson


def slide_or_404(lesson: Lesson, number: int) -> Slide:
    if (slide := lesson.slide(number)) is None:
        raise HTTPException(
            404, f"Lesson '{lesson.title}' has slides 1 to {len(lesson.slides)}, not {number}."
        )
    return slide


def node_or_404(lesson: Lesson, node_id: str) -> Node:
    if (node := lesson.skill_tree.node(node_id)) is None:
        raise HTTPException(404, f"There is no skill-tree node '{node_id}' in this lesson.")
    return node


def question_or_404(course: Course, question_id: str) -> Question:
    if (question := course.question(question_id)) is None:
        raise HTTPException(404, f"There is no question '{question_id}' in this course.")
    return question


def path_param(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    return value


def answer_id_param(request: Request) -> int | None:
    """``?answer=ID`` (the answer a form just stored), when it is a plausible id."""
    raw = request.query_params.get("answer", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
