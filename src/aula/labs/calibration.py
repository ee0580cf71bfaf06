"""How far the VRAM planner is from each published measurement: the table in docs/labs.md.

A test regenerates this table from the code and the catalog and compares it with the docs, so
the documented errors are always the planner's real ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aula.content.catalog import Catalog, MeasurementEntry
from aula.labs.vram import Settings, estimate, spec_from_catalog


@dataclass(frozen=True)
class CalibrationRow:
    id: str
    setup: str
    measured_gb: float
    bound: str  # "equal", or "at-most" when the source gives an upper bound
    estimate_gb: float
    weights_gb: float
    loaded_gb: float | None
    source: str

    @property
    def error(self) -> float:
        """Signed relative error of the estimate (0 for an upper bound that is respected)."""
        if self.bound == "at-most" and self.estimate_gb <= self.measured_gb:
            return 0.0
        return (self.estimate_gb - self.measured_gb) / self.measured_gb

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "setup": self.setup,
            "measured_gb": self.measured_gb,
            "bound": self.bound,
            "estimate_gb": round(self.estimate_gb, 2),
            "error": round(self.error, 4),
            "weights_gb": round(self.weights_gb, 2),
            "loaded_gb": self.loaded_gb,
            "source": self.source,
        }


def calibrate(catalog: Catalog) -> tuple[CalibrationRow, ...]:
    return tuple(_row(catalog, m) for m in catalog.measurements)


def _row(catalog: Catalog, m: MeasurementEntry) -> CalibrationRow:
    entry = catalog.model(m.model)
    if entry is None:
        raise ValueError(f"measurement '{m.id}': unknown model '{m.model}'")
    spec = spec_from_catalog(entry)
    settings = Settings(
        m.precision, m.offload, m.resolution, m.resolution, m.batch, m.slicing, tuple(m.without)
    )
    est = estimate(spec, settings)
    return CalibrationRow(
        id=m.id,
        setup=m.setup,
        measured_gb=m.peak_gb.value,
        bound=m.bound,
        estimate_gb=est.peak_gb,
        weights_gb=est.weights_gb,
        loaded_gb=m.loaded_gb.value if m.loaded_gb else None,
        source=m.peak_gb.source,
    )


def mean_absolute_error(rows: tuple[CalibrationRow, ...]) -> float:
    exact = [abs(r.error) for r in rows if r.bound == "equal"]
    return sum(exact) / len(exact) if exact else 0.0


def markdown_table(rows: tuple[CalibrationRow, ...]) -> str:
    """The docs' table: one line per measurement, with the estimate and its error."""
    lines = [
        "| Measurement | Source | Measured peak | Estimate | Error "
        "| Weights (est.) | Loaded (measured) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        measured = f"≤ {r.measured_gb:.1f}" if r.bound == "at-most" else f"{r.measured_gb:.1f}"
        if r.bound == "at-most":
            error = "within bound" if r.error == 0 else f"{100 * r.error:+.0f}% over bound"
        else:
            error = f"{100 * r.error:+.1f}%"
        loaded = f"{r.loaded_gb:.1f}" if r.loaded_gb is not None else "–"
        lines.append(
            f"| {r.setup} | {r.source} | {measured} | {r.estimate_gb:.1f} | {error} "
            f"| {r.weights_gb:.1f} | {loaded} |"
        )
    lines.append("")
    lines.append(
        f"Mean absolute error over the {sum(r.bound == 'equal' for r in rows)} exact "
        f"measurements: {100 * mean_absolute_error(rows):.0f}%."
    )
    return "\n".join(lines)
