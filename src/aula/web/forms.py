"""Reading what a browser or API client sent: forms, JSON bodies, CSRF tokens, return paths."""

from __future__ import annotations

import json
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from aula.i18n import N_, _
from aula.web.errors import InputError
from aula.web.identity import CSRF_FIELD, CSRF_HEADER

M = TypeVar("M", bound=BaseModel)
MAX_FORM_FIELDS = 100
CSRF_MESSAGE = N_(
    "This request has no valid CSRF token: it may come from another site, or the page is out "
    "of date. Reload the page and try again (API clients: send the X-CSRF-Token header from "
    "GET /api/session)."
)


async def read_form(request: Request) -> FormData:
    try:
        return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except HTTPException:
        raise
    except Exception as exc:  # malformed multipart or urlencoded bodies
        raise InputError(
            _("The form could not be read: %(error)s", error=exc), status_code=400
        ) from None


def _same_origin(request: Request) -> bool:
    """No Origin header (not a cross-site browser request) or this site's own origin."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")  # "null" never matches


def require_csrf(request: Request, token: str | None) -> None:
    """403 unless the token matches this learner's and the request comes from this site."""
    aula = request.app.state.aula
    if not _same_origin(request) or not aula.identity.csrf_ok(aula.learner(request), token):
        raise HTTPException(403, _(CSRF_MESSAGE))


def form_csrf(request: Request, form: FormData) -> None:
    token = form.get(CSRF_FIELD)
    require_csrf(request, token if isinstance(token, str) else None)


def header_csrf(request: Request) -> None:
    require_csrf(request, request.headers.get(CSRF_HEADER))


def media_type(request: Request) -> str:
    """The body's media type, parsed: ``Application/JSON; charset=utf-8`` is application/json."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def is_json(request: Request) -> bool:
    kind = media_type(request)
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def small_int(raw: str, digits: int = 18) -> int | None:
    """An ASCII decimal number of a sane length, or None (``"²".isdigit()`` is true, and
    ``int()`` refuses both it and numbers over 4,300 digits)."""
    if raw.isascii() and raw.isdigit() and len(raw) <= digits:
        return int(raw)
    return None


async def read_json(request: Request, model: type[M]) -> M:
    """Parse and validate a JSON body: 415 if it is not sent as JSON, 400 if it is not JSON
    (nested too deep, numbers too long), 422 naming each bad field. The body's size is capped
    before this by ``BodyLimitMiddleware``."""
    if not is_json(request):
        raise InputError(
            _("Send the body as JSON (Content-Type: application/json)."), status_code=415
        )
    body = await request.body()
    try:
        data: Any = json.loads(body)
    except RecursionError:
        raise InputError(
            _("The body is not usable JSON: it is nested too deep."), status_code=400
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError, or a 5,000-digit number
        raise InputError(
            _("The body is not valid JSON: %(error)s", error=exc), status_code=400
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = {
            ".".join(str(p) for p in err["loc"]) or "body": str(err["msg"]) for err in exc.errors()
        }
        raise InputError(_("Some fields are missing or invalid."), fields=fields) from None


def local_path(value: object, default: str) -> str:
    """A path on this site to send the learner back to; anything else becomes ``default``."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "\\" in value:
        return default
    return parts.path
