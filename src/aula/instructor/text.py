"""Author text to blocks and sentences: the units the instructor can quote.

``Rich.text`` keeps the author's line wraps, so paragraphs and table cells cannot be told apart
from it; the sanitised HTML still has that structure, so blocks are read from there. A table
row becomes one sentence that names its columns ("Version: SDXL base 1.0; File: 6.94 GB"), which
reads well when quoted alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool = False


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._heading = False
        self._row: list[str] | None = None
        self._header: list[str] = []
        self._in_head = False

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.blocks.append(Block(text, self._heading))
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._heading = tag in _HEADINGS
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._flush()
            self._row = []
        elif tag in ("td", "th"):
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._heading = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(" ".join("".join(self._buf).split()))
            self._buf = []
        elif tag == "tr" and self._row is not None:
            self._end_row(self._row)
            self._row = None

    def _end_row(self, cells: list[str]) -> None:
        if self._in_head:
            self._header = cells
        else:
            self.blocks.append(Block(labelled_row(self._header, cells)))

    def handle_data(self, data: str) -> None:
        self._buf.append(data)


def labelled_row(header: list[str], cells: list[str]) -> str:
    """'Version: SD 1.5; File: 2.13 GB' — a row that still makes sense quoted on its own."""
    if len(header) != len(cells):
        return "; ".join(c for c in cells if c)
    return "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=True) if c)


def blocks(safe_html: str) -> list[Block]:
    """Paragraphs, list items, headings and table rows of sanitised HTML, in order."""
    parser = _BlockParser()
    parser.feed(safe_html)
    parser.close()
    parser._flush()
    return parser.blocks


# A sentence ends at . ! ? (or a colon before a list) followed by a capital, digit or quote.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(¿¡]?[A-ZÁÉÍÓÚÑ0-9$])")
_ABBREVIATIONS = ("vs.", "e.g.", "i.e.", "etc.", "approx.", "no.", "fig.", "cf.", "dr.", "mr.")


def sentences(text: str) -> list[str]:
    """Split a block into sentences without breaking "vs. Control" or "e.g. SDXL"."""
    out: list[str] = []
    for piece in _BOUNDARY.split(" ".join(text.split())):
        piece = piece.strip()
        if out and out[-1].lower().endswith(_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


_COLUMNS = re.compile(r"\s{2,}")


def _is_art(line: str) -> bool:
    """ASCII art and progress bars: mostly symbols, no words worth finding."""
    letters = sum(ch.isalnum() for ch in line)
    return letters < 0.5 * len(line.replace(" ", "")) or not re.search(r"[A-Za-z]{3}", line)


def _cells(line: str, first: bool) -> list[str]:
    cells = _COLUMNS.split(line.strip())
    # A block's first line, indented, is a header whose first column has no title.
    return ["", *cells] if first and line.startswith("  ") and len(cells) > 1 else cells


def terminal_lines(stdout: str) -> list[str]:
    """Lines of a program's output worth quoting: a column layout becomes labelled cells.

    In a block of lines (between blank lines), the first line with three or more columns is
    read as the header of the lines below it, so "SDXL fp16, batch of 4   21.7 GB ..." is quoted
    as "setup: SDXL fp16, batch of 4; peak: 21.7 GB; ...". A two-column line reads "a: b".
    Other lines stay lines: programs print what they mean one line at a time.
    """
    out: list[str] = []
    for para in re.split(r"\n\s*\n", stdout):
        header: list[str] = []
        lines = [ln.rstrip() for ln in para.splitlines() if ln.strip()]
        for i, line in enumerate(lines):
            if _is_art(line):
                continue
            cells = _cells(line, i == 0)
            if len(cells) >= 3 and not header:
                header = cells
            elif len(cells) >= 2:
                out.append(
                    labelled_row(header, cells) if header else ": ".join(c for c in cells if c)
                )
            else:
                out.append(" ".join(line.split()))
    return out
