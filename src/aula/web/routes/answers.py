"""Answering a knowledge check from a plain HTML form, and erasing one's progress."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from aula.content.model import Question
from aula.learning import Grade, InvalidAnswer, grade
from aula.store import AnswerRecord
from aula.web.app import Aula, aula_of
from aula.web.errors import InputError
from aula.web.forms import form_csrf, local_path, read_form
from aula.web.lookup import lesson_or_404, path_param, question_or_404
from aula.web.progress import lesson_state


async def record_answer(
    aula: Aula, learner_id: str, question: Question, choice_ids: list[str]
) -> tuple[AnswerRecord, Grade]:
    """Grade the answer and store it; the store has committed it when this returns."""
    try:
        result = grade(question, choice_ids)
    except InvalidAnswer as exc:
        raise InputError(str(exc), fields={"choice_ids": str(exc)}) from None
    lesson = aula.course.lesson(question.lesson)
    if lesson is not None:
        state = await aula.db(
            lesson_state, aula.store, learner_id, lesson, aula.course.mastery_threshold
        )
        view = state.nodes.get(question.node)
        if view is not None and view.state == "locked":
            raise InputError(
                f"This question belongs to {view.title}, which is still locked: first master "
                f"{' and '.join(view.missing_titles)}. Nothing was saved.",
                status_code=409,
            )
    record = await aula.db(
        aula.store.record_answer,
        learner_id,
        question.lesson,
        question.node,
        question.id,
        list(result.chosen),
        result.correct,
    )
    return record, result


async def answer_form(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    question = question_or_404(aula.course, path_param(request, "question_id"))
    if question.lesson != lesson.id:
        raise HTTPException(404, f"Question '{question.id}' is not in lesson '{lesson.id}'.")
    form = await read_form(request)
    form_csrf(request, form)
    chosen = [c for c in form.getlist("choice") if isinstance(c, str)]
    record, _ = await record_answer(aula, aula.learner(request), question, chosen)
    back = local_path(form.get("return_to"), f"/lessons/{lesson.id}/nodes/{question.node}")
    anchor = "check" if "/slides/" in back else f"question-{question.id}"
    return RedirectResponse(f"{back}?answer={record.id}#{anchor}", status_code=303)


async def reset_progress(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    await aula.db(aula.store.reset_learner, aula.learner(request))
    return RedirectResponse("/", status_code=303)


routes = [
    Route(
        "/lessons/{lesson_id}/questions/{question_id}",
        answer_form,
        methods=["POST"],
        name="answer",
    ),
    Route("/progress/reset", reset_progress, methods=["POST"], name="reset"),
]
