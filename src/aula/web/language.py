"""Which language a request is answered in, and the middleware that sets it.

Order: ``?lang=`` (links, the JSON twins, ``hreflang`` alternates) > the cookie the switcher
sets (``POST /preferences/language``: a cookie, never a database row) > ``Accept-Language`` >
the course's default. Only languages both the interface and the course offer are chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aula.i18n import use_language

LANGUAGE_COOKIE = "aula_lang"
LANGUAGE_PARAM = "lang"
LANGUAGE_MAX_AGE = 365 * 24 * 3600
MAX_ACCEPT_LANGUAGE = 64
"""Ranges read from one Accept-Language header; the rest is ignored (it is client input)."""


def accepted_languages(header: str | None) -> list[str]:
    """The ranges of an ``Accept-Language`` header, most wanted first (RFC 9110 §12.5.4).

    ``"es-MX,es;q=0.9,en;q=0.8"`` -> ``["es-mx", "es", "en"]``; ``q=0`` means "not this";
    a malformed weight counts as 0. Equal weights keep the header's order."""
    weighted: list[tuple[float, int, str]] = []
    for place, part in enumerate((header or "").split(",")[:MAX_ACCEPT_LANGUAGE]):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        params = params.strip()
        if params:
            key, _, value = params.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
                if not 0.0 <= weight <= 1.0:
                    weight = 0.0
        if weight > 0:
            weighted.append((-weight, place, name))
    return [name for _, _, name in sorted(weighted)]


def best_match(wanted: Sequence[str], available: Sequence[str]) -> str | None:
    """The first of ``wanted`` that ``available`` has: exactly, or by its primary subtag
    (``es-MX`` gets ``es``); ``*`` takes the first available."""
    for name in wanted:
        if name == "*":
            return available[0] if available else None
        for candidate in (name, name.split("-")[0]):
            if candidate in available:
                return candidate
    return None


def negotiate(
    *,
    query: str | None,
    cookie: str | None,
    accept: str | None,
    available: Sequence[str],
    default: str,
) -> str:
    """The language to answer in (see the module's docstring for the order)."""
    for explicit in (query, cookie):
        if explicit:
            found = best_match([explicit.strip().lower()], available)
            if found:
                return found
    return best_match(accepted_languages(accept), available) or default


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                return None
            morsel = jar.get(LANGUAGE_COOKIE)
            return morsel.value if morsel else None
    return None


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def language_of_scope(scope: Scope, available: Sequence[str], default: str) -> str:
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    return negotiate(
        query=query.get(LANGUAGE_PARAM),
        cookie=_cookie(scope),
        accept=_header(scope, b"accept-language"),
        available=available,
        default=default,
    )


def language_of(request: HTTPConnection) -> str:
    """The language the middleware chose for this request."""
    lang: str = request.scope.get("state", {}).get("lang", "en")
    return lang


class LanguageMiddleware:
    """Chooses the request's language, puts it in ``scope["state"]["lang"]`` and makes it the
    current one for ``_()`` while the request runs; says so in ``Content-Language`` and that
    pages vary by ``Accept-Language`` and cookie. Sits outside the handler of 500s, so even
    that page is in the learner's language."""

    def __init__(self, app: ASGIApp, available: Sequence[str], default: str) -> None:
        self.app = app
        self.available = tuple(available)
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            await self.app(scope, receive, send)
            return
        lang = language_of_scope(scope, self.available, self.default)
        scope.setdefault("state", {})["lang"] = lang

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-language"] = lang
                vary = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
                for name in ("Accept-Language", "Cookie"):
                    if name.lower() not in {v.lower() for v in vary}:
                        vary.append(name)
                headers["vary"] = ", ".join(vary)
            await send(message)

        with use_language(lang):
            await self.app(scope, receive, send_with_language)
