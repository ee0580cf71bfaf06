"""Who is asking: an anonymous learner id in a signed cookie, and the CSRF token bound to it.

The first visit gets a random learner id, signed with the server's secret, in an HttpOnly,
SameSite=Lax cookie. State-changing requests must carry a token derived from that id (a
hidden form field, or the ``X-CSRF-Token`` header for the JSON API): a page on another site
can neither read the token nor, with SameSite=Lax, send the cookie on a cross-site POST.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import stat
import time
from collections.abc import Iterable
from hashlib import sha256
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any

from itsdangerous import (
    BadSignature,
    SignatureExpired,
    Signer,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "aula_learner"
COOKIE_MAX_AGE = 365 * 24 * 3600  # the default of the cookie_max_age_days setting
MIN_SECRET_LENGTH = 16  # shorter (or empty) keys in secret.key are replaced, never used
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
VERIFIED_COOKIES = 10_000  # signatures remembered (Identity.read); forgotten all at once past it


def load_or_create_secret(folder: Path) -> str:
    """The key kept in ``folder/secret.key``, made on first use, readable by the owner only.

    An empty, blank or short key is never used (cookies signed with an empty key would
    validate anywhere): it is replaced by a new one, which only signs learners out."""
    path = folder / "secret.key"
    if path.exists():
        key = path.read_text(encoding="ascii", errors="replace").strip()
        if len(key) >= MIN_SECRET_LENGTH:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)  # readable by others: close it
            return key
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    scratch = path.with_name(f".secret.key.{os.getpid()}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(scratch, path)  # whole or not at all, even if two workers start at once
    return load_or_create_secret(folder) if path.read_text(encoding="ascii") != key else key


def parse_networks(text: str | None) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``trusted_proxies``: comma-separated addresses or networks; ValueError names a bad one."""
    out = []
    for item in (text or "").split(","):
        if item.strip():
            try:
                out.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ValueError(f"'{item.strip()}' is not an IP address or network") from None
    return tuple(out)


class Identity:
    """Signs learner ids and derives their CSRF tokens from the server secret."""

    def __init__(
        self,
        secret: str,
        *,
        secure_cookie: bool = False,
        max_age: int = COOKIE_MAX_AGE,
        previous: Iterable[str] = (),
        trusted_proxies: str | None = None,
    ) -> None:
        if not secret.strip():
            raise ValueError("the cookie key is blank: cookies signed with it would prove nothing")
        older = [k for k in previous if k.strip()]
        # Signs with the newest key (the last); accepts any of them, so keys can be rotated.
        self._signer = TimestampSigner([*older, secret], salt="aula.learner")
        self._current = TimestampSigner(secret, salt="aula.learner")
        # Cookies from before timestamps (no expiry): accepted once, then re-issued.
        self._legacy = Signer([*older, secret], salt="aula.learner")
        self._sessions = TimestampSigner([*older, secret], salt="aula.session")
        self._flows = TimestampSigner([*older, secret], salt="aula.oidc")
        self._csrf_key = sha256(f"aula.csrf:{secret}".encode()).digest()
        # Short-lived sealed values (LTI's state and nonce between login and launch).
        self._sealer = URLSafeTimedSerializer([*older, secret], salt="aula.sealed")
        self.secure_cookie = secure_cookie
        self.max_age = max_age
        self.trusted_proxies = parse_networks(trusted_proxies)
        # Cookies whose signature checked out: (learner, signed at, by an older key). An HMAC
        # per request was ~5% of a page's CPU (bench/pages.py); the age is still checked.
        self._verified: dict[str, tuple[str, int, bool]] = {}

    def new_learner(self) -> str:
        return secrets.token_urlsafe(16)

    def sign(self, learner_id: str) -> str:
        return self._signer.sign(learner_id).decode()

    def unsign(self, value: str) -> str | None:
        found = self.read(value)
        return found[0] if found else None

    def read(self, value: str) -> tuple[str, bool] | None:
        """The learner id in a cookie and whether to send the cookie again (signed by an older
        key, without a timestamp, or past half its life); None if it is forged or expired."""
        known = self._verified.get(value)
        if known is not None:  # its signature was checked before: only its age can change
            learner_id, signed, old_key = known
            age = int(time.time()) - signed  # as itsdangerous counts it
            if not 0 <= age <= self.max_age:
                return None
            return learner_id, old_key or time.time() - signed > self.max_age / 2
        try:
            learner, signed_at = self._signer.unsign(
                value, max_age=self.max_age, return_timestamp=True
            )
            try:
                self._current.unsign(value)
                old_key = False
            except BadSignature:
                old_key = True
            stale = time.time() - signed_at.timestamp() > self.max_age / 2
            if len(self._verified) >= VERIFIED_COOKIES:
                self._verified.clear()
            self._verified[value] = (learner.decode(), int(signed_at.timestamp()), old_key)
            return learner.decode(), old_key or stale
        except (SignatureExpired, UnicodeDecodeError):
            return None
        except BadSignature:
            pass
        if value.count(".") != 1:  # "id.signature": a timestamped value is never read as one
            return None
        try:
            return self._legacy.unsign(value).decode(), True
        except (BadSignature, UnicodeDecodeError):
            return None

    def secure_for(self, scope: Scope) -> bool:
        """Whether this request's cookie gets ``Secure``: always with ``cookie_secure``, over
        HTTPS, or when a trusted proxy says the client used HTTPS (``X-Forwarded-Proto``)."""
        if self.secure_cookie or scope.get("scheme") == "https":
            return True
        client = scope.get("client")
        if not self.trusted_proxies or not client:
            return False
        try:
            address = ipaddress.ip_address(client[0])
        except ValueError:
            return False
        if not any(address in net for net in self.trusted_proxies):
            return False
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-proto":
                return bool(value.decode("latin-1").split(",")[0].strip().lower() == "https")
        return False

    def seal(self, value: Any) -> str:
        """``value`` (JSON-able) signed and timestamped, for a cookie or a hidden field."""
        return str(self._sealer.dumps(value))

    def unseal(self, sealed: str, max_age: int) -> Any:
        """What ``seal`` sealed, or None if it is forged or older than ``max_age`` seconds."""
        try:
            return self._sealer.loads(sealed, max_age=max_age)
        except BadSignature:  # SignatureExpired is one
            return None

    def sign_session(self, token: str) -> str:
        return self._sessions.sign(token).decode()

    def read_session(self, value: str, max_age: int) -> str | None:
        """The session token in a signed cookie younger than ``max_age`` seconds, or None."""
        try:
            return self._sessions.unsign(value, max_age=max_age).decode()
        except (BadSignature, UnicodeDecodeError):
            return None

    def sign_flow(self, text: str) -> str:
        return self._flows.sign(text).decode()

    def read_flow(self, value: str, max_age: int) -> str | None:
        """A single sign-on flow's values, signed by this server less than ``max_age`` ago."""
        try:
            return self._flows.unsign(value, max_age=max_age).decode()
        except (BadSignature, UnicodeDecodeError):
            return None

    def csrf_token(self, learner_id: str) -> str:
        return hmac.new(self._csrf_key, learner_id.encode(), sha256).hexdigest()

    def csrf_ok(self, learner_id: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(learner_id), token or "")

    def cookie_header(self, learner_id: str, *, secure: bool | None = None) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE] = self.sign(learner_id)
        morsel = cookie[COOKIE]
        morsel["path"] = "/"
        morsel["max-age"] = self.max_age
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self.secure_cookie if secure is None else secure:
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
        found = self._from_cookie(scope)
        is_new = found is None
        learner_id = found[0] if found else self.identity.new_learner()
        renew = is_new or (found is not None and found[1])
        state = scope.setdefault("state", {})
        state["learner_id"] = learner_id
        state["new_learner"] = is_new

        async def send_with_cookie(message: Message) -> None:
            # A route may switch the learner (an LTI launch signs its user in): their cookie.
            current = state.get("learner_id", learner_id)
            if message["type"] == "http.response.start" and (renew or current != learner_id):
                headers = MutableHeaders(scope=message)
                secure = self.identity.secure_for(scope)
                headers.append("set-cookie", self.identity.cookie_header(current, secure=secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _from_cookie(self, scope: Scope) -> tuple[str, bool] | None:
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie: SimpleCookie = SimpleCookie()
                try:
                    cookie.load(value.decode("latin-1"))
                except CookieError:  # a garbled cookie is just no cookie
                    return None
                if COOKIE in cookie:
                    return self.identity.read(cookie[COOKIE].value)
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
                # A response with a policy of its own keeps it (the LTI deep-linking answer
                # posts a form to the LMS): two policies would both apply.
                own = {name.lower() for name, _ in message["headers"]}
                added = [(n, v) for n, v in self.HEADERS if n not in own]
                message["headers"] = [*message["headers"], *added]
            await send(message)

        await self.app(scope, receive, send_with_headers)
