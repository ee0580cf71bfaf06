"""The one application object (Datasette's habit): settings, course, store, templates.

Routes reach it with ``aula_of(request)``. Everything that does not depend on the learner is
computed once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlencode, urlsplit

import anyio
import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Router

from aula import i18n
from aula.content.localize import available, localized
from aula.content.model import Course
from aula.i18n import N_, _
from aula.instructor import Instructor
from aula.instructor.generative import is_own_host
from aula.services.lti import ToolKeys
from aula.services.sync import offline_version
from aula.services.xapi import Xapi
from aula.settings import Settings
from aula.store import Store
from aula.web.assets import Assets
from aula.web.errors import InputError
from aula.web.fragments import FragmentExtension
from aula.web.identity import Identity
from aula.web.language import LANGUAGE_PARAM, language_of

HERE = Path(__file__).parent
READ_THREADS = 2
"""Threads for page reads per process (``Aula.read``): about one per core."""
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Aula:
    """What every request handler needs, built once at start."""

    settings: Settings
    course: Course
    store: Store
    identity: Identity
    instructor: Instructor | None = None  # made on first use when not given
    env: Environment = field(init=False)
    _router: Router = field(init=False, repr=False)
    _urls: dict[tuple[object, ...], str] = field(init=False, repr=False, default_factory=dict)
    json_bodies: dict[str, bytes] = field(init=False, repr=False, default_factory=dict)
    """Course JSON by ETag (``etag.course_json``): the course is immutable while served."""
    _read_limiter: anyio.CapacityLimiter = field(
        init=False, repr=False, default_factory=lambda: anyio.CapacityLimiter(READ_THREADS)
    )

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[FragmentExtension, "jinja2.ext.i18n"],
            # The templates ship with the code: no stat() of each template on every render
            # (bench/pages.py). ``aula serve --reload`` restarts the process on a change.
            auto_reload=False,
        )
        # ``_()``, ``ngettext()`` and ``{% trans %}`` in the request's language (newstyle:
        # placeholders are filled and autoescaped by Jinja).
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            i18n.gettext_raw, i18n.ngettext_raw, newstyle=True
        )
        self.env.globals["static"] = self.static_url
        self.env.globals["course"] = self.course
        self.env.globals["offline_version"] = offline_version(self.course)
        self.env.globals["language_name"] = i18n.language_name
        self.env.globals["Markup"] = Markup  # fixed markup passed into a translated sentence
        self.env.filters["number"] = i18n.format_number
        self.env.filters["percent"] = i18n.format_percent
        self.env.filters["money"] = i18n.format_money
        self.env.filters["ago"] = i18n.format_ago
        self.env.filters["date"] = i18n.format_date
        self.env.filters["datetime"] = i18n.format_datetime

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The languages pages can be read in: those the course is offered in (its default
        first) that the interface speaks too; at least the default."""
        spoken = i18n.interface_languages()
        offered = [lang for lang in available(self.course) if lang in spoken]
        first = self.default_language
        return (first, *(lang for lang in offered if lang != first))

    def course_in(self, lang: str) -> Course:
        """The course with its text in ``lang`` where it has a translation (ids, answers and
        structure are the same in every language, so progress is too)."""
        return localized(self.course, lang)

    def localized(self, request: Request) -> Course:
        """The course in the language negotiated for ``request``."""
        return self.course_in(language_of(request))

    @cached_property
    def default_language(self) -> str:
        """The course's language, when the interface speaks it; else English."""
        lang = self.course.language
        return lang if lang in i18n.interface_languages() else i18n.SOURCE_LANGUAGE

    @cached_property
    def lti_keys(self) -> ToolKeys:
        """Aula's LTI signing keys, kept next to the cookie key (made by ``aula serve``)."""
        from aula.web.asgi import secret_dir  # the app module imports this one

        return ToolKeys(secret_dir(self.settings) / "lti-keys")

    @cached_property
    def xapi(self) -> Xapi | None:
        """Where xAPI statements point, when an LRS is configured (else none are made)."""
        return Xapi(self.settings.base_url()) if self.settings.lrs_url else None

    @cached_property
    def assets(self) -> Assets:
        """The static files; a content hash in each URL lets browsers keep them for a year."""
        return Assets(HERE / "static")

    def static_url(self, name: str) -> str:
        return self.assets.url(name)

    def bind(self, router: Router) -> None:
        """Learn the app's routes, so that links are made from route names (``url``)."""
        self._router = router
        self.env.globals["url"] = self.url

    def url(self, name: str, /, **params: Any) -> str:
        """The path of the route ``name`` with its ``params``, e.g. ``url("slide", ...)``."""
        key = (name, *sorted(params.items()))
        found = self._urls.get(key)
        if found is None:
            found = str(self._router.url_path_for(name, **params))
            if len(self._urls) < 100_000:  # routes x course items: bounded by the course
                self._urls[key] = found
        return found

    @cached_property
    def nav(self) -> list[tuple[str, str]]:
        """The main menu: (address, label to pass to ``_``)."""
        first = self.course.lessons[0].id if self.course.lessons else ""
        return [
            (self.url("home"), N_("Course")),
            (self.url("lesson", lesson_id=first), N_("Lesson")),
            (self.url("skills", lesson_id=first), N_("Skill tree")),
            (self.url("review"), N_("Review")),
            (self.url("progress"), N_("Progress")),
            (self.url("glossary"), N_("Glossary")),
            (self.url("instructor"), N_("Ask")),
            (self.url("labs"), N_("Labs")),
        ]

    @cached_property
    def remote_host(self) -> str | None:
        """Where the instructor sends questions, when that is another machine; else None."""
        config = self.settings.instructor()
        host = urlsplit(config.llm_url).hostname if config.llm_url else None
        return None if host is None or is_own_host(host, config.own_hosts) else host

    def privacy_note(self) -> str:
        """Where the learner's data goes, in the current language."""
        if self.remote_host:
            return _(
                "Runs on this server. The operator has set the instructor to send questions "
                "to %(host)s; everything else stays here.",
                host=self.remote_host,
            )
        return _("Runs entirely on this server: nothing you read, answer or ask leaves it.")

    def ask(self) -> Instructor:
        """The course's instructor; built on first use (embeddings, if any, in the background)."""
        if self.instructor is None:
            self.instructor = Instructor.for_course(
                self.course, settings=self.settings.instructor(), background=True
            )
        return self.instructor

    def history(self, request: Request) -> Store | None:
        """The store to read the learner's progress from, or None for a learner whose id was
        minted by this very request (nothing can be stored for them: no query is needed)."""
        return None if request.state.new_learner else self.store

    def learner(self, request: Request) -> str:
        learner_id: str = request.state.learner_id
        return learner_id

    def render(
        self, request: Request, template: str, context: dict[str, Any], status_code: int = 200
    ) -> HTMLResponse:
        learner_id = self.learner(request)
        path = request.url.path
        current = max(
            (
                href
                for href, _ in self.nav
                if path == href or path.startswith(href.rstrip("/") + "/")
            ),
            key=len,
            default=None,
        )
        lang = language_of(request)
        with i18n.use_language(lang):
            page = {
                "request": request,
                "course": self.course_in(lang),
                "nav": self.nav,
                "nav_current": current,
                "privacy_note": self.privacy_note(),
                "path": request.url.path,
                "csrf_token": self.identity.csrf_token(learner_id),
                "user": getattr(request.state, "user", None),
                "theme": theme_of(request),
                "lang": lang,
                "languages": self.languages,
                "alternates": self.alternates(request),
                **context,
            }
            html = self.env.get_template(template).render(page)
        return HTMLResponse(html, status_code=status_code)

    def alternates(self, request: Request) -> list[tuple[str, str]]:
        """(language, address) of this page in each language, for ``hreflang`` links (paths:
        the host a proxy was asked for is not known for sure)."""
        query = [(k, v) for k, v in request.query_params.multi_items() if k != LANGUAGE_PARAM]
        out = []
        for lang in self.languages:
            params = urlencode([*query, (LANGUAGE_PARAM, lang)])
            out.append((lang, f"{request.url.path}?{params}"))
        return out

    async def db(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a blocking call (the store, the instructor, a lab) off the event loop.

        The store refuses bad arguments with ``ValueError`` and a message (store/validation.py):
        that is the client's input, so a 422, never a 500."""
        try:
            return await run_in_threadpool(fn, *args, **kwargs)
        except HTTPException:
            raise
        except ValueError as exc:
            raise InputError(str(exc)) from None

    async def read(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a short blocking read (a page's service) in a small pool of its own.

        Page reads take a millisecond; forty threads fighting over the GIL for them cost more
        than the reads (bench/pages.py), and they must not wait behind slow calls either."""
        try:
            call = functools.partial(fn, *args, **kwargs)
            return await anyio.to_thread.run_sync(call, limiter=self._read_limiter)
        except HTTPException:
            raise
        except ValueError as exc:
            raise InputError(str(exc)) from None


THEME_COOKIE = "aula_theme"
ZONE_COOKIE = "aula_tz"
FRAGMENT_HEADER = "x-aula-fragment"


def theme_of(request: Request) -> str | None:
    """The learner's chosen theme ("light" or "dark"), or None to follow the system."""
    theme = request.cookies.get(THEME_COOKIE)
    return theme if theme in ("light", "dark") else None


def wants_fragment(request: Request) -> bool:
    """aula.js asks for the piece of the page it swaps in, rendered by the same template."""
    return request.headers.get(FRAGMENT_HEADER) == "1"


def aula_of(request: Request) -> Aula:
    """The application object, from any request."""
    aula: Aula = request.app.state.aula
    return aula
