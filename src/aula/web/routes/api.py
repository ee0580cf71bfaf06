"""The JSON twins of the pages, and the JSON way to answer. Documented at /api/openapi.json."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aula.services.answers import answer_question
from aula.services.glossary import search_terms
from aula.services.progress import course_states, lesson_state
from aula.services.views import record_slide_view
from aula.web.aula import aula_of
from aula.web.etag import course_json
from aula.web.forms import header_csrf, read_json
from aula.web.lookup import lesson_or_404, node_or_404, path_param, question_or_404, slide_or_404
from aula.web.observe import ANSWERS_STORED
from aula.web.pagecache import cacheable
from aula.web.views import (
    course_data,
    grade_data,
    lesson_data,
    node_data,
    question_data,
    slide_data,
    term_data,
)

Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question_id: Id
    choice_ids: list[Id] = Field(max_length=32)


class SlideViewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lesson_id: Id
    slide: int = Field(ge=1, le=10_000)


async def session(request: Request) -> Response:
    """
    summary: The learner's session and the CSRF token to send with state-changing requests.
    responses:
      200: {description: "`{learner: 'anonymous', new: bool, csrf_token: str}`"}
    """
    aula = aula_of(request)
    learner = aula.learner(request)
    token = aula.identity.csrf_token(learner)
    return JSONResponse(
        {"learner": "anonymous", "new": request.state.new_learner, "csrf_token": token}
    )


@cacheable
async def course(request: Request) -> Response:
    """
    summary: The course, its lessons and glossary index (twin of `/`).
    responses:
      200: {description: The course.}
      304: {description: Not modified (the ETag sent in If-None-Match is current).}
    """
    return course_json(request, lambda: course_data(aula_of(request).course))


@cacheable
async def lesson(request: Request) -> Response:
    """
    summary: A lesson with its slides (code and terminal output), questions without answers,
      sections, skill tree and glossary.
    parameters:
      - {name: lesson_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The lesson.}
      304: {description: Not modified.}
      404: {description: No such lesson.}
    """
    aula = aula_of(request)
    found = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    return course_json(request, lambda: lesson_data(aula.localized(request), found))


@cacheable
async def slide(request: Request) -> Response:
    """
    summary: One slide (twin of `/lessons/{lesson_id}/slides/{number}`).
    parameters:
      - {name: lesson_id, in: path, required: true, schema: {type: string}}
      - {name: number, in: path, required: true, schema: {type: integer, minimum: 1}}
    responses:
      200: {description: The slide.}
      304: {description: Not modified.}
      404: {description: No such lesson or slide.}
    """
    aula = aula_of(request)
    found = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    one = slide_or_404(found, int(request.path_params["number"]))
    return course_json(request, lambda: slide_data(found, one))


@cacheable
async def node(request: Request) -> Response:
    """
    summary: A skill-tree node with its questions (without answers) and the learner's state.
    parameters:
      - {name: lesson_id, in: path, required: true, schema: {type: string}}
      - {name: node_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The node.}
      404: {description: No such lesson or node.}
    """
    aula = aula_of(request)
    found = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    one = node_or_404(found, path_param(request, "node_id"))
    state = await aula.read(
        lesson_state, aula.store, aula.localized(request), aula.learner(request), found
    )
    data = node_data(found, one)
    data["questions"] = [question_data(found, q) for q in one.questions]
    data["progress"] = next(n for n in state.to_dict()["nodes"] if n["id"] == one.id)
    return JSONResponse(data)


@cacheable
async def glossary(request: Request) -> Response:
    """
    summary: Glossary terms, optionally filtered (twin of `/glossary`).
    parameters:
      - {name: q, in: query, required: false, schema: {type: string}}
    responses:
      200: {description: The matching terms.}
      304: {description: Not modified.}
    """
    aula = aula_of(request)
    query = request.query_params.get("q", "")[:200]
    terms = search_terms(aula.localized(request).glossary, query)
    return course_json(request, lambda: {"q": query, "terms": [term_data(t) for t in terms]})


@cacheable
async def progress(request: Request) -> Response:
    """
    summary: The learner's progress in every lesson.
    responses:
      200: {description: "`{lessons: [...]}`"}
    """
    aula = aula_of(request)
    states = await aula.read(
        course_states, aula.store, aula.localized(request), aula.learner(request)
    )
    return JSONResponse({"lessons": [state.to_dict() for state in states]})


async def answer(request: Request) -> Response:
    """
    summary: Answer a question. Needs the X-CSRF-Token header (see /api/session).
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [question_id, choice_ids]
            properties:
              question_id: {type: string}
              choice_ids: {type: array, items: {type: string}}
    responses:
      200: {description: "`{correct, chosen, feedback, explanation, answer_id, attempt, progress}`"}
      400: {description: The body is not JSON.}
      403: {description: Missing or wrong CSRF token.}
      404: {description: No such question.}
      422: {description: Invalid fields or an answer the question cannot take.}
    """
    aula = aula_of(request)
    header_csrf(request)
    body = await read_json(request, AnswerIn)
    question = question_or_404(aula.localized(request), body.question_id)
    learner = aula.learner(request)
    outcome = await aula.db(
        answer_question,
        aula.store,
        aula.localized(request),
        learner,
        question,
        body.choice_ids,
        xapi=aula.xapi,
    )
    ANSWERS_STORED.inc()
    data = grade_data(outcome.grade)
    data.update(
        answer_id=outcome.record.id,
        attempt=outcome.record.attempt,
        progress=outcome.after.to_dict(),
    )
    return JSONResponse(data)


async def slide_view(request: Request) -> Response:
    """
    summary: Record that the learner saw a slide (and make it their current one).
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [lesson_id, slide]
            properties:
              lesson_id: {type: string}
              slide: {type: integer, minimum: 1}
    responses:
      200: {description: The learner's progress in the lesson.}
      403: {description: Missing or wrong CSRF token.}
      404: {description: No such lesson or slide.}
    """
    aula = aula_of(request)
    header_csrf(request)
    body = await read_json(request, SlideViewIn)
    found = lesson_or_404(aula.localized(request), body.lesson_id)
    one = slide_or_404(found, body.slide)
    learner = aula.learner(request)
    await aula.db(record_slide_view, aula.store, aula.localized(request), learner, found, one)
    state = await aula.db(lesson_state, aula.store, aula.localized(request), learner, found)
    return JSONResponse(state.to_dict())


routes = [
    Route("/api/session", session, name="api-session", methods=["GET"]),
    Route("/api/course", course, name="api-course", methods=["GET"]),
    Route("/api/lessons/{lesson_id}", lesson, name="api-lesson", methods=["GET"]),
    Route("/api/lessons/{lesson_id}/slides/{number:int}", slide, name="api-slide", methods=["GET"]),
    Route("/api/lessons/{lesson_id}/nodes/{node_id}", node, name="api-node", methods=["GET"]),
    Route("/api/glossary", glossary, name="api-glossary", methods=["GET"]),
    Route("/api/progress", progress, name="api-progress", methods=["GET"]),
    Route("/api/answers", answer, name="api-answer", methods=["POST"]),
    Route("/api/progress/slides", slide_view, name="api-slide-view", methods=["POST"]),
]
