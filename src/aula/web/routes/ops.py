"""For operators and load balancers: health, liveness, readiness and metrics. GETs that never
write."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aula.services.health import database_health, readiness
from aula.web.aula import aula_of
from aula.web.observe import metrics_text

NO_STORE = {"cache-control": "no-store"}


async def healthz(request: Request) -> Response:
    """
    summary: Health - the process answers and its database answers one read.
    responses:
      200: {description: "`{status: 'ok', database: 'reachable'}`"}
      503: {description: "The database cannot be reached: `reason` says why."}
    """
    aula = aula_of(request)
    found = await aula.read(database_health, aula.store)
    body = {
        "status": "ok" if found.ready else "unhealthy",
        "database": "reachable" if found.ready else "unreachable",
        "reason": found.reason,
    }
    return JSONResponse(body, status_code=200 if found.ready else 503, headers=NO_STORE)


async def livez(request: Request) -> Response:
    """
    summary: Liveness only - the process answers (no database call, so a database outage
      does not make an orchestrator restart every server).
    responses:
      200: {description: "`{status: 'ok'}`"}
    """
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def readyz(request: Request) -> Response:
    """
    summary: Readiness - the database is reachable and its schema is at the newest revision.
      A load balancer sends learners only to servers that answer 200 here.
    responses:
      200: {description: Ready.}
      503: {description: "Not ready: `reason` says why."}
    """
    aula = aula_of(request)
    start = time.perf_counter()
    found = await aula.read(readiness, aula.store)
    body = {
        "status": "ready" if found.ready else "not ready",
        "reason": found.reason,
        "schema_revision": found.revision,
        "schema_head": found.head,
        "database": aula.store.engine_name,
        "ms": round((time.perf_counter() - start) * 1000, 2),
    }
    return JSONResponse(body, status_code=200 if found.ready else 503, headers=NO_STORE)


async def metrics(request: Request) -> Response:
    """
    summary: Prometheus metrics of this server (all its worker processes), text format.
    responses:
      200: {description: Metrics in the Prometheus text exposition format.}
    """
    body, content_type = metrics_text()
    return Response(body, media_type=content_type, headers=NO_STORE)


routes = [
    Route("/healthz", healthz, name="healthz", methods=["GET"]),
    Route("/livez", livez, name="livez", methods=["GET"]),
    Route("/readyz", readyz, name="readyz", methods=["GET"]),
    Route("/metrics", metrics, name="metrics", methods=["GET"]),
]
