"""Capping request bodies before anything buffers them (issue 12, finding 1).

Every request body is counted as it streams in, whether or not the client declared its length:
past the cap, reading it raises a 413 that the app's error handler words as usual. Addresses
that take uploads (the weights lab) have the upload cap; everything else, a small one, since a
JSON answer or a form is a few hundred bytes.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aula.content.urls import lab_url
from aula.web.forms import small_int

# The weights lab's form and its JSON twin (routes/labs.py) take uploads.
UPLOAD_PATHS = frozenset({lab_url("weights"), "/api" + lab_url("weights")})
MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around an upload of the full size


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"The request body is over this address's {limit:,}-byte limit (the server's "
            "body_limit_kb or upload_limit_mb setting); nothing was read past it.",
        )


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return small_int(value.decode("latin-1").strip())
    return None


class BodyLimitMiddleware:
    """Raise ``BodyTooLarge`` from ``receive`` once a body passes its address's limit."""

    def __init__(self, app: ASGIApp, *, limit: int, upload_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit + MULTIPART_SLACK

    def limit_for(self, path: str) -> int:
        return self.upload_limit if path in UPLOAD_PATHS else self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = declared_length(scope)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)  # said before reading a byte
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)
