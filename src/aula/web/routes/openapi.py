"""``/api/openapi.json``: the API described from the YAML in each endpoint's docstring."""

from __future__ import annotations

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


async def openapi(request: Request) -> Response:
    api_routes = [r for r in request.app.routes if getattr(r, "path", "").startswith("/api/")]
    return JSONResponse(schemas.get_schema(routes=api_routes))


routes = [
    Route("/api/openapi.json", openapi, methods=["GET"], name="openapi", include_in_schema=False)
]
