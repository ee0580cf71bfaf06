"""Every route of the app, grouped in small modules by what they serve.

Route modules import services and the web helpers, never each other (a test checks).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

# Before any route is built: {number:int} takes at most 18 digits (see lookup.py).
import aula.web.lookup  # noqa: F401
from aula.web.routes import (
    accounts,
    answers,
    api,
    instructor,
    labs,
    lti,
    offline,
    openapi,
    ops,
    pages,
    progress,
    review,
    skills,
    teach,
)


def all_routes() -> list[BaseRoute]:
    modules = (
        pages,
        answers,
        progress,
        skills,
        review,
        instructor,
        labs,
        lti,
        accounts,
        teach,
        api,
        offline,
        openapi,
        ops,
    )
    return [route for module in modules for route in module.routes]
