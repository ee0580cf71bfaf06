"""The VRAM planner: will a model fit on a GPU, and if not, what would make it fit.

The estimate is a small formula, fitted on published measurements from some sources and tested
on measurements from others (docs/labs.md has both tables and ``bench/vram_validation.py``
recomputes them)::

    peak = OVERHEAD + max over the three steps of (weights on the GPU + the step's working memory)

    text encoding   weights: every part (no offload) or the largest text encoder (model offload)
    denoising       working = WORK_PER_SAMPLE[kind] × images × (2 with CFG) × megapixels
    decoding (VAE)  working = VAE_WORK × images decoded at once (1 with slicing) × megapixels

Weights are parameters × bytes per parameter of their storage format. The precision applies to
the denoiser; the text encoders stay 16-bit unless ``encoders`` says otherwise (quantising T5
too is common); the VAE stays 16-bit. Sequential offload streams weights layer by layer, counted
as none resident. bitsandbytes 8-bit parts cannot be moved off the GPU (diffusers refuses
``.to()`` on them), so offload leaves them resident.

Every estimate is a range: the point estimate, and the band that the worst errors seen on the
calibration measurements would give (``UNDER_MARGIN``, ``OVER_MARGIN``). A plan says "fits"
only when the top of the band fits, "does not fit" when even the bottom does not, and "may not
fit" in between. Memory here is GiB (2³⁰ bytes), as nvidia-smi and PyTorch count it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from aula.content.catalog import Catalog, ModelEntry, Offload, Precision, Quantiser
from aula.labs.errors import LabError
from aula.labs.weights import WeightsReport

GIB = 2**30
PRECISIONS: tuple[Precision, ...] = get_args(Precision)  # declared once, in the catalog
OFFLOADS: tuple[Offload, ...] = ("none", "model", "sequential")
QUANTISERS: tuple[Quantiser, ...] = ("bitsandbytes", "torchao", "quanto", "gguf", "layerwise")
BYTES_PER_PARAMETER: dict[str, float] = {
    "fp32": 4,
    "fp16": 2,
    "bf16": 2,
    "fp8": 1,
    "int8": 1,
    "nf4": 0.5 + 4 / 64,  # 4 bits, plus one fp32 scale per block of 64 (bitsandbytes)
    "int4": 0.5 + 4 / 128,  # 4 bits, plus a 16-bit scale and zero per group of 128 (assumed)
    # GGUF blocks (ggml-common.h): bytes per block of 32 weights, or 84 per 256 for Q2_K
    "q8_0": 34 / 32,
    "q5_1": 24 / 32,
    "q5_0": 22 / 32,
    "q4_1": 20 / 32,
    "q4_0": 18 / 32,
    "q2_k": 84 / 256,
}
QUANTISED = frozenset(p for p in PRECISIONS if p not in ("fp32", "fp16", "bf16"))
GGUF = frozenset({"q8_0", "q5_1", "q5_0", "q4_1", "q4_0", "q2_k"})
DEFAULT_QUANTISER: dict[str, Quantiser] = {
    "fp8": "layerwise",
    "int8": "bitsandbytes",
    "nf4": "bitsandbytes",
    "int4": "torchao",
    **{p: "gguf" for p in GGUF},
}

# Fitted on the calibration measurements only (least mean absolute error over a grid, see
# aula.labs.calibration.fit and docs/labs.md); tests check they are still the fit's optimum.
OVERHEAD_GB = 0.3  # CUDA kernels' workspaces and allocator slack, counted by PyTorch
WORK_PER_SAMPLE_GB = {"unet": 1.4, "transformer": 0.1}  # per image per megapixel
VAE_WORK_GB = 3.8  # decoding one megapixel image
# The worst relative errors on the calibration set, which set every estimate's band:
# the truth was up to 25% above the estimate (so the band's top is estimate ÷ 0.75) and up to
# 18% below it (the bottom is estimate ÷ 1.18). Tests recompute both from the catalog.
UNDER_MARGIN = 0.25
OVER_MARGIN = 0.18
RESERVE_GB = 0.5  # assumption: kept free for the CUDA context and the desktop

Verdict = Literal["fits", "may not fit", "does not fit"]

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
    encoders: Precision | None = None  # None: 16-bit (32-bit when the precision is fp32)
    quantiser: Quantiser | None = None  # None: the usual library for the precision

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 2**20

    @property
    def library(self) -> Quantiser | None:
        """The quantising library in effect: the given one, or the precision's usual one."""
        quantised = self.precision in QUANTISED or (self.encoders or "fp16") in QUANTISED
        if not quantised:
            return None
        return (
            self.quantiser
            or DEFAULT_QUANTISER.get(self.precision)
            or DEFAULT_QUANTISER.get(self.encoders or "fp16")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "encoders": self.encoders,
            "quantiser": self.library,
            "offload": self.offload,
            "resolution": [self.width, self.height],
            "batch": self.batch,
            "slicing": self.slicing,
            "without": list(self.without),
        }


def spec_from_catalog(entry: ModelEntry) -> ModelSpec:
    if not entry.components or entry.family is None:
        if entry.kind == "closed":
            raise ValueError(f"{entry.name} runs on its vendor's servers: there is nothing to plan")
        raise ValueError(
            f"{entry.name}: the catalog has no per-part parameter counts for it yet, so the "
            "planner cannot estimate it (give a weights file or folder instead)"
        )
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
    if report.lora is not None:
        raise LabError(
            f"{report.source} is a LoRA ({report.lora.summary}): an adapter loaded on top of a "
            "base model, not a model. Plan the base model; the LoRA adds about "
            f"{report.data_bytes / GIB:.2f} GiB"
        )
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
    weights_gb: float  # every part's weights at the chosen precisions
    steps: tuple[Step, ...]
    overhead_gb: float
    cautious_gb: float  # the peak if version-dependent behaviour goes the costly way

    @property
    def peak_gb(self) -> float:
        return self.overhead_gb + max(s.total_gb for s in self.steps)

    @property
    def peak_step(self) -> str:
        return max(self.steps, key=lambda s: s.total_gb).name

    @property
    def low_gb(self) -> float:
        """The bottom of the band: the largest overestimate seen in calibration."""
        return self.peak_gb / (1 + OVER_MARGIN)

    @property
    def high_gb(self) -> float:
        """The top of the band: the largest underestimate seen in calibration."""
        return max(self.peak_gb, self.cautious_gb) / (1 - UNDER_MARGIN)


def stored_precision(part: PartSpec, settings: Settings) -> Precision:
    """The format a part's weights are stored in on the GPU."""
    if part.role == "denoiser":
        return settings.precision
    if part.role == "text-encoder" and settings.encoders is not None:
        return settings.encoders
    return "fp32" if settings.precision == "fp32" else "fp16"


def part_gb(part: PartSpec, settings: Settings, *, cautious: bool = False) -> float:
    """A part's weights in GiB. Cautiously, a denoiser under fp8 layerwise casting counts as
    16-bit: diffusers skips some layers (normalisation, modulation) and how many is model-bound."""
    stored = stored_precision(part, settings)
    if cautious and part.role == "denoiser" and settings.library == "layerwise":
        stored = "bf16"
    return part.parameters * BYTES_PER_PARAMETER[stored] / GIB


def _pinned(part: PartSpec, settings: Settings, *, cautious: bool) -> bool:
    """A part that offloading cannot move off the GPU: bitsandbytes 8-bit (diffusers refuses
    ``.to()`` on it), and, cautiously, 4-bit too (refused with bitsandbytes before 0.43.2)."""
    if settings.library != "bitsandbytes":
        return False
    stored = stored_precision(part, settings)
    return stored == "int8" or (cautious and stored == "nf4")


def _steps(
    model: ModelSpec, settings: Settings, sizes: dict[str, float], *, cautious: bool
) -> tuple[Step, ...]:
    parts = [p for p in model.parts if p.id not in settings.without]
    every = sum(sizes.values())
    samples = settings.batch * (2 if model.cfg else 1)
    decoded = 1 if settings.slicing else settings.batch
    work = {
        "text encoding": 0.0,
        "denoising": WORK_PER_SAMPLE_GB[model.kind] * samples * settings.megapixels,
        "decoding": VAE_WORK_GB * decoded * settings.megapixels,
    }
    roles = {"text encoding": "text-encoder", "denoising": "denoiser", "decoding": "vae"}
    steps = []
    for step, role in roles.items():
        mine = [sizes[p.id] for p in parts if p.role == role]
        pinned = sum(
            sizes[p.id] for p in parts if p.role != role and _pinned(p, settings, cautious=cautious)
        )
        if settings.offload == "none":
            resident = every
        elif settings.offload == "model":  # one whole part on the GPU at a time
            own = max(mine, default=0.0) if role == "text-encoder" else sum(mine)
            resident = own + pinned
        else:  # sequential: weights stream through layer by layer
            resident = pinned
        steps.append(Step(step, resident, work[step]))
    return tuple(steps)


def estimate(model: ModelSpec, settings: Settings) -> Estimate:
    """Peak GPU memory for one generation with these settings, with its band."""
    parts = [p for p in model.parts if p.id not in settings.without]
    sizes = {p.id: part_gb(p, settings) for p in parts}
    steps = _steps(model, settings, sizes, cautious=False)
    wary = {p.id: part_gb(p, settings, cautious=True) for p in parts}
    cautious = _steps(model, settings, wary, cautious=True)
    worst = OVERHEAD_GB + max(s.total_gb for s in cautious)
    return Estimate(sum(sizes.values()), steps, OVERHEAD_GB, worst)


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


def verdict(est: Estimate, gpu_gb: float, reserve_gb: float = RESERVE_GB) -> Verdict:
    """'fits' only if the top of the band fits; 'does not fit' if even the bottom does not."""
    if est.high_gb + reserve_gb <= gpu_gb:
        return "fits"
    if est.low_gb + reserve_gb > gpu_gb:
        return "does not fit"
    return "may not fit"


@dataclass(frozen=True)
class Suggestion:
    change: str
    settings: Settings
    model: str
    peak_gb: float
    fits: bool
    cost: str  # what you give up
    high_gb: float = 0.0  # the top of the estimate's band, which fits the budget

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "model": self.model,
            "settings": self.settings.to_dict(),
            "peak_gb": round(self.peak_gb, 2),
            "high_gb": round(self.high_gb, 2),
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
    def verdict(self) -> Verdict:
        return verdict(self.estimate, self.gpu_gb, self.reserve_gb)

    @property
    def fits(self) -> bool:
        """True only when the whole band fits: 'may not fit' counts as not fitting."""
        return self.verdict == "fits"

    @property
    def range_gb(self) -> tuple[float, float]:
        """What the GPU needs, reserve included: bottom and top of the band."""
        return (self.estimate.low_gb + self.reserve_gb, self.estimate.high_gb + self.reserve_gb)

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
            "needed_range_gb": [round(v, 2) for v in self.range_gb],
            "unit": "GiB",
            "verdict": self.verdict,
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
        raise ValueError("the GPU's memory must be more than 0 GiB")
    est = estimate(model, settings)
    fits = verdict(est, gpu_gb, reserve_gb) == "fits"
    suggestions: tuple[Suggestion, ...] = ()
    if not fits:
        budget = gpu_gb - reserve_gb
        suggestions = _suggest(model, settings, budget, catalog)
    return VramPlan(
        model=model.name,
        gpu=gpu or f"{gpu_gb:g} GiB GPU",
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
    fitting_singles = {c.label for c in singles if estimate(model, c.settings).high_gb <= budget}
    options: list[tuple[int, str, Settings, str]] = [
        (c.penalty, c.label, c.settings, c.cost) for c in singles if c.label in fitting_singles
    ]
    for first in singles:
        if first.label in fitting_singles:
            continue
        for second in _changes(first.settings):
            if second.kind == first.kind or second.label in fitting_singles:
                continue
            if estimate(model, second.settings).high_gb <= budget:
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
        est = estimate(model, changed)
        out.append(Suggestion(label, changed, model.name, est.peak_gb, True, cost, est.high_gb))
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
    if settings.encoders is None and settings.precision not in ("fp32",):
        out.append(
            _Change(
                "quantise the text encoders to fp8 as well",
                "encoders",
                replace(settings, encoders="fp8"),
                "prompts may be followed a little less closely",
                2,
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
            wanted,
            precision=other.precision,
            width=side,
            height=side,
            offload="none",
            without=(),
            encoders=None,
            quantiser=None,
        )
        est = estimate(other, settings)
        if est.high_gb <= budget:
            out.append(
                Suggestion(
                    f"use {entry.name} instead",
                    settings,
                    entry.name,
                    est.peak_gb,
                    True,
                    "a different model",
                    est.high_gb,
                )
            )
    return sorted(out, key=lambda s: -s.peak_gb)[:2]  # the largest that fit: most capable
