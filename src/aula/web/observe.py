"""What an operator watches: one JSON log line per request, with its id, and Prometheus metrics.

``ObserveMiddleware`` is the outermost layer (``AulaStarlette``), so it times and logs every
request, even one that ends in a 500 or never reaches a route. It is plain ASGI and does
little per request: reads one header, then after the response one histogram observation, one
counter increment and (when on) one ``json.dumps`` and log call.

Request ids: an ``X-Request-ID`` sent by the client or the proxy in front (nginx's
``$request_id``) is kept when it is short and plain (letters, digits, ``._:-``, up to 128),
else a new one is made; it is sent back in the response's ``X-Request-ID`` and is in the log
line, so one request can be followed from nginx's log to Aula's.

Metrics (``GET /metrics``, Prometheus text format) are labelled by route *name*, never by raw
path, so a crawler cannot make a new series per URL. Several server processes (granian
workers) each count in their own files under ``PROMETHEUS_MULTIPROC_DIR`` (``aula serve`` sets
a fresh one per server, see ``cli/serve.py``), and ``/metrics`` in any process adds them all up
(prometheus-client's multiprocess mode): scrape each server once, not each worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_PLAIN_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods labelled as themselves; any other is ``other``, so no client makes new series."""

REQUEST_SECONDS = Histogram(
    "aula_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route name and method",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RESPONSES = Counter(
    "aula_responses_total", "Responses by route name and status class", ["route", "status"]
)
ANSWERS_STORED = Counter(
    "aula_answers_stored_total", "Answers graded, stored durably and acknowledged"
)
INSTRUCTOR_SECONDS = Histogram(
    "aula_instructor_seconds",
    "Time the instructor took to answer one question (retrieval, composing, any chat model)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60),
)
COMMIT_BATCH = Histogram(
    "aula_group_commit_batch_size",
    "Writes committed together in one transaction by the group-commit writer",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)

LogLine = Callable[[str], None]
MAX_LOGGED_PATH = 1000
"""Longer paths are cut in the log line, which then stays one write below PIPE_BUF."""


def stderr_line(line: str) -> None:
    """Write one line to standard error in one system call: lines from several worker
    processes never interleave (a pipe write below PIPE_BUF, 4 KiB, is atomic). About 0.5 µs,
    where ``logging`` took about 15 µs a line (bench/observe_overhead.py). A closed or
    non-blocking full standard error loses the line, never the request."""
    with contextlib.suppress(OSError):
        os.write(2, (line + "\n").encode("utf-8", "replace"))


def request_id(scope: Scope) -> str:
    """The id this request is known by: the one it came with when plain, else a new one."""
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER:
            if _PLAIN_ID.fullmatch(value):
                return bytes(value).decode("ascii")
            break
    return secrets.token_hex(8)


def route_name(scope: Scope) -> str:
    """The matched route's name (``slide``, ``static``…); ``unmatched`` for a 404 on no route."""
    name: object = getattr(scope.get("route"), "name", None)
    return name if isinstance(name, str) and name else "unmatched"


class ObserveMiddleware:
    """Gives each request an id (``scope["state"]["request_id"]``, ``X-Request-ID``), times
    it into the metrics and hands its JSON log line to ``log`` (none when None)."""

    def __init__(self, app: ASGIApp, *, log: LogLine | None) -> None:
        self.app = app
        self.log = log
        self.pid = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        header = (REQUEST_ID_HEADER, rid.encode("ascii"))
        status = 500  # what the client sees if the app fails before answering
        size = 0

        async def send_observed(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            seconds = time.perf_counter() - start
            route = route_name(scope)
            method = scope["method"] if scope["method"] in METHODS else "other"
            REQUEST_SECONDS.labels(route, method).observe(seconds)
            RESPONSES.labels(route, f"{status // 100}xx").inc()
            if self.log is not None:
                self._log(self.log, scope, rid, route, status, size, seconds)

    def _log(
        self,
        log: LogLine,
        scope: Scope,
        rid: str,
        route: str,
        status: int,
        size: int,
        seconds: float,
    ) -> None:
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "error" if status >= 500 else "info",
            "event": "request",
            "request_id": rid,
            "method": scope["method"],
            "path": scope["path"][:MAX_LOGGED_PATH],
            "route": route,
            "status": status,
            "bytes": size,
            "ms": round(seconds * 1000, 2),
            "pid": self.pid,
        }
        log(json.dumps(line))


def metrics_text() -> tuple[bytes, str]:
    """The metrics of this server (every worker's, in multiprocess mode) and their type."""
    if os.environ.get(MULTIPROCESS_VARIABLE):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
