"""The model comparison: the lesson's open and closed models side by side, every fact sourced.

What ``models_comparison.py`` on the first slide prints. Facts come from the catalog with their
source id and checked date; the only computed column, the VRAM needed, comes from the VRAM
planner and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from aula.content.catalog import Catalog, Fact, ModelEntry
from aula.labs.catalog import default_catalog
from aula.labs.vram import RESERVE_GB, Settings, estimate, spec_from_catalog

T = TypeVar("T")


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """A value and where it comes from; the web shows the source, the CLI marks (U) and (D)."""

    value: T
    source: str
    checked: dt.date | None
    uncertain: bool = False
    derived: bool = False
    note: str | None = None

    @classmethod
    def of(cls, fact: Fact[T]) -> Sourced[T]:
        return cls(fact.value, fact.source, fact.checked, fact.uncertain, fact.derived, fact.note)

    @property
    def marks(self) -> str:
        return ("(U)" if self.uncertain else "") + ("(D)" if self.derived else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "source": self.source,
            "checked": self.checked.isoformat() if self.checked else None,
            "uncertain": self.uncertain,
            "derived": self.derived,
            "note": self.note,
        }


@dataclass(frozen=True)
class FileSize:
    label: str
    size_gb: Sourced[float]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "size_gb": self.size_gb.to_dict()}


@dataclass(frozen=True)
class VramNeed:
    """The planner's estimate at the model's usual settings: an estimate, not a sourced fact."""

    gb: float  # GiB, reserve included
    settings: str
    low_gb: float = 0.0
    high_gb: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "gb": round(self.gb, 1),
            "range_gb": [round(self.low_gb, 1), round(self.high_gb, 1)],
            "unit": "GiB",
            "settings": self.settings,
            "estimated_by": "aula lab vram",
        }


@dataclass(frozen=True)
class ModelRow:
    id: str
    name: str
    kind: Literal["open", "closed"]
    vendor: str
    license: Sourced[str]
    runs_locally: Sourced[bool]
    parameters_b: Sourced[float] | None
    files: tuple[FileSize, ...]
    vram: VramNeed | None
    price: Sourced[str]
    privacy: Sourced[str]
    lora: Sourced[bool]
    controlnet: Sourced[bool]
    fine_tuning: Sourced[bool]
    content_policy: Sourced[str]
    retired: Sourced[dt.date] | None = None  # shut down: shown as history

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "vendor": self.vendor,
            "license": self.license.to_dict(),
            "runs_locally": self.runs_locally.to_dict(),
            "parameters_b": self.parameters_b.to_dict() if self.parameters_b else None,
            "files": [f.to_dict() for f in self.files],
            "vram_needed": self.vram.to_dict() if self.vram else None,
            "price": self.price.to_dict(),
            "privacy": self.privacy.to_dict(),
            "control": {
                "lora": self.lora.to_dict(),
                "controlnet": self.controlnet.to_dict(),
                "fine_tuning": self.fine_tuning.to_dict(),
            },
            "content_policy": self.content_policy.to_dict(),
            "retired": (
                {**self.retired.to_dict(), "value": self.retired.value.isoformat()}
                if self.retired
                else None
            ),
        }


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ModelRow, ...]

    @property
    def sources(self) -> dict[str, dt.date | None]:
        """Every source id the rows cite, with the latest date a fact was checked against it."""
        out: dict[str, dt.date | None] = {}
        for row in self.rows:
            for fact in _facts(row):
                seen = out.get(fact.source)
                if fact.checked and (seen is None or fact.checked > seen):
                    out[fact.source] = fact.checked
                else:
                    out.setdefault(fact.source, seen)
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": [r.to_dict() for r in self.rows],
            "sources": {k: (v.isoformat() if v else None) for k, v in self.sources.items()},
        }


def _facts(row: ModelRow) -> list[Sourced[Any]]:
    facts: list[Sourced[Any]] = [row.license, row.runs_locally, row.price, row.privacy]
    facts += [row.lora, row.controlnet, row.fine_tuning, row.content_policy]
    facts += [f.size_gb for f in row.files]
    facts += [row.retired] if row.retired else []
    return facts + ([row.parameters_b] if row.parameters_b else [])


def _vram(entry: ModelEntry) -> VramNeed | None:
    if not entry.components or entry.family is None:
        return None
    spec = spec_from_catalog(entry)
    side = spec.resolution
    est = estimate(spec, Settings(spec.precision, width=side, height=side))
    return VramNeed(
        est.peak_gb + RESERVE_GB,
        f"{spec.precision}, one {side}×{side} image, no offload",
        est.low_gb + RESERVE_GB,
        est.high_gb + RESERVE_GB,
    )


def _row(entry: ModelEntry) -> ModelRow:
    return ModelRow(
        id=entry.id,
        name=entry.name,
        kind=entry.kind,
        vendor=entry.vendor,
        license=Sourced.of(entry.license),
        runs_locally=Sourced.of(entry.runs_locally),
        parameters_b=Sourced.of(entry.parameters_b) if entry.parameters_b else None,
        files=tuple(FileSize(f.label, Sourced.of(f.size_gb)) for f in entry.files),
        vram=_vram(entry),
        price=Sourced.of(entry.price),
        privacy=Sourced.of(entry.privacy),
        lora=Sourced.of(entry.control.lora),
        controlnet=Sourced.of(entry.control.controlnet),
        fine_tuning=Sourced.of(entry.control.fine_tuning),
        content_policy=Sourced.of(entry.content_policy),
        retired=Sourced.of(entry.retired) if entry.retired else None,
    )


def compare_models(
    catalog: Catalog | None = None,
    *,
    kind: Literal["open", "closed"] | None = None,
    retired: bool = True,
) -> Comparison:
    """Every catalog model (or only the open or closed ones): today's closed services first as
    on the slide, then the open models, then retired services as history (``retired=False``
    leaves them out)."""
    entries = (catalog or default_catalog()).models
    chosen = [
        e for e in entries if (kind is None or e.kind == kind) and (retired or e.retired is None)
    ]
    chosen.sort(key=lambda e: (e.retired is not None, e.kind != "closed"))
    return Comparison(tuple(_row(e) for e in chosen))
