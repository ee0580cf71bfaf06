"""Errors as learners and API clients see them: a page or a JSON object, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("aula.web")

TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    415: "Send JSON",
    422: "Cannot use this input",
    500: "Something went wrong",
    503: "Try again in a moment",
}


class InputError(HTTPException):
    """A request whose input is wrong: 400/422 with a message and, per field, what to fix."""

    def __init__(
        self, message: str, *, status_code: int = 422, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status_code, detail=message)
        self.fields = fields or {}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_body(status: int, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    fields = exc.fields if isinstance(exc, InputError) else {}
    message = str(exc.detail) if exc.detail else TITLES.get(exc.status_code, "Error")
    return render_error(request, exc.status_code, message, fields, exc.headers)


async def unavailable(request: Request, exc: Exception) -> Response:
    """The database is down, read-only or full: 503, and the client may try again."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    message = (
        "Progress cannot be read or saved right now (the database is unavailable); nothing "
        "was lost. Try again in a moment."
    )
    return render_error(request, 503, message, {}, {"Retry-After": "5"})


async def invalid_answer(request: Request, exc: Exception) -> Response:
    """A service refused the choices an answer names (``InvalidAnswer``): a 422 per field."""
    return render_error(request, 422, str(exc), {"choice_ids": str(exc)}, None)


async def nothing_to_review(request: Request, exc: Exception) -> Response:
    return render_error(request, 404, str(exc), {}, None)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "The server hit an unexpected problem. Your saved progress is safe; try again."
    return render_error(request, 500, message, {}, None)


def render_error(
    request: Request,
    status: int,
    message: str,
    fields: dict[str, str],
    headers: Mapping[str, str] | None,
) -> Response:
    if wants_json(request) or "text/html" not in request.headers.get("accept", "text/html"):
        return JSONResponse(
            error_body(status, message, fields), status_code=status, headers=headers
        )
    aula = request.app.state.aula
    context = {
        "title": TITLES.get(status, "Error"),
        "status": status,
        "message": message,
        "fields": fields,
    }
    response: Response = aula.render(request, "error.html", context, status_code=status)
    if headers:
        response.headers.update(headers)
    return response
