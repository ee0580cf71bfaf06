"""Who is signed in, and what the ``access`` setting lets an anonymous visitor reach.

``AccountMiddleware`` runs inside ``LearnerMiddleware``: a valid, signed, unexpired session
cookie (a random token whose SHA-256 the store keeps) replaces the anonymous learner id with
the account's, so every page and every CSRF token follow the account. Anonymous visitors
read no database here: only a request carrying a session cookie costs a lookup.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import quote

import anyio.to_thread
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aula.services.accounts import session_user
from aula.store.account_store import UserRecord

if TYPE_CHECKING:
    from aula.web.aula import Aula

SESSION_COOKIE = "aula_session"
# Reachable without an account when ``access`` is not "open": signing in, and what it needs.
OPEN_PREFIXES = ("/login", "/account/link/", "/auth/", "/static/", "/api/login")
# /healthz, /livez, /readyz and /metrics are for load balancers and monitoring, which never sign in.
OPEN_PATHS = frozenset(
    {
        "/favicon.ico",
        "/api/session",
        "/account/link",
        "/logout",
        "/about",
        "/healthz",
        "/livez",
        "/readyz",
        "/metrics",
    }
)


def session_cookie(aula: Aula, token: str, secure: bool) -> str:
    cookie: SimpleCookie = SimpleCookie()
    cookie[SESSION_COOKIE] = aula.identity.sign_session(token)
    morsel = cookie[SESSION_COOKIE]
    morsel["path"] = "/"
    morsel["max-age"] = aula.settings.session_hours * 3600
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if secure:
        morsel["secure"] = True
    return morsel.OutputString()


def clear_session_cookie() -> str:
    return f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except CookieError:
                return None
            if name in cookie:
                return cookie[name].value
    return None


class AccountMiddleware:
    """Puts ``user`` (or None) and ``session_token`` in the request state; guards ``access``."""

    def __init__(self, app: ASGIApp, aula: Aula) -> None:
        self.app = app
        self.aula = aula

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["user"] = None
        state["session_token"] = None
        raw = _cookie(scope, SESSION_COOKIE)
        stale = False
        if raw:
            max_age = self.aula.settings.session_hours * 3600
            token = self.aula.identity.read_session(raw, max_age)
            user = (
                await anyio.to_thread.run_sync(session_user, self.aula.store, token)
                if token
                else None
            )
            if user is not None and token is not None:
                state["user"] = user
                state["session_token"] = token
                state["learner_id"] = user.learner_id
                state["new_learner"] = False
            else:
                stale = True  # forged, expired or signed out elsewhere: drop the cookie
        if state["user"] is None and self.aula.settings.access != "open":
            path = scope.get("path", "")
            if not (path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)):
                await self._refuse(scope, receive, send, path)
                return
        if not stale:
            await self.app(scope, receive, send)
            return

        async def send_clearing(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", clear_session_cookie())
            await send(message)

        await self.app(scope, receive, send_clearing)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        response: Response
        if path.startswith("/api/"):
            response = JSONResponse(
                {
                    "error": {
                        "status": 401,
                        "message": "Sign in first: this course needs an account.",
                    }
                },
                status_code=401,
            )
        else:
            login = self.aula.url("login")
            response = RedirectResponse(f"{login}?next={quote(path)}", status_code=303)
        await response(scope, receive, send)


def current_user(request: Request) -> UserRecord | None:
    user: UserRecord | None = request.state.user
    return user


def require_user(request: Request) -> UserRecord:
    """The signed-in user; else 401 (API) or a redirect to sign in (pages)."""
    user = current_user(request)
    if user is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(401, "Sign in first.")
        login = request.app.state.aula.url("login")
        where = f"{login}?next={quote(request.url.path)}"
        raise HTTPException(303, "Sign in first.", headers={"location": where})
    return user


def require_teacher(request: Request) -> UserRecord:
    """A teacher or an admin; a learner gets 403, nobody signed in 401 / sign-in."""
    user = require_user(request)
    if user.role not in ("teacher", "admin"):
        raise HTTPException(403, "Only teachers see cohorts and their dashboards.")
    return user
