"""The VRAM planner on the web: its GET form, the call to ``aula.labs.planner.plan``, the view.

Only catalog names reach the planner: it also accepts weights paths, and a web visitor must
not make the server read its own files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aula.content.catalog import Catalog, ModelEntry, Offload, Precision, Quantiser
from aula.i18n import N_, _, format_number, format_percent, ngettext
from aula.labs.catalog import find_gpu, find_model
from aula.labs.errors import LabError
from aula.labs.planner import parse_resolution, plan
from aula.labs.vram import OFFLOADS, PRECISIONS, QUANTISERS, VramPlan, spec_from_catalog
from aula.web.labs.fields import FieldView, Group, Inputs, Option, lab_error
from aula.web.labs.format import gb, plain

DEFAULTS = {"model": "sdxl", "gpu": "rtx-4090"}
MAX_GPU_GB = 1024.0
AUTO = "auto"
AUTO_NOTE = N_(
    "auto means the GPU of the server running Aula (found with nvidia-smi), not the one in "
    "your computer."
)
OTHER_GPU = N_("another GPU: give its memory below")
_NUMBER_GB = re.compile(r"^\s*\d+(\.\d+)?\s*(gb|gib|g)?\s*$", re.IGNORECASE)
_VERDICTS = {  # the planner's verdicts as the page says them, through ``_``
    "fits": N_("Fits"),
    "may not fit": N_("May not fit"),
    "does not fit": N_("Does not fit"),
}
_OFFLOAD_LABELS = {
    "none": N_("none: every part stays on the GPU"),
    "model": N_("model: one part on the GPU at a time"),
    "sequential": N_("sequential: layer by layer (slowest)"),
}


@dataclass(frozen=True)
class VramQuery:
    model: str  # a catalog id
    gpu: str  # a catalog id, a size in GB, or "auto"
    precision: Precision | None
    offload: Offload
    resolution: str | None
    batch: int
    slicing: bool
    encoders: Precision | None = None
    quantiser: Quantiser | None = None


def plannable(catalog: Catalog) -> list[ModelEntry]:
    """The models whose weights you can download, so there is memory to plan."""
    return [m for m in catalog.models if m.components and m.family is not None]


def _default(ids: list[str], wanted: str) -> str:
    return wanted if wanted in ids else (ids[0] if ids else "")


def _model(inputs: Inputs, catalog: Catalog, required: bool) -> str:
    default = "" if required else _default([m.id for m in plannable(catalog)], DEFAULTS["model"])
    name = inputs.text("model", default)
    if not name:
        inputs.fail("model", _("Choose a model (a catalog name such as sdxl)."))
        return ""
    try:
        entry = find_model(name, catalog)
        spec_from_catalog(entry)
    except LabError as exc:
        inputs.fail("model", exc.message)
        return name
    except ValueError as exc:  # a closed model: nothing to download, nothing to plan
        inputs.fail("model", str(exc))
        return name
    return entry.id


def _gpu(inputs: Inputs, catalog: Catalog, required: bool) -> str:
    size = inputs.number("gpu_gb", 0.1, MAX_GPU_GB, "the GPU's memory in GiB")
    if size is not None or "gpu_gb" in inputs.errors:
        return f"{size:g}" if size is not None else ""
    name = inputs.raw("gpu")
    if _NUMBER_GB.match(name):
        digits = re.sub(r"[^\d.]", "", name)
        number = inputs.number("gpu", 0.1, MAX_GPU_GB, "the GPU's memory in GiB", text=digits)
        return f"{number:g}" if number is not None else ""
    if name.lower() == AUTO:
        return AUTO
    if "gpu" in inputs.values and not name:  # "another GPU" chosen, but no size given
        inputs.fail("gpu_gb", _("Give the GPU's memory in GiB, or choose a GPU from the list."))
        return ""
    default = "" if required else _default([g.id for g in catalog.gpus], DEFAULTS["gpu"])
    name = name or default
    if not name:
        inputs.fail("gpu", _("Choose a GPU, give its memory in GiB, or 'auto'."))
        return ""
    try:
        return find_gpu(name, catalog).id
    except LabError as exc:
        inputs.fail("gpu", exc.message)
        return name


def read_vram(inputs: Inputs, catalog: Catalog, *, required: bool) -> VramQuery:
    """The planner's arguments; problems go to ``inputs.errors``. The page fills in defaults,
    the API (``required``) asks for a model and a GPU."""
    resolution = inputs.text("resolution") or None
    if resolution:
        try:
            parse_resolution(resolution)
        except LabError as exc:
            inputs.fail("resolution", exc.message)
    precision = inputs.choice("precision", PRECISIONS, "")
    encoders = inputs.choice("encoders", PRECISIONS, "")
    quantiser = inputs.choice("quantiser", QUANTISERS, "")
    offload = inputs.choice("offload", OFFLOADS, "none")
    return VramQuery(
        model=_model(inputs, catalog, required),
        gpu=_gpu(inputs, catalog, required),
        precision=precision or None,  # type: ignore[arg-type]  # checked against PRECISIONS
        offload=offload,  # type: ignore[arg-type]  # checked against OFFLOADS
        resolution=resolution,
        batch=inputs.integer("batch", 1, 64, "a number of images") or 1,
        slicing=inputs.flag("slicing"),
        encoders=encoders or None,  # type: ignore[arg-type]  # checked against PRECISIONS
        quantiser=quantiser or None,  # type: ignore[arg-type]  # checked against QUANTISERS
    )


def run_plan(query: VramQuery, catalog: Catalog) -> VramPlan:
    """``plan(...)`` (blocking: ``auto`` runs nvidia-smi); a lab's message as a 422."""
    try:
        return plan(
            query.model,
            query.gpu,
            precision=query.precision,
            encoders=query.encoders,
            quantiser=query.quantiser,
            offload=query.offload,
            resolution=query.resolution,
            batch=query.batch,
            slicing=query.slicing,
            catalog=catalog,
        )
    except LabError as exc:
        if query.gpu == AUTO:  # the lab's advice names the CLI option; here it is a field
            advice = exc.message.replace("pass --gpu with a name", "choose a GPU by its name")
            raise lab_error(LabError(f"{_(AUTO_NOTE)} Here: {advice}."), "gpu") from None
        raise lab_error(exc) from None


def vram_fields(inputs: Inputs, query: VramQuery, catalog: Catalog) -> list[Group]:
    """The form, showing what was asked (or what was typed, when it could not be used)."""
    errors = inputs.errors
    models = tuple(Option(m.id, m.name) for m in plannable(catalog))
    gpus = tuple(Option(g.id, f"{g.name} ({g.vram_gb.value:g} GiB)") for g in catalog.gpus)
    typed_gb = inputs.raw("gpu_gb") or (query.gpu if _NUMBER_GB.match(query.gpu) else "")
    model = FieldView(
        "model", _("Model"), "select", query.model, models, error=errors.get("model", "")
    )
    gpu = [
        FieldView(
            "gpu",
            _("GPU"),
            "select",
            "" if typed_gb else query.gpu,
            (*gpus, Option(AUTO, _("auto: this server's GPU")), Option("", _(OTHER_GPU))),
            hint=_(AUTO_NOTE),
            error=errors.get("gpu", ""),
        ),
        FieldView(
            "gpu_gb",
            _("Or any GPU: its memory in GiB"),
            "number",
            typed_gb,
            hint=_("When filled, it is used instead of the list."),
            error=errors.get("gpu_gb", ""),
            min="0.1",
            max=f"{MAX_GPU_GB:g}",
            step="any",
        ),
    ]
    settings = [
        FieldView(
            "precision",
            _("Precision"),
            "select",
            query.precision or "",
            (Option("", _("the model's usual")), *(Option(p, p) for p in PRECISIONS)),
            hint=_("The denoiser's format: fp8/int8/nf4/int4, or GGUF q8_0 to q2_k."),
            error=errors.get("precision", ""),
        ),
        FieldView(
            "encoders",
            _("Text encoders"),
            "select",
            query.encoders or "",
            (Option("", _("16-bit (not quantised)")), *(Option(p, p) for p in PRECISIONS)),
            hint=_("Quantising T5 too is common with bitsandbytes, torchao and quanto."),
            error=errors.get("encoders", ""),
        ),
        FieldView(
            "quantiser",
            _("Quantising library"),
            "select",
            query.quantiser or "",
            (Option("", _("the precision's usual")), *(Option(q, q) for q in QUANTISERS)),
            hint=_(
                "bitsandbytes 8-bit parts cannot be offloaded; fp8 layerwise skips some layers."
            ),
            error=errors.get("quantiser", ""),
        ),
        FieldView(
            "offload",
            _("CPU offload"),
            "select",
            query.offload,
            tuple(Option(o, _(_OFFLOAD_LABELS[o])) for o in OFFLOADS),
            error=errors.get("offload", ""),
        ),
        FieldView(
            "resolution",
            _("Image size"),
            "text",
            inputs.raw("resolution"),
            hint=_("A side in pixels (1024) or WIDTHxHEIGHT (1216x832); empty: the model's own."),
            error=errors.get("resolution", ""),
        ),
        FieldView(
            "batch",
            _("Images at once"),
            "number",
            inputs.raw("batch") or str(query.batch),
            error=errors.get("batch", ""),
            min="1",
            max="64",
            step="1",
        ),
        FieldView(
            "slicing",
            _("VAE slicing: decode a batch one image at a time"),
            "checkbox",
            "1" if query.slicing else "",
        ),
    ]
    return [Group(_("Model and GPU"), [model, *gpu]), Group(_("Settings"), settings)]


def plan_view(result: VramPlan, query: VramQuery) -> dict[str, Any]:
    """The plan as the page shows it, every number formatted."""
    s = result.settings
    usage = result.usage
    peak_step = result.estimate.peak_step
    return {
        "model": result.model,
        "gpu": result.gpu,
        "gpu_gb": gb(result.gpu_gb),
        "settings": (
            f"{s.precision} · {s.width}×{s.height} · "
            + ngettext("%(num)d image", "%(num)d images", s.batch)
            + " · "
            + _("offload: %(mode)s", mode=s.offload)
            + (" · " + _("VAE slicing") if s.slicing else "")
        ),
        "steps": [
            {
                "name": step.name,
                "weights": gb(step.weights_gb),
                "working": gb(step.working_gb),
                "total": gb(step.total_gb),
                "peak": step.name == peak_step,
            }
            for step in result.estimate.steps
        ],
        "weights": gb(result.estimate.weights_gb),
        "overhead": gb(result.estimate.overhead_gb),
        "peak": gb(result.peak_gb),
        "peak_step": peak_step,
        "reserve": gb(result.reserve_gb),
        "needed": gb(result.needed_gb),
        "needed_range": (
            f"{format_number(result.range_gb[0], digits=1)}–"
            f"{format_number(result.range_gb[1], digits=1)} GiB"
        ),
        "fits": result.fits,
        "verdict": _(_VERDICTS[result.verdict]),
        "unsure": result.verdict == "may not fit",
        "usage_value": f"{usage.used_fraction:.3f}",
        "usage_label": (
            _("%(percent)s Usage", percent=format_percent(usage.percent / 100))
            if usage.percent <= 100
            else _("%(percent)s Usage: does not fit", percent=format_percent(usage.percent / 100))
        ),
        "usage_percent": usage.percent,
        "suggestions": [
            {
                "change": tip.change,
                "peak": gb(tip.peak_gb),
                "cost": tip.cost,
            }
            for tip in result.suggestions
        ],
        "notes": list(result.notes),
        "auto": query.gpu == AUTO,
        "auto_note": _(AUTO_NOTE),
        "reserve_note": _(
            "%(amount)s GiB kept free for the CUDA context", amount=plain(result.reserve_gb)
        ),
    }
