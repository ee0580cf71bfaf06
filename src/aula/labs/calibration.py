"""How far the VRAM planner is from each published measurement, in and out of sample.

The catalog's measurements are split by source: ``calibration`` rows set the planner's
constants (``fit`` searches a grid for the least mean absolute error over them, and the bands'
margins are their worst errors); ``validation`` rows come from other sources and are only
compared with the estimates. docs/labs.md shows both tables, and a test regenerates them from
the code and the catalog, so the documented errors are always the planner's real ones.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from aula.content.catalog import Catalog, MeasurementEntry
from aula.labs import vram
from aula.labs.vram import RESERVE_GB, Settings, estimate, spec_from_catalog, verdict

Split = Literal["calibration", "validation"]
CARDS_GB: tuple[int, ...] = (8, 12, 16, 24)  # the consumer cards the verdicts are checked on


@dataclass(frozen=True)
class CalibrationRow:
    id: str
    setup: str
    split: Split
    measured_gb: float
    bound: str  # "equal", or "at-most" when the source gives an upper bound
    estimate_gb: float
    low_gb: float
    high_gb: float
    weights_gb: float
    loaded_gb: float | None
    source: str

    @property
    def error(self) -> float:
        """Signed relative error of the estimate (0 for an upper bound that is respected)."""
        if self.bound == "at-most" and self.estimate_gb <= self.measured_gb:
            return 0.0
        return (self.estimate_gb - self.measured_gb) / self.measured_gb

    @property
    def in_band(self) -> bool:
        return self.low_gb <= self.measured_gb <= self.high_gb

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "setup": self.setup,
            "split": self.split,
            "measured_gb": self.measured_gb,
            "bound": self.bound,
            "estimate_gb": round(self.estimate_gb, 2),
            "band_gb": [round(self.low_gb, 2), round(self.high_gb, 2)],
            "error": round(self.error, 4),
            "weights_gb": round(self.weights_gb, 2),
            "loaded_gb": self.loaded_gb,
            "source": self.source,
        }


def settings_of(m: MeasurementEntry) -> Settings:
    return Settings(
        m.precision,
        m.offload,
        m.resolution,
        m.resolution,
        m.batch,
        m.slicing,
        tuple(m.without),
        m.encoders,
        m.quantiser,
    )


def calibrate(catalog: Catalog, split: Split | None = None) -> tuple[CalibrationRow, ...]:
    """Every measurement (or one split's) against the planner's estimate."""
    return tuple(_row(catalog, m) for m in catalog.measurements if split in (None, m.split))


def _row(catalog: Catalog, m: MeasurementEntry) -> CalibrationRow:
    entry = catalog.model(m.model)
    if entry is None:
        raise ValueError(f"measurement '{m.id}': unknown model '{m.model}'")
    est = estimate(spec_from_catalog(entry), settings_of(m))
    return CalibrationRow(
        id=m.id,
        setup=m.setup,
        split=m.split,
        measured_gb=m.peak_gb.value,
        bound=m.bound,
        estimate_gb=est.peak_gb,
        low_gb=est.low_gb,
        high_gb=est.high_gb,
        weights_gb=est.weights_gb,
        loaded_gb=m.loaded_gb.value if m.loaded_gb else None,
        source=m.peak_gb.source,
    )


def mean_absolute_error(rows: Iterable[CalibrationRow]) -> float:
    exact = [abs(r.error) for r in rows if r.bound == "equal"]
    return sum(exact) / len(exact) if exact else 0.0


# ---------------------------------------------------------------- fitting


@dataclass(frozen=True)
class Constants:
    overhead_gb: float
    unet_work_gb: float
    transformer_work_gb: float
    vae_work_gb: float

    @classmethod
    def current(cls) -> Constants:
        return cls(
            vram.OVERHEAD_GB,
            vram.WORK_PER_SAMPLE_GB["unet"],
            vram.WORK_PER_SAMPLE_GB["transformer"],
            vram.VAE_WORK_GB,
        )


def with_constants(c: Constants) -> _Patched:
    """Temporarily set the planner's constants (used by ``fit`` and the bench)."""
    return _Patched(c)


class _Patched:
    def __init__(self, c: Constants) -> None:
        self.c = c
        self.saved = Constants.current()

    def __enter__(self) -> None:
        _set(self.c)

    def __exit__(self, *exc: object) -> None:
        _set(self.saved)


def _set(c: Constants) -> None:
    vram.OVERHEAD_GB = c.overhead_gb
    vram.WORK_PER_SAMPLE_GB["unet"] = c.unet_work_gb
    vram.WORK_PER_SAMPLE_GB["transformer"] = c.transformer_work_gb
    vram.VAE_WORK_GB = c.vae_work_gb


# The grid the constants are chosen from (GiB, steps of 0.1). The lower ends are priors, not
# fits: some overhead and some transformer working memory always exist.
GRID: dict[str, tuple[float, ...]] = {
    "overhead_gb": tuple(round(0.1 * i, 1) for i in range(3, 16)),
    "unet_work_gb": tuple(round(0.1 * i, 1) for i in range(5, 21)),
    "transformer_work_gb": tuple(round(0.1 * i, 1) for i in range(1, 16)),
    "vae_work_gb": tuple(round(0.1 * i, 1) for i in range(20, 51)),
}


@dataclass(frozen=True)
class _Terms:
    """One step of one measurement, as a linear function of the constants."""

    resident: float
    unet: float  # coefficient of the UNet work constant
    transformer: float
    vae: float


def _terms(catalog: Catalog, m: MeasurementEntry) -> tuple[tuple[_Terms, ...], float]:
    """A measurement's steps, found by estimating it with unit constants."""
    entry = catalog.model(m.model)
    if entry is None:
        raise ValueError(f"measurement '{m.id}': unknown model '{m.model}'")
    spec, settings = spec_from_catalog(entry), settings_of(m)
    with with_constants(Constants(0.0, 1.0, 1.0, 1.0)):
        steps = estimate(spec, settings).steps
    out = []
    for step in steps:
        unet = step.working_gb if step.name == "denoising" and spec.kind == "unet" else 0.0
        trans = step.working_gb if step.name == "denoising" and spec.kind != "unet" else 0.0
        vae = step.working_gb if step.name == "decoding" else 0.0
        out.append(_Terms(step.weights_gb, unet, trans, vae))
    return tuple(out), m.peak_gb.value


def fit(catalog: Catalog) -> tuple[Constants, float]:
    """The grid point with the least mean absolute error over the calibration rows only.

    Every step is linear in the constants, so each measurement is reduced to its steps'
    coefficients once and the whole grid is searched exactly; ties go to the first point.
    """
    rows = [
        _terms(catalog, m)
        for m in catalog.measurements
        if m.split == "calibration" and m.bound == "equal"
    ]
    best: tuple[float, Constants] | None = None
    for values in itertools.product(*GRID.values()):
        overhead, unet, trans, vae = values
        total = 0.0
        for steps, measured in rows:
            peak = overhead + max(
                t.resident + t.unet * unet + t.transformer * trans + t.vae * vae for t in steps
            )
            total += abs(peak - measured) / measured
        error = total / len(rows)
        if best is None or error < best[0] - 1e-12:
            best = (error, Constants(*values))
    assert best is not None
    return best[1], best[0]


def margins(rows: Sequence[CalibrationRow]) -> tuple[float, float]:
    """(under, over): the worst relative under- and overestimates, rounded up to 0.01.

    Under: the truth was ``under`` × 100% above... expressed as 1 − estimate/truth, so that
    ``estimate ÷ (1 − under)`` reaches the truth; over likewise with ``estimate ÷ (1 + over)``.
    """
    exact = [r for r in rows if r.bound == "equal"]
    under = max((1 - r.estimate_gb / r.measured_gb for r in exact), default=0.0)
    over = max((r.estimate_gb / r.measured_gb - 1 for r in exact), default=0.0)
    return _ceil2(max(under, 0.0)), _ceil2(max(over, 0.0))


def _ceil2(x: float) -> float:
    return math.ceil(round(x * 100, 6)) / 100


# ---------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class VerdictCount:
    checked: int  # measurements × cards
    wrong_fits: int  # said "fits", the measurement does not fit
    wrong_no_fit: int  # said "does not fit", the measurement fits
    unsure: int  # said "may not fit"
    wrong: tuple[str, ...]  # "id on N GiB" for every wrong verdict


def verdicts(catalog: Catalog, split: Split, cards: Sequence[int] = CARDS_GB) -> VerdictCount:
    """The planner's fits / does-not-fit against each measurement on each card.

    A measurement fits a card when it plus the reserve is at most the card's memory, the same
    rule the planner applies to its estimates.
    """
    checked = wrong_fits = wrong_no = unsure = 0
    wrong: list[str] = []
    for m in catalog.measurements:
        if m.split != split or m.bound != "equal":
            continue
        entry = catalog.model(m.model)
        assert entry is not None
        est = estimate(spec_from_catalog(entry), settings_of(m))
        for card in cards:
            checked += 1
            truth = m.peak_gb.value + RESERVE_GB <= card
            said = verdict(est, card)
            if said == "fits" and not truth:
                wrong_fits += 1
                wrong.append(f"{m.id} on {card} GiB (said fits)")
            elif said == "does not fit" and truth:
                wrong_no += 1
                wrong.append(f"{m.id} on {card} GiB (said does not fit)")
            elif said == "may not fit":
                unsure += 1
    return VerdictCount(checked, wrong_fits, wrong_no, unsure, tuple(wrong))


# ---------------------------------------------------------------- the docs' tables


def markdown_table(rows: Sequence[CalibrationRow]) -> str:
    """The docs' table: one line per measurement, with the estimate, its band and its error."""
    lines = [
        "| Measurement | Source | Measured peak | Estimate (band) | Error "
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
            f"| {r.setup} | {r.source} | {measured} | {r.estimate_gb:.1f} "
            f"({r.low_gb:.1f}–{r.high_gb:.1f}) | {error} | {r.weights_gb:.1f} | {loaded} |"
        )
    exact = [r for r in rows if r.bound == "equal"]
    inside = sum(r.in_band for r in exact)
    lines.append("")
    lines.append(
        f"Mean absolute error over the {len(exact)} exact measurements: "
        f"{100 * mean_absolute_error(rows):.1f}%; {inside} of {len(exact)} inside the band."
    )
    return "\n".join(lines)


def verdict_summary(count: VerdictCount) -> str:
    cards = "/".join(str(c) for c in CARDS_GB)
    text = (
        f"Verdicts on {cards} GiB cards: {count.checked} checked, "
        f'{count.wrong_fits} wrong "fits", {count.wrong_no_fit} wrong "does not fit", '
        f'{count.unsure} "may not fit".'
    )
    if count.wrong:
        text += " Wrong: " + "; ".join(count.wrong) + "."
    return text
