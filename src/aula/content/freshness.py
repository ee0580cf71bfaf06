"""Facts go stale: warn when a source or a fact was last checked too long ago.

Prices, model line-ups and shutdown dates change within months, so ``aula check`` compares
each ``checked`` date in ``sources.yaml`` and ``catalog.yaml`` with today and warns (it does
not fail) when one is older than the allowed age (``AULA_FACTS_MAX_AGE_DAYS`` or
``aula check --max-age``). A fact without its own date inherits its source's, so the source's
warning covers it; a fact whose own date is old gets its own warning at its line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aula.content.findings import Finding
from aula.content.reader import ParsedCourse
from aula.content.yamlfile import Document, read_yaml

DEFAULT_MAX_AGE_DAYS = 180


def stale_facts(
    course: ParsedCourse, max_age_days: int = DEFAULT_MAX_AGE_DAYS, today: dt.date | None = None
) -> list[Finding]:
    """A warning for every ``checked`` date older than ``max_age_days`` before ``today``."""
    today = today or dt.date.today()
    limit = today - dt.timedelta(days=max_age_days)
    out: list[Finding] = []
    if course.sources is not None:
        for i, source in enumerate(course.sources.entry.sources):
            if source.checked < limit:
                out.append(
                    _warning(
                        course.sources.file,
                        course.sources.line("sources", i, "checked"),
                        f"source '{source.id}' was last checked on {source.checked.isoformat()}, "
                        f"{(today - source.checked).days} days ago (more than {max_age_days}): "
                        "check it again and update its facts and date",
                    )
                )
    catalog = course.root / "catalog.yaml"
    if catalog.is_file():
        out += _stale_catalog_facts(catalog, limit, today, max_age_days)
    return out


def _stale_catalog_facts(
    path: Path, limit: dt.date, today: dt.date, max_age_days: int
) -> list[Finding]:
    try:
        doc, _ = read_yaml(path, path.name)
    except (OSError, UnicodeDecodeError):
        return []  # reading it already reported the problem
    out = []
    for loc, checked in _checked_dates(doc.data, ()):
        if checked < limit:
            out.append(
                _warning(
                    doc.file,
                    _line(doc, loc),
                    f"this fact was last checked on {checked.isoformat()}, "
                    f"{(today - checked).days} days ago (more than {max_age_days})",
                )
            )
    return out


def _checked_dates(
    data: Any, loc: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], dt.date]]:
    if isinstance(data, dict):
        value = data.get("checked")
        if isinstance(value, dt.date) and "source" in data:
            yield loc, value
        for key, item in data.items():
            yield from _checked_dates(item, (*loc, str(key)))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _checked_dates(item, (*loc, i))


def _line(doc: Document, loc: tuple[str | int, ...]) -> int:
    return doc.line_of((*loc, "checked"))


def _warning(file: str, line: int, message: str) -> Finding:
    return Finding(file, line, message, severity="warning")
