"""The AI Instructor on the web: a page, the panel's form, and ``POST /api/instructor/ask``.

Asking posts a form (with the CSRF token) rather than a GET, so a question never lands in a
URL, a server log or the browser history, and a page on another site cannot make this server
send questions to a configured model.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aula.i18n import _
from aula.instructor import Answer
from aula.instructor.language import LANGS, Lang
from aula.services import conversation
from aula.web.aula import Aula, aula_of, wants_fragment
from aula.web.errors import InputError
from aula.web.forms import form_csrf, header_csrf, read_form, read_json
from aula.web.language import language_of
from aula.web.lookup import question_or_404
from aula.web.observe import INSTRUCTOR_SECONDS

MAX_QUESTION = 1000


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    lesson_id: str | None = Field(None, max_length=64)


class ExplainIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question_id: str = Field(min_length=1, max_length=64)
    choice_ids: list[str] = Field(default_factory=list, max_length=32)


def backend_note(aula: Aula) -> str:
    """Who answers and where questions go, in the learner's words."""
    status = aula.ask().status()
    backend: dict[str, Any] = status["backend"]  # type: ignore[assignment]
    if backend["kind"] == "extractive":
        return _(
            "Answers are quoted from this course, found on this server. Your question stays here."
        )
    model = backend.get("model") or backend["name"]
    if aula.remote_host:
        return _(
            "Answers are written by %(model)s at %(host)s, set up by this server's "
            "operator: your question leaves this machine. If it fails, the course text answers.",
            model=model,
            host=aula.remote_host,
        )
    return _(
        "Answers are written by %(model)s, running on this machine. Your question stays here.",
        model=model,
    )


def _question(text: object) -> str:
    question = text.strip() if isinstance(text, str) else ""
    if not question:
        raise InputError(_("Type a question first."), fields={"q": "empty"})
    if len(question) > MAX_QUESTION:
        raise InputError(
            _("Keep the question under %(limit)s characters.", limit=MAX_QUESTION),
            fields={"q": "too long"},
        )
    return question


async def _ask(request: Request, question: str, lesson_id: str | None) -> Answer:
    aula = aula_of(request)
    learner = aula.learner(request)
    return await aula.db(_timed_ask, aula, learner, question, lesson_id)


def _timed_ask(aula: Aula, learner: str, question: str, lesson_id: str | None) -> Answer:
    # Timed in the worker thread: the answer's own time, not the wait for a free thread.
    xapi = (aula.xapi, aula.course) if aula.xapi else None
    with INSTRUCTOR_SECONDS.time():
        return conversation.ask(aula.store, aula.ask(), learner, question, lesson_id, xapi=xapi)


async def _render(request: Request, question: str = "", answer: Answer | None = None) -> Response:
    aula = aula_of(request)
    if answer is not None and wants_fragment(request):
        return aula.render(request, "_answer.html", {"answer": answer})
    note = await aula.db(backend_note, aula)
    turns = await aula.db(conversation.recent, aula.store, aula.learner(request))  # reads only
    if answer is not None:
        turns = turns[:-1]  # the turn just answered is shown below the form
    context = {
        "title": _("Ask the instructor"),
        "q": question,
        "answer": answer,
        "note": note,
        "turns": turns,
    }
    return aula.render(request, "instructor.html", context)


async def page(request: Request) -> Response:
    return await _render(request)


async def ask_form(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    question = _question(form.get("q"))
    lesson = form.get("lesson_id")
    lesson_id = (
        lesson if isinstance(lesson, str) and aula.localized(request).lesson(lesson) else None
    )
    answer = await _ask(request, question, lesson_id)
    return await _render(request, question, answer)


def spoken(lang: str) -> Lang | None:
    """The page's language as the instructor knows it (None: the course's own)."""
    return next((known for known in LANGS if known == lang), None)


async def explain_form(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    question = question_or_404(aula.localized(request), str(form.get("question_id", "")))
    chosen = [c for c in form.getlist("choice") if isinstance(c, str)]
    answer = await aula.db(
        aula.ask().explain_wrong_answer, question, chosen, spoken(language_of(request))
    )
    return await _render(request, question.prompt.text, answer)


async def status_json(request: Request) -> Response:
    """
    summary: How the instructor answers and whether questions leave the machine.
    responses:
      200: {description: "`{note, retrieval, backend: {name, kind, model, left_machine}, ...}`"}
    """
    aula = aula_of(request)
    status = await aula.db(aula.ask().status)
    note = await aula.db(backend_note, aula)
    return JSONResponse({"note": note, **{k: v for k, v in status.items() if k != "course"}})


async def ask_json(request: Request) -> Response:
    """
    summary: Ask the course's AI Instructor, in English or Spanish. Needs X-CSRF-Token.
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [question]
            properties:
              question: {type: string, maxLength: 1000}
              lesson_id: {type: string}
    responses:
      200: {description: "`{answer, sources: [{title, url, score}], backend}`; `sources` is empty
        exactly when the course does not cover the question."}
      403: {description: Missing or wrong CSRF token.}
      422: {description: Empty or too long question.}
    """
    aula = aula_of(request)
    header_csrf(request)
    body = await read_json(request, AskIn)
    question = _question(body.question)
    lesson_id = (
        body.lesson_id
        if body.lesson_id and aula.localized(request).lesson(body.lesson_id)
        else None
    )
    answer = await _ask(request, question, lesson_id)
    return JSONResponse(answer.to_dict())


async def explain_json(request: Request) -> Response:
    """
    summary: After a wrong answer, the instructor explains from the course's own text.
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [question_id, choice_ids]
            properties:
              question_id: {type: string}
              choice_ids: {type: array, items: {type: string}}
    responses:
      200: {description: "`{answer, sources, backend}` as for /api/instructor/ask."}
      403: {description: Missing or wrong CSRF token.}
      404: {description: No such question.}
    """
    aula = aula_of(request)
    header_csrf(request)
    body = await read_json(request, ExplainIn)
    question = question_or_404(aula.localized(request), body.question_id)
    known = {c.id for c in question.choices}
    chosen = [c for c in body.choice_ids if c in known]
    answer = await aula.db(
        aula.ask().explain_wrong_answer, question, chosen, spoken(language_of(request))
    )
    return JSONResponse(answer.to_dict())


routes = [
    Route("/instructor", page, methods=["GET"], name="instructor"),
    Route("/instructor", ask_form, methods=["POST"], name="ask"),
    Route("/instructor/explain", explain_form, methods=["POST"], name="explain"),
    Route("/api/instructor", status_json, methods=["GET"]),
    Route("/api/instructor/ask", ask_json, methods=["POST"]),
    Route("/api/instructor/explain", explain_json, methods=["POST"]),
]
