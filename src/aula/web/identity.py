"""Who is asking: an anonymous learner id in a signed cookie, and the CSRF token bound to it.

The first visit gets a random learner id, signed with the server's secret, in an HttpOnly,
SameSite=Lax cookie. State-changing requests must carry a token derived from that id (a
hidden form field, or the ``X-CSRF-Token`` header for the JSON API): a page on another site
can neither read the token nor, with SameSite=Lax, send the cookie on a cross-site POST.
"""

from __future__ import annotations

import hmac
import os
import secrets
from hashlib import sha256
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

from itsdangerous import BadSignature, Signer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "aula_learner"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def load_or_create_secret(folder: Path) -> str:
    """The key kept in ``folder/secret.key``, made on first use, readable by the owner only."""
    path = folder / "secret.key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


class Identity:
    """Signs learner ids and derives their CSRF tokens from the server secret."""

    def __init__(self, secret: str, *, secure_cookie: bool = False) -> None:
        self._signer = Signer(secret, salt="aula.learner")
        self._csrf_key = sha256(f"aula.csrf:{secret}".encode()).digest()
        self.secure_cookie = secure_cookie

    def new_learner(self) -> str:
        return secrets.token_urlsafe(16)

    def sign(self, learner_id: str) -> str:
        return self._signer.sign(learner_id).decode()

    def unsign(self, value: str) -> str | None:
        try:
            return self._signer.unsign(value).decode()
        except (BadSignature, UnicodeDecodeError):
            return None

    def csrf_token(self, learner_id: str) -> str:
        return hmac.new(self._csrf_key, learner_id.encode(), sha256).hexdigest()

    def csrf_ok(self, learner_id: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(learner_id), token or "")

    def cookie_header(self, learner_id: str) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE] = self.sign(learner_id)
        morsel = cookie[COOKIE]
        morsel["path"] = "/"
        morsel["max-age"] = COOKIE_MAX_AGE
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self.secure_cookie:
            morsel["secure"] = True
        return morsel.OutputString()


class LearnerMiddleware:
    """Puts ``learner_id`` (and whether it is new) in ``scope["state"]``; sets the cookie."""

    def __init__(self, app: ASGIApp, identity: Identity) -> None:
        self.app = app
        self.identity = identity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        learner_id = self._from_cookie(scope)
        is_new = learner_id is None
        learner_id = learner_id or self.identity.new_learner()
        state = scope.setdefault("state", {})
        state["learner_id"] = learner_id
        state["new_learner"] = is_new

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and is_new:
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", self.identity.cookie_header(learner_id))
            await send(message)

        await self.app(scope, receive, send_with_cookie if is_new else send)

    def _from_cookie(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie: SimpleCookie = SimpleCookie()
                try:
                    cookie.load(value.decode("latin-1"))
                except CookieError:  # a garbled cookie is just no cookie
                    return None
                if COOKIE in cookie:
                    return self.identity.unsign(cookie[COOKIE].value)
        return None


class SecurityHeadersMiddleware:
    """Headers that keep author or learner text from ever running as script, on every
    response: ``create_app`` puts this outside the handler of 500s too."""

    HEADERS = (
        (
            b"content-security-policy",
            b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            b"frame-ancestors 'none'",
        ),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (
            b"permissions-policy",
            b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
            b"bluetooth=(), interest-cohort=(), browsing-topics=()",
        ),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
