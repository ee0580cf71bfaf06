"""The model comparison on the web: one card per model, every fact with its numbered source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from aula.content.model import Source
from aula.labs.compare import Comparison, ModelRow, Sourced
from aula.web.labs.sources import Citations


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _fact(label: str, fact: Sourced[Any], citations: Citations, unit: str = "") -> dict[str, Any]:
    cited = citations.cite(
        fact.source, fact.checked, uncertain=fact.uncertain, derived=fact.derived
    )
    return {"label": label, "value": _text(fact.value) + unit, "note": fact.note, "cited": cited}


def _card(row: ModelRow, citations: Citations) -> dict[str, Any]:
    facts = []
    if row.retired:
        facts.append(_fact("Retired (history, not for sale)", row.retired, citations))
    facts += [
        _fact("Licence", row.license, citations),
        _fact("Runs locally", row.runs_locally, citations),
    ]
    if row.parameters_b:
        facts.append(_fact("Parameters", row.parameters_b, citations, " billion"))
    facts += [_fact(f"File: {f.label}", f.size_gb, citations, " GB") for f in row.files]
    facts += [
        _fact("Price", row.price, citations),
        _fact("Privacy", row.privacy, citations),
        _fact("LoRA", row.lora, citations),
        _fact("ControlNet", row.controlnet, citations),
        _fact("Fine-tuning", row.fine_tuning, citations),
        _fact("Content policy", row.content_policy, citations),
    ]
    vram = (
        {
            "value": f"{row.vram.gb:.1f} GiB (likely {row.vram.low_gb:.1f}–{row.vram.high_gb:.1f})",
            "settings": row.vram.settings,
        }
        if row.vram
        else None
    )
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "vendor": row.vendor,
        "facts": facts,
        "vram": vram,
        "retired": row.retired is not None,
    }


def compare_view(comparison: Comparison, sources: Mapping[str, Source]) -> dict[str, Any]:
    """Closed and open models as cards, and the numbered list of the sources they cite."""
    citations = Citations(sources)
    cards = [_card(row, citations) for row in comparison.rows]
    cards.sort(key=lambda c: bool(c["retired"]))  # retired services last, as history
    groups = [
        {"kind": kind, "title": title, "cards": [c for c in cards if c["kind"] == kind]}
        for kind, title in (("closed", "Closed models"), ("open", "Open models"))
    ]
    return {"groups": [g for g in groups if g["cards"]], "sources": citations.listed()}
