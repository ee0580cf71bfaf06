"""Finding what a URL names, or a 404 that says what was not found."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request

from aula.content.model import Course, Lesson, Node, Question, Slide
from aula.i18n import _
from aula.web.forms import small_int


class BoundedIntConvertor(Convertor[int]):
    """``{name:int}`` in a route, at most 18 digits: a longer number (``int()`` refuses those
    over 4,300 digits, inside the router) simply matches no route, a 404."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


# Registered before routes are built: web/routes/__init__.py imports this module first.
register_url_convertor("int", BoundedIntConvertor())


def lesson_or_404(course: Course, lesson_id: str) -> Lesson:
    if (lesson := course.lesson(lesson_id)) is None:
        raise HTTPException(404, _("There is no lesson '%(id)s' in this course.", id=lesson_id))
    return lesson


def slide_or_404(lesson: Lesson, number: int) -> Slide:
    if (slide := lesson.slide(number)) is None:
        raise HTTPException(
            404,
            _(
                "Lesson '%(title)s' has slides 1 to %(last)s, not %(number)s.",
                title=lesson.title,
                last=len(lesson.slides),
                number=number,
            ),
        )
    return slide


def node_or_404(lesson: Lesson, node_id: str) -> Node:
    if (node := lesson.skill_tree.node(node_id)) is None:
        raise HTTPException(
            404, _("There is no skill-tree node '%(id)s' in this lesson.", id=node_id)
        )
    return node


def question_or_404(course: Course, question_id: str) -> Question:
    if (question := course.question(question_id)) is None:
        raise HTTPException(404, _("There is no question '%(id)s' in this course.", id=question_id))
    return question


ID_PATTERN = r"^[^\s\x00-\x1f\x7f]{1,64}$"  # what the store accepts as an id (see is_id)


def is_id(value: str) -> bool:
    """Whether the store could hold this id: 1 to 64 printable characters, no spaces."""
    return 0 < len(value) <= 64 and value.isprintable() and not any(c.isspace() for c in value)


def path_param(request: Request, name: str) -> str:
    """An id from the URL; 404 when it could never name anything (spaces, control characters,
    too long), so no lower layer sees it."""
    value: str = request.path_params[name]
    if not is_id(value):
        shown = value[:64].encode("unicode_escape").decode("ascii")
        raise HTTPException(404, _("Nothing here is called '%(name)s'.", name=shown))
    return value


def answer_id_param(request: Request) -> int | None:
    """``?answer=ID`` (the answer a form just stored), when it is a plausible id."""
    return small_int(request.query_params.get("answer", ""))
