"""``catalog.yaml``: the models, GPUs, plans and memory measurements the labs compute with.

Prices and specifications change, so they are course data, not code. Every fact says where it
comes from (a source id from ``sources.yaml``) and when it was checked; a fact without its own
``checked`` date inherits its source's. Uncertain facts (third-party or conflicting sources) and
derived ones (computed here, e.g. file bytes ÷ bytes per parameter) say so.

Units: file sizes are decimal GB (10⁹ bytes), as download pages show them; GPU memory is in GiB
of 2³⁰ bytes, as nvidia-smi, PyTorch and the measurement sources count it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import Field, ValidationInfo, model_validator

from aula.content.findings import Finding, did_you_mean
from aula.content.schema import Slug, SourcesFile, Strict, Text
from aula.content.yamlfile import Document, read_yaml, validate

T = TypeVar("T")

Precision = Literal[
    "fp32",
    "fp16",
    "bf16",
    "fp8",
    "int8",
    "nf4",
    "int4",
    "q8_0",
    "q5_1",
    "q5_0",
    "q4_1",
    "q4_0",
    "q2_k",
]
Offload = Literal["none", "model", "sequential"]
Quantiser = Literal["bitsandbytes", "torchao", "quanto", "gguf", "layerwise"]
Role = Literal["denoiser", "text-encoder", "vae"]
Family = Literal["sd1", "sd2", "sdxl", "sd3", "flux"]
Positive = Annotated[float, Field(gt=0)]


class Fact(Strict, Generic[T]):
    """One sourced value: ``{value: 24, source: gpu-launch-prices, uncertain: true}``."""

    value: T
    source: Slug = Field(description="the id of an entry in sources.yaml")
    checked: dt.date | None = Field(
        None, description="the day this value was checked; defaults to the source's date"
    )
    uncertain: bool = Field(False, description="third-party or conflicting sources")
    derived: bool = Field(False, description="computed from other facts, not quoted")
    note: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _resolve_source(cls, data: Any, info: ValidationInfo) -> Any:
        # The known sources come in the validation context, so an unknown id is reported at
        # the fact's own line, and the source's date fills in a missing ``checked``.
        sources = (info.context or {}).get("sources")
        if sources is None or not isinstance(data, dict):
            return data
        source = data.get("source")
        if not isinstance(source, str):
            return data
        if source not in sources:
            raise ValueError(f"unknown source '{source}'{did_you_mean(source, sources)}")
        if data.get("checked") is None:
            return {**data, "checked": sources[source]}
        return data


class Range(Strict):
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class ComponentEntry(Strict):
    """A part of a pipeline that is loaded on its own (UNet, a text encoder, the VAE)."""

    id: Slug = Field(description="e.g. 'unet', 'clip-l', 't5', 'vae'")
    name: Text
    role: Role
    parameters_b: Fact[Positive] = Field(description="billions of parameters")


class FileEntry(Strict):
    label: Text = Field(description="what the file holds, e.g. 'fp16, without T5'")
    precision: Precision
    size_gb: Fact[Positive] = Field(description="decimal GB (10⁹ bytes)")


class ControlEntry(Strict):
    lora: Fact[bool]
    controlnet: Fact[bool]
    fine_tuning: Fact[bool]


class ModelEntry(Strict):
    """An image model, open (weights you download) or closed (a service you call)."""

    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    kind: Literal["open", "closed"]
    vendor: Text
    license: Fact[str]
    runs_locally: Fact[bool]
    parameters_b: Fact[Positive] | None = Field(None, description="billions; None = undisclosed")
    components: list[ComponentEntry] = Field(
        default_factory=list, description="what the VRAM planner loads (open models)"
    )
    files: list[FileEntry] = Field(default_factory=list)
    family: Family | None = Field(None, description="the architecture the weights lab recognises")
    precision: Precision | None = Field(None, description="the precision it is usually run in")
    resolution: int | None = Field(None, gt=0, description="native image side, in pixels")
    guidance: Literal["cfg", "distilled"] | None = Field(
        None, description="'cfg' runs the denoiser twice per step (with and without the prompt)"
    )
    price: Fact[str] = Field(description="how you pay for it")
    plans: list[Slug] = Field(default_factory=list, description="ids of its plans below")
    privacy: Fact[str] = Field(description="where prompts and images go, and how long they stay")
    control: ControlEntry
    content_policy: Fact[str]
    retired: Fact[dt.date] | None = Field(
        None, description="the day the vendor shut it down: kept as history, not as an option"
    )


class GpuEntry(Strict):
    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    kind: Literal["consumer", "data-center"]
    vram_gb: Fact[Positive] = Field(description="GiB (2³⁰ bytes)")
    launch_price_usd: Fact[Positive] | None = None
    board_power_w: Fact[Positive] | None = None
    rent_usd_per_hour: Fact[Range] | None = None


class PlanEntry(Strict):
    """A way to pay for a closed model: a subscription or a price per image."""

    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    model: Slug = Field(description="the id of the model this plan buys")
    billing: Literal["subscription", "per-image"]
    monthly_usd: Fact[Positive] | None = None
    yearly_monthly_usd: Fact[Positive] | None = Field(
        None, description="the monthly price when paid yearly"
    )
    per_image_usd: Fact[Positive] | None = None
    fast_gpu_hours: Fact[Positive] | None = None
    relax: Fact[bool] | None = Field(None, description="unlimited slower generations")
    stealth: Fact[bool] | None = Field(None, description="images kept private")
    note: Text | None = None
    retired: Fact[dt.date] | None = Field(
        None, description="the day it stopped being sold: history, not a current price"
    )

    @model_validator(mode="after")
    def _priced(self) -> PlanEntry:
        if self.billing == "subscription" and self.monthly_usd is None:
            raise ValueError("a subscription needs 'monthly_usd'")
        if self.billing == "per-image" and self.per_image_usd is None:
            raise ValueError("a per-image plan needs 'per_image_usd'")
        return self


class MeasurementEntry(Strict):
    """A published peak-memory measurement, which the VRAM planner is calibrated against."""

    id: Slug
    model: Slug
    setup: Text = Field(description="the setup as the source describes it")
    precision: Precision
    offload: Offload = "none"
    resolution: int = Field(gt=0)
    batch: int = Field(1, gt=0)
    slicing: bool = Field(False, description="attention and VAE slicing enabled")
    without: list[Slug] = Field(default_factory=list, description="component ids left out")
    peak_gb: Fact[Positive] = Field(description="GiB (2³⁰ bytes)")
    bound: Literal["equal", "at-most"] = Field(
        "equal", description="'at-most' when the source gives an upper bound ('< 3 GB')"
    )
    loaded_gb: Fact[Positive] | None = Field(None, description="after loading, before generating")
    encoders: Precision | None = Field(
        None, description="the text encoders' precision when the source quantised them too"
    )
    quantiser: Quantiser | None = Field(None, description="the library that quantised the weights")
    split: Literal["calibration", "validation"] = Field(
        "calibration",
        description="calibration sets the planner's constants; validation only measures its "
        "error. Split by source: one source's measurements all go to the same side",
    )


class RateEntry(Strict):
    """An exchange rate the cost lab converts USD prices with: an assumption with a date."""

    currency: Literal["EUR", "GBP"]
    per_usd: Fact[Positive] = Field(description="units of the currency one US dollar buys")


class Catalog(Strict):
    """``catalog.yaml``: the data behind the comparison, VRAM and cost labs."""

    rates: list[RateEntry] = Field(default_factory=list)
    models: list[ModelEntry] = Field(default_factory=list)
    gpus: list[GpuEntry] = Field(default_factory=list)
    plans: list[PlanEntry] = Field(default_factory=list)
    measurements: list[MeasurementEntry] = Field(default_factory=list)

    def model(self, model_id: str) -> ModelEntry | None:
        return next((m for m in self.models if m.id == model_id), None)

    def gpu(self, gpu_id: str) -> GpuEntry | None:
        return next((g for g in self.gpus if g.id == gpu_id), None)

    def plan(self, plan_id: str) -> PlanEntry | None:
        return next((p for p in self.plans if p.id == plan_id), None)


def load_catalog(
    path: Path, display_name: str, sources: Mapping[str, dt.date] | None = None
) -> tuple[Catalog | None, list[Finding]]:
    """Read and validate a catalog; ``sources`` (id -> checked date) defaults to the
    ``sources.yaml`` beside it. Every problem is a finding at ``display_name:line``."""
    try:
        doc, findings = read_yaml(path, display_name)
    except UnicodeDecodeError as exc:
        return None, [Finding(display_name, 1, f"not UTF-8 text (byte {exc.start})")]
    except OSError as exc:
        return None, [Finding(display_name, 1, f"cannot read file: {exc.strerror}")]
    if doc.data is not None and not isinstance(doc.data, dict):
        return None, [*findings, Finding(display_name, 1, "expected a mapping of fields")]
    if sources is None:
        sources, problem = _sources_beside(path)
        if problem:
            return None, [*findings, Finding(display_name, 1, problem)]
    catalog, found = validate(Catalog, doc, context={"sources": dict(sources)})
    findings += found
    if catalog is not None:
        findings += _cross_references(catalog, doc)
    errors = [f for f in findings if f.severity == "error"]
    return (None if errors else catalog), findings


def _sources_beside(path: Path) -> tuple[dict[str, dt.date], str | None]:
    sources_path = path.parent / "sources.yaml"
    if not sources_path.is_file():
        return {}, "cannot check source ids: no sources.yaml beside the catalog"
    try:
        doc, found = read_yaml(sources_path, "sources.yaml")
    except (OSError, UnicodeDecodeError):
        return {}, "cannot check source ids: sources.yaml cannot be read"
    parsed, invalid = validate(SourcesFile, doc)
    if parsed is None or found or invalid:
        return {}, "cannot check source ids: sources.yaml has errors (run 'aula check')"
    return {s.id: s.checked for s in parsed.sources}, None


def _cross_references(catalog: Catalog, doc: Document) -> list[Finding]:
    """Ids unique within each list; plans, measurements and models point at things that exist."""
    out: list[Finding] = []
    for key in ("models", "gpus", "plans", "measurements"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(catalog, key)):
            if item.id in seen:
                out.append(
                    Finding(doc.file, doc.line_of((key, i, "id")), f"duplicate id '{item.id}'")
                )
            seen.add(item.id)
    models = {m.id: m for m in catalog.models}
    plans = {p.id for p in catalog.plans}

    def missing(loc: tuple[str | int, ...], kind: str, name: str, known: Any) -> None:
        hint = did_you_mean(name, known)
        out.append(Finding(doc.file, doc.line_of(loc), f"unknown {kind} '{name}'{hint}"))

    for i, plan in enumerate(catalog.plans):
        if plan.model not in models:
            missing(("plans", i, "model"), "model", plan.model, models)
    for i, model in enumerate(catalog.models):
        for j, plan_id in enumerate(model.plans):
            if plan_id not in plans:
                missing(("models", i, "plans", j), "plan", plan_id, plans)
    for i, row in enumerate(catalog.measurements):
        target = models.get(row.model)
        if target is None:
            missing(("measurements", i, "model"), "model", row.model, models)
            continue
        parts = {c.id for c in target.components}
        if not parts:
            out.append(
                Finding(
                    doc.file,
                    doc.line_of(("measurements", i, "model")),
                    f"model '{row.model}' has no components to plan memory with",
                )
            )
        for j, part in enumerate(row.without):
            if part not in parts:
                missing(("measurements", i, "without", j), "component", part, parts)
    sides: dict[str, str] = {}
    for i, row in enumerate(catalog.measurements):
        source = row.peak_gb.source
        if sides.setdefault(source, row.split) != row.split:
            out.append(
                Finding(
                    doc.file,
                    doc.line_of(("measurements", i, "split")),
                    f"source '{source}' has measurements in both splits: split by source, so "
                    "the validation errors stay out of sample",
                )
            )
    return out
