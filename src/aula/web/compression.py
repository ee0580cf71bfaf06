"""Compressed responses: zstd, brotli or gzip as the client accepts (``starlette-compress``).

A compressed body is other bytes than the plain one, so its ETag is made weak (``W/"…"``,
RFC 9110 §8.8.3, as nginx does when it gzips): a cache never mixes the two, and a client that
sends the weak tag back still gets its 304 (``If-None-Match`` compares weakly).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_compress import CompressMiddleware


class WeakETagWhenEncoded:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def weaken(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag and "content-encoding" in headers and not etag.startswith("W/"):
                    headers["etag"] = "W/" + etag
            await send(message)

        await self.app(scope, receive, weaken)


def compression() -> list[Middleware]:
    """The middleware, outermost first."""
    return [Middleware(WeakETagWhenEncoded), Middleware(CompressMiddleware)]
