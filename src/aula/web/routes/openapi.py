"""``/api/openapi.json``: the API described from the YAML in each endpoint's docstring."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

import aula

schemas = SchemaGenerator(
    {
        "openapi": "3.0.3",
        "info": {
            "title": "Aula API",
            "version": aula.__version__,
            "description": (
                "JSON twins of Aula's pages. Learners are anonymous, identified by a signed "
                "cookie; POST requests need the X-CSRF-Token header from GET /api/session. "
                "Errors are `{error: {status, message, fields?}}`."
            ),
        },
    }
)


# Responses every route of a kind really gives, from the layers in front of it: said once here
# rather than in each docstring. (A docstring's own wording wins.)
BODY_RESPONSES: dict[str, Any] = {
    "403": {"description": "Missing or wrong CSRF token."},
    "413": {
        "description": "The body is over the server's limit (body_limit_kb, or for "
        "uploads upload_limit_mb); nothing past it was read."
    },
}
JSON_RESPONSES: dict[str, Any] = {
    "400": {
        "description": "The body is not valid JSON (or nested too deep, or a number too long)."
    },
    "415": {"description": "The body is not sent as application/json."},
    "422": {"description": "Fields missing or invalid: `error.fields` names each one."},
}
OCTET_RESPONSES: dict[str, Any] = {
    "422": {"description": "The input cannot be used; the message says why."}
}
ANY_RESPONSES: dict[str, Any] = {
    "503": {
        "description": "The database is unavailable (down, read-only or full); nothing "
        "was lost. Try again after `Retry-After` seconds."
    },
}
PATH_RESPONSES: dict[str, Any] = {"404": {"description": "Nothing has that id."}}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the responses each operation gets from the middleware and the body reader."""
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            extra = dict(ANY_RESPONSES)
            if "{" in path:
                extra |= PATH_RESPONSES
            content = operation.get("requestBody", {}).get("content", {})
            if content:
                extra |= BODY_RESPONSES
            if "application/json" in content:
                extra |= JSON_RESPONSES
            if "application/octet-stream" in content:
                extra |= OCTET_RESPONSES
            for status, response in extra.items():
                if status not in responses and int(status) not in responses:
                    responses[status] = response
    return schema


async def openapi(request: Request) -> Response:
    api_routes = [r for r in request.app.routes if getattr(r, "path", "").startswith("/api/")]
    return JSONResponse(document(schemas.get_schema(routes=api_routes)))


routes = [
    Route("/api/openapi.json", openapi, methods=["GET"], name="openapi", include_in_schema=False)
]
