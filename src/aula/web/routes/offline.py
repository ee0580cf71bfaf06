"""Offline use: the web app manifest, the service worker, a lesson's offline pack, the
instructor's offline index, and the sync of what a browser queued offline."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aula.services.sync import (
    QueuedWrite,
    SyncResult,
    offline_index,
    offline_version,
    sync_queue,
)
from aula.web.aula import aula_of
from aula.web.etag import course_json
from aula.web.forms import header_csrf, read_json
from aula.web.lookup import lesson_or_404, path_param
from aula.web.offline import lesson_pack, manifest_data, worker_script

Text = Annotated[str, StringConstraints(max_length=128)]
MAX_WRITES = 500


class WriteIn(BaseModel):
    """One queued write as ``aula-offline.js`` sends it."""

    model_config = ConfigDict(extra="forbid")
    key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{8,64}$")]
    kind: Literal["answer", "view", "review"]
    version: Text
    token: Text
    lesson_id: Text = ""
    question_id: Text = ""
    choice_ids: list[Text] = Field(default_factory=list, max_length=32)
    slide: int = Field(0, ge=0, le=10_000)
    term_id: Text = ""
    rating: int = Field(0, ge=0, le=4)


class SyncIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    writes: list[dict[str, Any]] = Field(max_length=MAX_WRITES)


async def manifest(request: Request) -> Response:
    """
    summary: The web app manifest (installable on a phone).
    responses:
      200: {description: The manifest.}
    """
    response = course_json(request, lambda: manifest_data(aula_of(request)))
    if response.status_code == 200:
        response.headers["content-type"] = "application/manifest+json"
    return response


async def service_worker(request: Request) -> Response:
    aula = aula_of(request)
    headers = {"cache-control": "no-cache", "service-worker-allowed": aula.url("home")}
    return Response(worker_script(aula), media_type="text/javascript", headers=headers)


async def pack(request: Request) -> Response:
    """
    summary: What to keep for a lesson to work offline (pages, JSON twins, assets).
    parameters:
      - {name: lesson_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: "`{version, lesson, urls}`"}
      404: {description: No such lesson.}
    """
    aula = aula_of(request)
    found = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    return course_json(request, lambda: lesson_pack(aula, found))


async def index(request: Request) -> Response:
    """
    summary: A small BM25 index of the course (no check answers) for the instructor offline.
    responses:
      200: {description: "`{version, k1, b, average_length, documents, postings}`"}
    """
    aula = aula_of(request)
    return course_json(request, lambda: offline_index(aula.course, offline_version(aula.course)))


def _malformed(raw: dict[str, Any], error: ValidationError) -> SyncResult:
    key = raw.get("key")
    where = ", ".join(".".join(str(p) for p in e["loc"]) for e in error.errors()[:3])
    reason = f"This saved item was changed or damaged ({where}), so it was not applied."
    return SyncResult(key[:64] if isinstance(key, str) else "", "rejected", reason)


async def sync(request: Request) -> Response:
    """
    summary: Apply the writes a browser queued offline, once each and in order. Needs the
      X-CSRF-Token header (see /api/session).
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [writes]
            properties:
              writes: {type: array, maxItems: 500, items: {type: object}}
    responses:
      200: {description: "`{version, results: [{key, status, reason, question_id, correct,
        answer_id}]}`, one result per write, in order; status is applied, duplicate or
        rejected (with the reason)."}
      403: {description: Missing or wrong CSRF token.}
      422: {description: The body is not a list of writes.}
    """
    aula = aula_of(request)
    header_csrf(request)
    body = await read_json(request, SyncIn)
    learner = aula.learner(request)
    token = aula.identity.csrf_token(learner)
    slots: list[SyncResult | QueuedWrite] = []
    for raw in body.writes:
        try:
            item = WriteIn.model_validate(raw)
        except ValidationError as error:
            slots.append(_malformed(raw, error))
            continue
        slots.append(
            QueuedWrite(
                key=item.key,
                kind=item.kind,
                version=item.version,
                token=item.token,
                lesson_id=item.lesson_id,
                question_id=item.question_id,
                choice_ids=tuple(item.choice_ids),
                slide=item.slide,
                term_id=item.term_id,
                rating=item.rating,
            )
        )
    writes = [s for s in slots if isinstance(s, QueuedWrite)]
    applied = iter(
        await aula.db(sync_queue, aula.store, aula.course, learner, token, writes, xapi=aula.xapi)
    )
    results = [s if isinstance(s, SyncResult) else next(applied) for s in slots]
    return JSONResponse(
        {
            "version": offline_version(aula.course),
            "results": [r.to_dict() for r in results],
        }
    )


routes = [
    Route("/manifest.webmanifest", manifest, methods=["GET"], name="manifest"),
    Route("/sw.js", service_worker, methods=["GET"], name="service-worker"),
    Route("/api/lessons/{lesson_id}/offline", pack, methods=["GET"], name="api-offline-pack"),
    Route("/api/instructor/offline-index", index, methods=["GET"], name="api-offline-index"),
    Route("/api/sync", sync, methods=["POST"], name="api-sync"),
]
