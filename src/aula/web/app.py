"""``create_app``: the Starlette app around an ``Aula`` (see ``aula.web.aula``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from aula.i18n import _
from aula.learning import InvalidAnswer
from aula.services.answers import NodeLocked
from aula.services.delivery import Deliverer, Sender, xapi_sender
from aula.services.lti import ags_sender
from aula.services.reviews import NothingToReview
from aula.store import OutboxKind, ResumeRefused, StoreUnavailable
from aula.web.aula import Aula, aula_of
from aula.web.auth import AccountMiddleware
from aula.web.compression import compression
from aula.web.errors import (
    http_error,
    invalid_answer,
    node_locked,
    nothing_to_review,
    render_error,
    server_error,
    unavailable,
)
from aula.web.identity import LearnerMiddleware, SecurityHeadersMiddleware
from aula.web.language import LanguageMiddleware
from aula.web.limits import BodyLimitMiddleware
from aula.web.observe import COMMIT_BATCH, LogLine, ObserveMiddleware, stderr_line
from aula.web.pagecache import PageCache
from aula.web.routes import all_routes

__all__ = ["Aula", "aula_of", "create_app"]


async def moved_away(request: Request, exc: Exception) -> Response:
    """A write from a browser whose progress moved elsewhere: say so, and start it afresh."""
    assert isinstance(exc, ResumeRefused)
    aula = aula_of(request)
    response = render_error(request, 409, _(exc.message), {}, None)
    response.headers.append("set-cookie", aula.identity.cookie_header(aula.identity.new_learner()))
    return response


class AulaStarlette(Starlette):
    """Starlette with the security headers and the language outside everything, even the
    handler of 500s (user middleware sits inside ``ServerErrorMiddleware``, so it never sees
    those), the page cache, when on, outside them (a kept response carries its headers), and
    the request log and metrics outside that, so they time and see every response."""

    page_cache: PageCache | None = None
    log_requests: LogLine | None = None

    def build_middleware_stack(self) -> ASGIApp:
        aula: Aula = self.state.aula
        inner = super().build_middleware_stack()
        # The language is chosen outside the handler of 500s too, so that page is translated.
        app: ASGIApp = SecurityHeadersMiddleware(
            LanguageMiddleware(inner, aula.languages, aula.default_language)
        )
        seconds = aula.settings.page_cache_seconds
        # Only one process writing this database, so every write is seen (pagecache.py). The
        # language comes from the query, a cookie or Accept-Language: all in the cache's key.
        if seconds > 0 and aula.settings.workers == 1 and aula.store.engine_name == "sqlite":
            self.page_cache = PageCache(app, aula.store.generations, seconds=seconds)
            app = self.page_cache
        return ObserveMiddleware(app, log=self.log_requests)


def outbox_deliverer(aula: Aula) -> Deliverer | None:
    """The background sender of xAPI statements (when an LRS is configured) and of LTI scores
    (when a platform is registered; registering one takes a restart to start it)."""
    settings = aula.settings
    senders: dict[OutboxKind, Sender] = {}
    if settings.lrs_url:
        senders["xapi"] = xapi_sender(
            settings.lrs_url, settings.lrs_username, settings.lrs_password
        )
    try:
        platforms = bool(aula.store.lti_platforms())
    except StoreUnavailable:  # the database is away at start: /readyz says so; send when back
        platforms = True
    if platforms:
        senders["ags"] = ags_sender(aula.store, aula.lti_keys)
    if not senders:
        return None
    return Deliverer(aula.store, senders, longest=settings.outbox_retry_max_seconds)


def create_app(
    aula: Aula, *, owns_store: bool = False, log_line: LogLine | None = None, deliver: bool = True
) -> Starlette:
    """``owns_store``: close the store (drain its writer) when the server shuts down. A closed
    store refuses further use, so whoever opened the store closes it: ``build_app`` passes
    True; a test that opens a store and runs several clients on one app does not.
    ``log_line``: where the request lines go instead of standard error (tests).
    ``deliver``: run the outbox's background deliverer (tests that deliver by hand say no)."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        deliverer = outbox_deliverer(aula) if deliver else None
        if deliverer is not None:
            deliverer.start()
        yield
        if deliverer is not None:
            deliverer.stop()
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
            Middleware(AccountMiddleware, aula=aula),
        ],
        exception_handlers={
            HTTPException: http_error,
            InvalidAnswer: invalid_answer,
            NothingToReview: nothing_to_review,
            ResumeRefused: moved_away,
            NodeLocked: node_locked,
            StoreUnavailable: unavailable,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.log_requests = log_line or (stderr_line if aula.settings.request_log == "json" else None)
    app.state.aula = aula
    aula.bind(app.router)
    aula.store.observe_batches(COMMIT_BATCH.observe)
    return app
