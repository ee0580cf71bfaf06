"""The VRAM planner: will a model fit on a GPU, and if not, what would make it fit.

The estimate is a small formula, calibrated against published measurements (docs/labs.md has
the table and each row's error)::

    peak = OVERHEAD + max over the three steps of (weights on the GPU + the step's working memory)

    text encoding   weights: every part (no offload) or the largest text encoder (model offload)
    denoising       working = WORK_PER_SAMPLE[kind] × images × (2 with CFG) × megapixels
    decoding (VAE)  working = VAE_WORK × images decoded at once (1 with slicing) × megapixels

Weights are parameters × bytes per parameter. Quantised precisions (fp8, int8, nf4) apply to the
denoiser only: text encoders and the VAE stay 16-bit, which is what an 8/4-bit checkpoint of
the UNet or transformer gives you. Sequential offload streams weights layer by layer, counted
as none resident. fp32 doubles the working memory. GB here are 2³⁰ bytes (as nvidia-smi counts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal

from aula.content.catalog import Catalog, ModelEntry, Offload, Precision
from aula.labs.weights import WeightsReport

GIB = 2**30
PRECISIONS: tuple[Precision, ...] = ("fp32", "fp16", "bf16", "fp8", "int8", "nf4")
OFFLOADS: tuple[Offload, ...] = ("none", "model", "sequential")
BYTES_PER_PARAMETER: dict[str, float] = {
    "fp32": 4,
    "fp16": 2,
    "bf16": 2,
    "fp8": 1,
    "int8": 1,
    "nf4": 0.5 + 4 / 64,  # 4 bits, plus one fp32 scale per block of 64 (bitsandbytes)
}
QUANTISED = frozenset({"fp8", "int8", "nf4"})

# Calibrated against the catalog's measurements (least mean error; see docs/labs.md).
OVERHEAD_GB = 0.3  # CUDA kernels' workspaces and allocator slack, counted by PyTorch
WORK_PER_SAMPLE_GB = {"unet": 1.4, "transformer": 0.1}  # per image per megapixel, 16-bit
VAE_WORK_GB = 3.7  # decoding one megapixel image, 16-bit
RESERVE_GB = 0.5  # assumption: kept free for the CUDA context and the desktop

_FAMILY_KIND = {
    "sd1": "unet",
    "sd2": "unet",
    "sdxl": "unet",
    "sd3": "transformer",
    "flux": "transformer",
}
_FAMILY_RESOLUTION = {"sd1": 512, "sd2": 768, "sdxl": 1024, "sd3": 1024, "flux": 1024}
_DTYPE_PRECISION = {"F32": "fp32", "F16": "fp16", "BF16": "bf16", "I8": "int8", "U8": "int8"}


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PartSpec:
    id: str
    name: str
    role: Literal["denoiser", "text-encoder", "vae"]
    parameters: float


@dataclass(frozen=True)
class ModelSpec:
    """What the planner needs to know about a model, from the catalog or from a weights file."""

    id: str
    name: str
    parts: tuple[PartSpec, ...]
    kind: Literal["unet", "transformer"]
    cfg: bool  # classifier-free guidance runs the denoiser on two samples per image
    precision: Precision
    resolution: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    precision: Precision
    offload: Offload = "none"
    width: int = 1024
    height: int = 1024
    batch: int = 1
    slicing: bool = False
    without: tuple[str, ...] = ()

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 2**20

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "offload": self.offload,
            "resolution": [self.width, self.height],
            "batch": self.batch,
            "slicing": self.slicing,
            "without": list(self.without),
        }


def spec_from_catalog(entry: ModelEntry) -> ModelSpec:
    if not entry.components or entry.family is None:
        raise ValueError(f"{entry.name} has no components to plan: it runs on its vendor's servers")
    parts = tuple(
        PartSpec(c.id, c.name, c.role, c.parameters_b.value * 1e9) for c in entry.components
    )
    return ModelSpec(
        id=entry.id,
        name=entry.name,
        parts=parts,
        kind="unet" if _FAMILY_KIND[entry.family] == "unet" else "transformer",
        cfg=entry.guidance != "distilled",
        precision=entry.precision or "fp16",
        resolution=entry.resolution or _FAMILY_RESOLUTION[entry.family],
    )


def spec_from_weights(report: WeightsReport) -> ModelSpec:
    """A plan for the parts a weights file holds (EMA copies and unknown groups left out)."""
    arch = report.architecture.id
    parts = tuple(
        PartSpec(c.prefix, c.name, c.role, float(c.parameters))  # type: ignore[arg-type]
        for c in report.components
        if c.role in ("denoiser", "text-encoder", "vae")
    )
    notes: list[str] = []
    if not any(p.role == "denoiser" for p in parts):
        total = float(sum(c.parameters for c in report.components))
        parts = (PartSpec("all", "all tensors", "denoiser", total),)
        notes.append("no known parts: every tensor counted as the denoiser")
    if {p.role for p in parts} == {"denoiser"} and arch != "unknown":
        notes.append("the file holds only the denoiser: text encoders and VAE are not counted")
    if left := [c.name for c in report.components if c.role == "other"]:
        notes.append(f"not counted (not loaded to generate): {', '.join(left)}")
    dominant = max(report.bytes_by_dtype, key=lambda d: report.bytes_by_dtype[d], default="F16")
    precision = _DTYPE_PRECISION.get(dominant, "fp8" if dominant.startswith("F8") else "fp16")
    return ModelSpec(
        id=report.source,
        name=f"{report.source} ({report.architecture.label})",
        parts=parts,
        kind="transformer" if _FAMILY_KIND.get(arch) == "transformer" else "unet",
        cfg=arch != "flux",
        precision=precision,  # type: ignore[arg-type]
        resolution=_FAMILY_RESOLUTION.get(arch, 1024),
        notes=tuple(notes),
    )


# ---------------------------------------------------------------- the estimate


@dataclass(frozen=True)
class Step:
    name: str
    weights_gb: float
    working_gb: float

    @property
    def total_gb(self) -> float:
        return self.weights_gb + self.working_gb

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weights_gb": round(self.weights_gb, 3),
            "working_gb": round(self.working_gb, 3),
        }


@dataclass(frozen=True)
class Estimate:
    weights_gb: float  # every part's weights at the chosen precision
    steps: tuple[Step, ...]
    overhead_gb: float

    @property
    def peak_gb(self) -> float:
        return self.overhead_gb + max(s.total_gb for s in self.steps)

    @property
    def peak_step(self) -> str:
        return max(self.steps, key=lambda s: s.total_gb).name


def part_gb(part: PartSpec, precision: Precision) -> float:
    kept = "fp16" if precision in QUANTISED and part.role != "denoiser" else precision
    return part.parameters * BYTES_PER_PARAMETER[kept] / GIB


def estimate(model: ModelSpec, settings: Settings) -> Estimate:
    """Peak GPU memory for one generation with these settings."""
    parts = [p for p in model.parts if p.id not in settings.without]
    sizes = {p.id: part_gb(p, settings.precision) for p in parts}
    every = sum(sizes.values())
    scale = 2.0 if settings.precision == "fp32" else 1.0
    samples = settings.batch * (2 if model.cfg else 1)
    decoded = 1 if settings.slicing else settings.batch
    work = {
        "text encoding": 0.0,
        "denoising": WORK_PER_SAMPLE_GB[model.kind] * samples * settings.megapixels * scale,
        "decoding": VAE_WORK_GB * decoded * settings.megapixels * scale,
    }
    roles = {"text encoding": "text-encoder", "denoising": "denoiser", "decoding": "vae"}
    steps = []
    for step, role in roles.items():
        mine = [sizes[p.id] for p in parts if p.role == role]
        if settings.offload == "none":
            resident = every
        elif settings.offload == "model":  # one whole part on the GPU at a time
            resident = max(mine, default=0.0) if role == "text-encoder" else sum(mine)
        else:  # sequential: weights stream through layer by layer
            resident = 0.0
        steps.append(Step(step, resident, work[step]))
    return Estimate(every, tuple(steps), OVERHEAD_GB)


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class UsageBar:
    """The glossary's "80% Usage" bar: how full the GPU would be."""

    used_fraction: float  # 0..1, capped at 1 when it does not fit
    percent: int  # not capped: 150 means half as much again as the GPU has
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"used_fraction": self.used_fraction, "percent": self.percent, "label": self.label}


def usage_bar(needed_gb: float, gpu_gb: float) -> UsageBar:
    percent = round(100 * needed_gb / gpu_gb)
    label = f"{percent}% Usage" if percent <= 100 else f"{percent}% Usage: does not fit"
    return UsageBar(min(needed_gb / gpu_gb, 1.0), percent, label)


@dataclass(frozen=True)
class Suggestion:
    change: str
    settings: Settings
    model: str
    peak_gb: float
    fits: bool
    cost: str  # what you give up

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "model": self.model,
            "settings": self.settings.to_dict(),
            "peak_gb": round(self.peak_gb, 2),
            "fits": self.fits,
            "cost": self.cost,
        }


@dataclass(frozen=True)
class VramPlan:
    model: str
    gpu: str
    gpu_gb: float
    settings: Settings
    estimate: Estimate
    reserve_gb: float
    suggestions: tuple[Suggestion, ...]
    notes: tuple[str, ...]

    @property
    def peak_gb(self) -> float:
        return self.estimate.peak_gb

    @property
    def needed_gb(self) -> float:
        return self.peak_gb + self.reserve_gb

    @property
    def fits(self) -> bool:
        return self.needed_gb <= self.gpu_gb

    @property
    def usage(self) -> UsageBar:
        return usage_bar(self.needed_gb, self.gpu_gb)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "gpu": self.gpu,
            "gpu_gb": round(self.gpu_gb, 2),
            "settings": self.settings.to_dict(),
            "weights_gb": round(self.estimate.weights_gb, 2),
            "steps": [s.to_dict() for s in self.estimate.steps],
            "peak_step": self.estimate.peak_step,
            "overhead_gb": self.estimate.overhead_gb,
            "peak_gb": round(self.peak_gb, 2),
            "reserve_gb": self.reserve_gb,
            "needed_gb": round(self.needed_gb, 2),
            "fits": self.fits,
            "usage": self.usage.to_dict(),
            "suggestions": [s.to_dict() for s in self.suggestions],
            "notes": list(self.notes),
        }


def plan_vram(
    model: ModelSpec,
    gpu_gb: float,
    settings: Settings,
    *,
    gpu: str | None = None,
    catalog: Catalog | None = None,
    reserve_gb: float = RESERVE_GB,
) -> VramPlan:
    """Estimate, decide, and when it does not fit, list changes that would make it fit."""
    if gpu_gb <= 0:
        raise ValueError("the GPU's memory must be more than 0 GB")
    est = estimate(model, settings)
    fits = est.peak_gb + reserve_gb <= gpu_gb
    suggestions: tuple[Suggestion, ...] = ()
    if not fits:
        budget = gpu_gb - reserve_gb
        suggestions = _suggest(model, settings, budget, catalog)
    return VramPlan(
        model=model.name,
        gpu=gpu or f"{gpu_gb:g} GB GPU",
        gpu_gb=gpu_gb,
        settings=settings,
        estimate=est,
        reserve_gb=reserve_gb,
        suggestions=suggestions,
        notes=model.notes,
    )


@dataclass(frozen=True)
class _Change:
    label: str
    kind: str  # one change of each kind at most: precision, slicing, batch, offload, size
    settings: Settings
    cost: str
    penalty: int  # how much it costs the learner (speed, quality), to rank suggestions


def _suggest(
    model: ModelSpec, settings: Settings, budget: float, catalog: Catalog | None
) -> tuple[Suggestion, ...]:
    """The least costly changes, alone or in pairs, that bring the peak under ``budget``."""
    singles = _changes(settings)
    fitting_singles = {c.label for c in singles if estimate(model, c.settings).peak_gb <= budget}
    options: list[tuple[int, str, Settings, str]] = [
        (c.penalty, c.label, c.settings, c.cost) for c in singles if c.label in fitting_singles
    ]
    for first in singles:
        if first.label in fitting_singles:
            continue
        for second in _changes(first.settings):
            if second.kind == first.kind or second.label in fitting_singles:
                continue
            if estimate(model, second.settings).peak_gb <= budget:
                options.append(
                    (
                        first.penalty + second.penalty,
                        f"{first.label} and {second.label}",
                        second.settings,
                        f"{first.cost}; {second.cost}",
                    )
                )
    options.sort(key=lambda o: o[0])
    out, seen = [], set()
    for _, label, changed, cost in options:
        if changed in seen:  # the same settings reached in another order
            continue
        seen.add(changed)
        out.append(
            Suggestion(label, changed, model.name, estimate(model, changed).peak_gb, True, cost)
        )
    out = out[:4]
    if catalog is not None:
        out += _smaller_models(model, settings, budget, catalog)
    return tuple(out)


def _changes(settings: Settings) -> list[_Change]:
    out: list[_Change] = []
    order = PRECISIONS.index(settings.precision)
    steps: tuple[tuple[Precision, int], ...] = (("fp16", 1), ("fp8", 2), ("nf4", 3))
    for lower, penalty in steps:
        if PRECISIONS.index(lower) > order:
            cost = "little visible quality loss" if lower == "fp16" else "some quality loss"
            out.append(
                _Change(
                    f"use {lower}", "precision", replace(settings, precision=lower), cost, penalty
                )
            )
    if settings.batch > 1 and not settings.slicing:
        out.append(
            _Change(
                "enable VAE slicing",
                "slicing",
                replace(settings, slicing=True),
                "a little slower",
                1,
            )
        )
    if settings.batch > 1:
        out.append(
            _Change(
                "generate one image at a time",
                "batch",
                replace(settings, batch=1),
                "slower batches",
                2,
            )
        )
    if settings.offload == "none":
        out.append(
            _Change(
                "offload with enable_model_cpu_offload()",
                "offload",
                replace(settings, offload="model"),
                "slower: parts move to the GPU in turn",
                2,
            )
        )
    if settings.offload != "sequential":
        out.append(
            _Change(
                "offload with enable_sequential_cpu_offload()",
                "offload",
                replace(settings, offload="sequential"),
                "extremely slow (diffusers' words)",
                5,
            )
        )
    side = max(settings.width, settings.height)
    for smaller, penalty in ((768, 3), (512, 4)):
        if smaller < side:
            ratio = smaller / side
            w, h = (_round8(settings.width * ratio), _round8(settings.height * ratio))
            out.append(
                _Change(
                    f"generate at {w}×{h}",
                    "size",
                    replace(settings, width=w, height=h),
                    "fewer pixels; upscale afterwards",
                    penalty,
                )
            )
    return out


def _round8(value: float) -> int:
    return max(8, int(math.floor(value / 8) * 8))


def _smaller_models(
    model: ModelSpec, wanted: Settings, budget: float, catalog: Catalog
) -> list[Suggestion]:
    out = []
    for entry in catalog.models:
        if entry.id == model.id or not entry.components or entry.family is None:
            continue
        other = spec_from_catalog(entry)
        side = other.resolution
        settings = replace(
            wanted, precision=other.precision, width=side, height=side, offload="none", without=()
        )
        peak = estimate(other, settings).peak_gb
        if peak <= budget:
            out.append(
                Suggestion(
                    f"use {entry.name} instead",
                    settings,
                    entry.name,
                    peak,
                    True,
                    "a different model",
                )
            )
    return sorted(out, key=lambda s: -s.peak_gb)[:2]  # the largest that fit: most capable
