"""Plain HTML forms that write: answering a knowledge check, moving on from a slide (which
records it seen, so reading without JavaScript counts too), and erasing one's progress."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from aula.content.urls import node_url, slide_url
from aula.i18n import _
from aula.services.answers import answer_question
from aula.services.views import record_slide_view
from aula.web.aula import aula_of
from aula.web.forms import form_csrf, local_path, read_form
from aula.web.lookup import lesson_or_404, path_param, question_or_404, slide_or_404
from aula.web.observe import ANSWERS_STORED


async def answer_form(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    question = question_or_404(aula.localized(request), path_param(request, "question_id"))
    if question.lesson != lesson.id:
        raise HTTPException(
            404,
            _(
                "Question '%(question)s' is not in lesson '%(lesson)s'.",
                question=question.id,
                lesson=lesson.id,
            ),
        )
    form = await read_form(request)
    form_csrf(request, form)
    chosen = [c for c in form.getlist("choice") if isinstance(c, str)]
    learner = aula.learner(request)
    outcome = await aula.db(
        answer_question,
        aula.store,
        aula.localized(request),
        learner,
        question,
        chosen,
        xapi=aula.xapi,
    )
    ANSWERS_STORED.inc()
    # Without JavaScript no beacon reports slide views: the form says which slide it was on.
    raw = str(form.get("slide", ""))
    if raw.isascii() and raw.isdigit() and (slide := lesson.slide(int(raw[:6]))) is not None:
        await aula.db(
            record_slide_view, aula.store, aula.localized(request), learner, lesson, slide
        )
    back = local_path(form.get("return_to"), node_url(lesson.id, question.node))
    anchor = "check" if "/slides/" in back else f"question-{question.id}"
    return RedirectResponse(f"{back}?answer={outcome.record.id}#{anchor}", status_code=303)


async def next_slide(request: Request) -> Response:
    """ "Next", "Continue" and "Finish": record the slide as seen, then go on (the summary
    after the last slide)."""
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    slide = slide_or_404(lesson, request.path_params["number"])
    form = await read_form(request)
    form_csrf(request, form)
    learner = aula.learner(request)
    await aula.db(record_slide_view, aula.store, aula.localized(request), learner, lesson, slide)
    later = lesson.slide(slide.number + 1)
    if later is None:
        return RedirectResponse(aula.url("summary", lesson_id=lesson.id), status_code=303)
    return RedirectResponse(slide_url(lesson.id, later.number), status_code=303)


async def reset_progress(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    await aula.db(aula.store.reset_learner, aula.learner(request))
    return RedirectResponse(aula.url("home"), status_code=303)


routes = [
    Route(
        "/lessons/{lesson_id}/questions/{question_id}",
        answer_form,
        methods=["POST"],
        name="answer",
    ),
    Route(
        "/lessons/{lesson_id}/slides/{number:int}/next",
        next_slide,
        methods=["POST"],
        name="next-slide",
    ),
    Route("/progress/reset", reset_progress, methods=["POST"], name="reset"),
]
