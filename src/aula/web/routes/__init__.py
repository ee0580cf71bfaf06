"""Every route of the app, grouped in small modules by what they serve.

Route modules import services and the web helpers, never each other (a test checks).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from aula.web.routes import answers, api, instructor, labs, openapi, pages, review, skills


def all_routes() -> list[BaseRoute]:
    modules = (pages, answers, skills, review, instructor, labs, api, openapi)
    return [route for module in modules for route in module.routes]
