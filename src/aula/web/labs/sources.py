"""Where a lab's fact comes from, as a link to the course's source (``sources.yaml``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from aula.content.model import Source


@dataclass(frozen=True)
class Cited:
    """A fact's source as the page shows it; ``url`` is empty when the course lacks the id."""

    id: str
    title: str
    url: str
    number: int  # its place in the page's list of sources, from 1
    checked: str  # the day the fact was checked, ISO, or ""
    marks: tuple[str, ...]  # "uncertain", "derived"


class Citations:
    """Numbers each source the first time a page cites it, for a list at the page's end."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self.sources = sources
        self.order: dict[str, int] = {}

    def cite(
        self,
        source_id: str,
        checked: dt.date | None,
        *,
        uncertain: bool = False,
        derived: bool = False,
    ) -> Cited:
        number = self.order.setdefault(source_id, len(self.order) + 1)
        found = self.sources.get(source_id)
        marks = tuple(m for m, on in (("uncertain", uncertain), ("derived", derived)) if on)
        return Cited(
            id=source_id,
            title=found.title if found else source_id,
            url=found.url if found else "",
            number=number,
            checked=checked.isoformat() if checked else "",
            marks=marks,
        )

    def listed(self) -> list[dict[str, str | int]]:
        """Every cited source, in the order first cited."""
        out: list[dict[str, str | int]] = []
        for source_id, number in self.order.items():
            found = self.sources.get(source_id)
            out.append(
                {
                    "number": number,
                    "id": source_id,
                    "title": found.title if found else source_id,
                    "url": found.url if found else "",
                    "publisher": (found.publisher or "") if found else "",
                    "checked": found.checked.isoformat() if found else "",
                }
            )
        return out
