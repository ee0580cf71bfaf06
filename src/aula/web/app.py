"""``create_app``: the Starlette app around an ``Aula`` (see ``aula.web.aula``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from aula.learning import InvalidAnswer
from aula.services.reviews import NothingToReview
from aula.store import StoreUnavailable
from aula.web.aula import Aula, aula_of
from aula.web.compression import compression
from aula.web.errors import (
    http_error,
    invalid_answer,
    nothing_to_review,
    server_error,
    unavailable,
)
from aula.web.identity import LearnerMiddleware, SecurityHeadersMiddleware
from aula.web.limits import BodyLimitMiddleware
from aula.web.routes import all_routes

__all__ = ["Aula", "aula_of", "create_app"]


class AulaStarlette(Starlette):
    """Starlette with the security headers outside everything, even the handler of 500s
    (user middleware sits inside ``ServerErrorMiddleware``, so it never sees those)."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack())


def create_app(aula: Aula, *, owns_store: bool = False) -> Starlette:
    """``owns_store``: close the store (drain its writer) when the server shuts down. A closed
    store refuses further use, so whoever opened the store closes it: ``build_app`` passes
    True; a test that opens a store and runs several clients on one app does not."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        if owns_store:
            aula.store.close()

    routes: list[BaseRoute] = [
        *all_routes(),
        Mount("/static", app=aula.assets, name="static"),
    ]
    app = AulaStarlette(
        routes=routes,
        middleware=[
            *compression(),  # zstd, brotli or gzip, as the client accepts
            Middleware(
                BodyLimitMiddleware,
                limit=aula.settings.body_limit_kb * 1024,
                upload_limit=aula.settings.upload_limit_mb * 1_000_000,
            ),
            Middleware(LearnerMiddleware, identity=aula.identity),
        ],
        exception_handlers={
            HTTPException: http_error,
            InvalidAnswer: invalid_answer,
            NothingToReview: nothing_to_review,
            StoreUnavailable: unavailable,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.aula = aula
    aula.bind(app.router)
    return app
