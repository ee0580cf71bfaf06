"""The VRAM lab's front door: names, paths and ``auto`` in; a plan out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aula.content.catalog import Catalog, Offload, Precision, Quantiser
from aula.labs.catalog import default_catalog, find_gpu, find_model
from aula.labs.errors import LabError, NotInCatalog
from aula.labs.gpu import detect_gpus
from aula.labs.vram import (
    ModelSpec,
    Settings,
    VramPlan,
    plan_vram,
    spec_from_catalog,
    spec_from_weights,
)
from aula.labs.weights import inspect_weights

_GB = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:gb|gib|g)?\s*$", re.IGNORECASE)
_SIZE = re.compile(r"^\s*(\d+)\s*(?:[x×]\s*(\d+))?\s*$")


@dataclass(frozen=True)
class GpuChoice:
    name: str
    gb: float
    how: str  # "catalog", "given" or what nvidia-smi said


def resolve_gpu(text: str, catalog: Catalog | None = None) -> GpuChoice:
    """A catalog name ('rtx-4090'), a size in GiB ('12', '12GB', '12 GiB') or 'auto'."""
    if text.strip().lower() == "auto":
        found = detect_gpus()
        best = found.largest
        if best is None:
            raise LabError(
                f"{found.message}; pass --gpu with a name (e.g. rtx-4090) or a size in GiB"
            )
        return GpuChoice(best.name, best.memory_gb, found.message)
    if match := _GB.match(text):
        size = float(match.group(1))
        if not 0 < size <= 1024:
            raise LabError(f"GPU memory {size:g} GiB: give more than 0 and at most 1024 GiB")
        return GpuChoice(f"{size:g} GiB GPU", size, "given")
    entry = find_gpu(text, catalog)
    return GpuChoice(entry.name, entry.vram_gb.value, "catalog")


def resolve_model(text: str, catalog: Catalog | None = None) -> ModelSpec:
    """A catalog name, or a path to weights (file, shard index or diffusers folder).

    A catalog name wins: a file that happens to be called ``sdxl`` in the working folder is
    not read unless it is named as a path (``./sdxl``).
    """
    try:
        entry = find_model(text, catalog)
    except NotInCatalog:
        if "/" in text or text.endswith((".safetensors", ".json")):
            return spec_from_weights(inspect_weights(Path(text)))
        raise
    try:
        return spec_from_catalog(entry)
    except ValueError as exc:
        raise LabError(str(exc)) from None


def parse_resolution(text: str) -> tuple[int, int]:
    """'1024' or '1216x832' -> (width, height)."""
    match = _SIZE.match(text)
    if not match:
        raise LabError(
            f"resolution '{text}': give a side in pixels (1024) or WIDTHxHEIGHT (1216x832)"
        )
    width = int(match.group(1))
    height = int(match.group(2) or width)
    if not (64 <= width <= 8192 and 64 <= height <= 8192):
        raise LabError(f"resolution {width}×{height}: each side must be 64 to 8192 pixels")
    return width, height


def plan(
    model: str,
    gpu: str,
    *,
    precision: Precision | None = None,
    encoders: Precision | None = None,
    quantiser: Quantiser | None = None,
    offload: Offload = "none",
    resolution: str | None = None,
    batch: int = 1,
    slicing: bool = False,
    without: tuple[str, ...] = (),
    catalog: Catalog | None = None,
) -> VramPlan:
    """Everything ``aula lab vram`` does, from the words a learner types."""
    catalog = catalog or default_catalog()
    spec = resolve_model(model, catalog)
    choice = resolve_gpu(gpu, catalog)
    if batch < 1:
        raise LabError("batch must be at least 1")
    known = {p.id for p in spec.parts}
    for part in without:
        if part not in known:
            parts = ", ".join(sorted(known))
            raise LabError(f"--without {part}: {spec.name} has no such part (parts: {parts})")
    width, height = (
        parse_resolution(resolution) if resolution else (spec.resolution, spec.resolution)
    )
    settings = Settings(
        precision or spec.precision,
        offload,
        width,
        height,
        batch,
        slicing,
        without,
        encoders,
        quantiser,
    )
    label = choice.name if choice.how in ("catalog", "given") else f"{choice.name} ({choice.how})"
    return plan_vram(spec, choice.gb, settings, gpu=label, catalog=catalog)
