"""Errors as learners and API clients see them: a page or a JSON object, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from aula.i18n import N_, _

log = logging.getLogger("aula.web")

TITLES = {
    400: N_("Bad request"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    413: N_("Too large"),
    409: N_("That cannot be done"),
    415: N_("Send JSON"),
    422: N_("Cannot use this input"),
    500: N_("Something went wrong"),
    503: N_("Try again in a moment"),
}


def title_of(status: int) -> str:
    """The error's title in the current language."""
    return _(TITLES.get(status, N_("Error")))


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
    message = str(exc.detail) if exc.detail else title_of(exc.status_code)
    return render_error(request, exc.status_code, message, fields, exc.headers)


async def unavailable(request: Request, exc: Exception) -> Response:
    """The database is down, read-only or full: 503, and the client may try again."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    message = _(
        "Progress cannot be read or saved right now (the database is unavailable); nothing "
        "was lost. Try again in a moment."
    )
    return render_error(request, 503, message, {}, {"Retry-After": "5"})


async def invalid_answer(request: Request, exc: Exception) -> Response:
    """A service refused the choices an answer names (``InvalidAnswer``): a 422 per field."""
    return render_error(request, 422, str(exc), {"choice_ids": str(exc)}, None)


async def nothing_to_review(request: Request, exc: Exception) -> Response:
    return render_error(request, 404, str(exc), {}, None)


async def node_locked(request: Request, exc: Exception) -> Response:
    return render_error(request, 409, str(exc), {}, None)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = _("The server hit an unexpected problem. Your saved progress is safe; try again.")
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
    if request.headers.get("x-aula-fragment") == "1":
        fragment: Response = aula.render(
            request, "_problem.html", {"message": message, "fields": fields}, status_code=status
        )
        if headers:
            fragment.headers.update(headers)
        return fragment
    context = {
        "title": title_of(status),
        "status": status,
        "message": message,
        "fields": fields,
    }
    response: Response = aula.render(request, "error.html", context, status_code=status)
    if headers:
        response.headers.update(headers)
    return response
