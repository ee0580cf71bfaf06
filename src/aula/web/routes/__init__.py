"""Every route of the app, grouped in small modules by what they serve."""

from __future__ import annotations

from starlette.routing import BaseRoute


def all_routes() -> list[BaseRoute]:
    from aula.web.routes import answers, api, openapi, pages

    return [*pages.routes, *answers.routes, *api.routes, *openapi.routes]
