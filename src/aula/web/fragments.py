"""Course fragments: parts of a page that depend only on the course, rendered once.

The course is immutable while it is served, so a slide's frame, its code and Terminal panes or
a lesson's instructor sections render the same for every learner. In a template::

    {% fragment "slide", slide.id, view %} ...markup that reads no learner data... {% endfragment %}

renders its body the first time and reuses the HTML after that, keyed by the template, the
tag's place in it, the values given and the current language (``aula.i18n``). Only
learner-independent markup may go inside (no CSRF token, no progress): the keys must name
everything the body reads. Adapted from the fragment
cache extension in Jinja's documentation ("Writing Extensions").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from aula.i18n import current_language

MAX_FRAGMENTS = 10_000
"""A bound on the cache, so keys from untrusted input (a query string) cannot grow it forever."""


class FragmentExtension(Extension):
    tags = {"fragment"}  # noqa: RUF012 - Jinja's own class attribute

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self._cache: dict[tuple[object, ...], Markup] = {}
        self._lock = threading.Lock()
        environment.extend(fragment_cache=self._cache)

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        place = nodes.Const(f"{parser.name}:{lineno}")
        call = self.call_method("_render", [place, nodes.List(keys)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, place: str, keys: list[object], caller: Callable[[], str]) -> Markup:
        key = (place, current_language(), *keys)
        found = self._cache.get(key)
        if found is not None:
            return found
        html = Markup(caller())  # noqa: S704 - the template's own output, already escaped
        with self._lock:
            if len(self._cache) < MAX_FRAGMENTS:
                self._cache[key] = html
        return html
