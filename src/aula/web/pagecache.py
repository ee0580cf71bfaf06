"""A per-learner cache of whole page responses, in front of everything else (issue 11).

A page is a function of the course (fixed while served), the learner's stored data and the
clock. The first GET of a page renders it as usual; the response (status, headers, body) is
kept under the exact request (path, query, every header, so the cookie, the accepted encoding,
the fragment header, the theme and time zone cookies) and served again, without Starlette,
the middleware, the store or Jinja, while both hold:

- nothing was committed for that learner since the page was read (``Store.generations``:
  every write moves its learner on after its commit; a resume code moves everyone on), and
- it is younger than ``page_cache_seconds``, which bounds how late a change that comes from the
  clock alone shows (a review falling due, a new day for the streak).

Only routes that opt in (``cacheable``), only 200s without a ``Set-Cookie`` (a new or renewed
learner is never served from here), only GET. Writes made by another process are not seen, so
``create_app`` turns this on only when one process owns the database (SQLite, one worker).
Nothing here writes: a cached GET reads even less than a rendered one.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aula.store.generations import Generations

CACHEABLE = "page_cache"
"""The key a route sets in ``request.state`` to let its 200s be kept."""

Key = tuple[str, bytes, tuple[tuple[bytes, bytes], ...]]
Handler = Callable[[Request], Awaitable[Response]]


def cacheable(handler: Handler) -> Handler:
    """Mark a GET route whose page depends only on the course, the learner's own stored data
    and the clock (see the module's doc)."""

    @wraps(handler)
    async def marked(request: Request) -> Response:
        request.state.page_cache = True
        return await handler(request)

    return marked


@dataclass(frozen=True, slots=True)
class Entry:
    learner: str
    stamp: int
    born: float
    start: Message
    body: bytes
    cost: int


def _cost(key: Key, body: bytes) -> int:
    """Bytes an entry holds, counted against ``max_bytes``: its body, its key (the request's
    headers, which a client chooses) and a little for the rest."""
    return len(body) + len(key[0]) + len(key[1]) + sum(len(n) + len(v) for n, v in key[2]) + 512


class PageCache:
    """ASGI middleware: serve a kept response while it is still the page (module doc)."""

    def __init__(
        self,
        app: ASGIApp,
        generations: Generations,
        *,
        seconds: float,
        max_bytes: int = 64 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.generations = generations
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.clock = clock
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.size = 0
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        key: Key = (scope["path"], scope["query_string"], tuple(scope["headers"]))
        entry = self.entries.get(key)
        now = self.clock()
        if entry is not None:
            if now - entry.born < self.seconds and not self.generations.changed_since(
                entry.stamp, entry.learner
            ):
                self.hits += 1
                # A copy: outer middleware (the request id) adds its headers to what it is sent.
                await send({**entry.start, "headers": list(entry.start["headers"])})
                await send({"type": "http.response.body", "body": entry.body})
                return
            self._drop(key)
        self.misses += 1
        stamp = self.generations.stamp()  # before anything is read
        start: Message | None = None
        chunks: list[bytes] = []
        whole = False

        async def keep(message: Message) -> None:
            nonlocal start, whole
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message.get("headers", []))}
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                whole = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, keep)
        state = scope.get("state", {})
        if (
            start is not None
            and whole
            and start["status"] == 200
            and state.get(CACHEABLE)
            and isinstance(state.get("learner_id"), str)
            and not any(name == b"set-cookie" for name, _ in start.get("headers", []))
        ):
            body = b"".join(chunks)
            self._keep(key, Entry(state["learner_id"], stamp, now, start, body, _cost(key, body)))

    def _keep(self, key: Key, entry: Entry) -> None:
        cost = entry.cost
        if cost > self.max_bytes // 16:
            return
        self._drop(key)
        self.entries[key] = entry
        self.size += cost
        while self.size > self.max_bytes:
            self._drop(next(iter(self.entries)))

    def _drop(self, key: Key) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= entry.cost
