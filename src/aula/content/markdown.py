"""Author Markdown to safe HTML: CommonMark + tables, Pygments for code, nh3 to sanitise.

Rendering always sanitises, so a ``<script>`` in a slide can never run. ``unsafe_html`` finds
the raw HTML that sanitising would remove, so ``aula check`` can tell the author about it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlparse

import nh3
from markdown_it import MarkdownIt
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from aula.content.model import Rich

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"center", "acronym", "tt", "strike"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"title", "lang", "dir"},
}
CLASSED_TAGS = ("span", "code", "pre", "div")
# Only classes that Pygments emits, so author HTML cannot borrow the app's own classes.
ALLOWED_CLASSES = frozenset(c for c in STANDARD_TYPES.values() if c) | {"highlight"}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "highlight": highlight_block}).enable("table")


def highlight_block(code: str, lang: str, _attrs: str = "") -> str:
    """HTML for a fenced code block, highlighted by Pygments when the language is known."""
    return f'<pre class="highlight"><code>{highlight_code(code, lang)}</code></pre>'


def highlight_code(code: str, language: str) -> str:
    """Highlighted code as ``<span>``s, without the ``<pre>`` around it."""
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    html: str = pygments_highlight(code, lexer, HtmlFormatter(nowrap=True))
    return html


def sanitise(raw_html: str) -> str:
    return nh3.clean(
        raw_html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={tag: set(ALLOWED_CLASSES) for tag in CLASSED_TAGS},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def render(md: str) -> Rich:
    """Render block Markdown (a slide body, a definition)."""
    safe = sanitise(_parser().render(md))
    return Rich(md=md, html=safe, text=plain_text(safe))


def render_inline(md: str) -> Rich:
    """Render one line of Markdown (a choice, a card point) without a wrapping paragraph."""
    safe = sanitise(_parser().renderInline(md))
    return Rich(md=md, html=safe, text=plain_text(safe))


class _TextCollector(HTMLParser):
    BLOCKS = frozenset({"p", "li", "br", "div", "pre", "h1", "h2", "h3", "h4", "tr", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")


def plain_text(safe_html: str) -> str:
    collector = _TextCollector()
    collector.feed(safe_html)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).splitlines())
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class UnsafeHtml:
    line: int  # 0-based line within the Markdown text
    message: str


class _HtmlScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"raw HTML <{tag}> is not allowed and is removed when shown")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        for name, value in attrs:
            if name == "class" and tag in CLASSED_TAGS:
                continue
            if name not in allowed:
                self.problems.append(
                    f"attribute '{name}' on <{tag}> is not allowed and is removed when shown"
                )
            elif name in URL_ATTRIBUTES and value and _bad_scheme(value):
                self.problems.append(f"link '{html.escape(value)}' uses a scheme that is removed")


def _bad_scheme(url: str) -> bool:
    scheme = urlparse(url.strip()).scheme.lower()
    return bool(scheme) and scheme not in URL_SCHEMES


def unsafe_html(md: str) -> list[UnsafeHtml]:
    """Raw HTML in the Markdown that sanitising would remove, with the line it is on."""
    found: list[UnsafeHtml] = []
    for token in _parser().parse(md):
        line = token.map[0] if token.map else 0
        chunks = [token.content] if token.type == "html_block" else []
        chunks += [c.content for c in token.children or [] if c.type == "html_inline"]
        for chunk in chunks:
            scanner = _HtmlScanner()
            scanner.feed(chunk)
            found += [UnsafeHtml(line, message) for message in scanner.problems]
    return found
