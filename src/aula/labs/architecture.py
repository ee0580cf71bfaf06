"""What a checkpoint is, from its tensor names and shapes alone: the parts and the architecture.

The conventions are those of the files people download:

- single-file Stable Diffusion checkpoints (the original CompVis/Stability layout):
  ``model.diffusion_model.*`` (the UNet), ``first_stage_model.*`` (VAE), ``cond_stage_model.*``
  (SD 1.x/2.x text encoder) or ``conditioner.embedders.N.*`` (SDXL's two text encoders);
- SD3 keeps ``model.diffusion_model.`` but its blocks are ``joint_blocks.N`` (MMDiT), with
  ``text_encoders.clip_l/clip_g/t5xxl.*``;
- Flux (Black Forest Labs' layout): ``double_blocks.*`` and ``single_blocks.*``; only [dev] has
  a guidance embedding (``guidance_in``);
- diffusers folders: one folder per part (``unet/``, ``transformer/``, ``text_encoder/``, ``vae/``).

SD 1.x and 2.x share a layout; their text encoders differ in width (CLIP ViT-L 768, OpenCLIP
ViT-H 1024), and the UNet's cross-attention takes that width: ``attn2.to_k.weight`` is
``[320, 768]`` in SD 1.x and ``[320, 1024]`` in SD 2.x (2048 in SDXL, 1280 in its refiner).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Shapes = Mapping[str, tuple[int, ...]]

LABELS = {
    "lora": "LoRA adapter",
    "sd1": "Stable Diffusion 1.x",
    "sd2": "Stable Diffusion 2.x",
    "sdxl": "Stable Diffusion XL",
    "sd3": "Stable Diffusion 3 (MMDiT)",
    "flux": "FLUX.1",
    "unknown": "unknown",
}
_PIPELINES = {  # diffusers' model_index.json "_class_name"
    "StableDiffusionXLPipeline": "sdxl",
    "StableDiffusion3Pipeline": "sd3",
    "FluxPipeline": "flux",
}
_CONTEXT_DIMS = {768: "sd1", 1024: "sd2", 2048: "sdxl", 1280: "sdxl"}


@dataclass(frozen=True)
class Architecture:
    id: str  # one of LABELS
    label: str
    variant: str | None
    evidence: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "variant": self.variant,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class Part:
    """Where a tensor belongs: its group's name prefix, the group's role and a readable name."""

    prefix: str
    role: str  # denoiser, text-encoder, vae or other
    name: str


# Single-file prefixes, most specific first.
_PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("model.diffusion_model.", "denoiser", "denoiser"),
    ("model_ema.", "other", "EMA copy of the UNet (training only)"),
    ("first_stage_model.", "vae", "VAE"),
    ("vae.", "vae", "VAE"),
    ("cond_stage_model.", "text-encoder", "text encoder"),
    ("conditioner.embedders.0.", "text-encoder", "text encoder 1"),
    ("conditioner.embedders.1.", "text-encoder", "text encoder 2"),
    ("text_encoders.clip_l.", "text-encoder", "text encoder (CLIP ViT-L)"),
    ("text_encoders.clip_g.", "text-encoder", "text encoder (OpenCLIP ViT-bigG)"),
    ("text_encoders.t5xxl.", "text-encoder", "text encoder (T5-XXL)"),
)
# Bare module layouts: a Flux transformer file, or one diffusers part saved on its own.
_MODULES: tuple[tuple[frozenset[str], str, str], ...] = (
    (
        frozenset(
            {
                "double_blocks",
                "single_blocks",
                "img_in",
                "txt_in",
                "time_in",
                "vector_in",
                "guidance_in",
                "final_layer",
            }
        ),
        "denoiser",
        "Flux transformer",
    ),
    (
        frozenset(
            {
                "down_blocks",
                "up_blocks",
                "mid_block",
                "conv_in",
                "conv_out",
                "conv_norm_out",
                "time_embedding",
                "add_embedding",
                "class_embedding",
            }
        ),
        "denoiser",
        "UNet",
    ),
    (
        frozenset(
            {
                "transformer_blocks",
                "single_transformer_blocks",
                "x_embedder",
                "context_embedder",
                "pos_embed",
                "time_text_embed",
                "norm_out",
                "proj_out",
            }
        ),
        "denoiser",
        "transformer",
    ),
    (frozenset({"encoder", "decoder", "quant_conv", "post_quant_conv"}), "vae", "VAE"),
    (frozenset({"text_model", "text_projection"}), "text-encoder", "text encoder (CLIP)"),
    (frozenset({"shared"}), "text-encoder", "text encoder (T5)"),
)
_FOLDER_ROLES = {"unet": "denoiser", "transformer": "denoiser", "prior": "denoiser", "vae": "vae"}


def part_of(name: str) -> Part:
    """The group a single-file tensor name belongs to."""
    for prefix, role, label in _PREFIXES:
        if name.startswith(prefix):
            return Part(prefix, role, label)
    head = name.split(".", 1)[0]
    if name.startswith("encoder.block.") or name.startswith("encoder.final_layer_norm"):
        head = "shared"  # T5 keeps its blocks under "encoder.", like a VAE: tell them apart
    for heads, role, label in _MODULES:
        if head in heads:
            return Part(f"<{label}>", role, label)
    return Part(f"{head}.", "other", f"{head}.*")


def folder_role(folder: str) -> str:
    """The role of a diffusers pipeline folder (``text_encoder_2`` -> text-encoder)."""
    if folder.startswith("text_encoder"):
        return "text-encoder"
    return _FOLDER_ROLES.get(folder, "other")


def recognise(shapes: Shapes, *, pipeline_class: str | None = None) -> Architecture:
    """The architecture the names and shapes match; diffusers folders prefix names ``unet/``."""
    for rule in (_flux, _sd3, _sdxl, _sd1_or_sd2):
        found = rule(shapes)
        if found is not None:
            return found
    if pipeline_class in _PIPELINES:
        arch = _PIPELINES[pipeline_class]
        return Architecture(arch, LABELS[arch], None, (f"model_index.json: {pipeline_class}",))
    return Architecture("unknown", LABELS["unknown"], None, ("no known tensor-name convention",))


def part_names(arch: str, variant: str | None = None) -> dict[str, str]:
    """Readable names for the single-file prefixes, once the architecture is known.

    The SDXL refiner has one text encoder, OpenCLIP ViT-bigG, under ``conditioner.embedders.0``
    (the base model has CLIP ViT-L there and bigG at ``.1``)."""
    denoiser = {"sd3": "MMDiT transformer", "flux": "Flux transformer"}.get(arch, "UNet")
    names = {"model.diffusion_model.": denoiser}
    if arch == "sd1":
        names["cond_stage_model."] = "text encoder (CLIP ViT-L)"
    elif arch == "sd2":
        names["cond_stage_model."] = "text encoder (OpenCLIP ViT-H)"
    elif arch == "sdxl" and variant == "refiner":
        names["conditioner.embedders.0."] = "text encoder (OpenCLIP ViT-bigG)"
    elif arch == "sdxl":
        names["conditioner.embedders.0."] = "text encoder 1 (CLIP ViT-L)"
        names["conditioner.embedders.1."] = "text encoder 2 (OpenCLIP ViT-bigG)"
    return names


def _has(names: Iterable[str], pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [n for n in names if regex.search(n)]


def _blocks(names: Iterable[str], pattern: str) -> int:
    return len({m.group(1) for n in names if (m := re.search(pattern, n))})


def _flux(shapes: Shapes) -> Architecture | None:
    double = _has(shapes, r"(^|\.|/)double_blocks\.\d+\.")
    diffusers = _has(shapes, r"(^|/)single_transformer_blocks\.\d+\.")
    if not double and not diffusers:
        return None
    guided = _has(shapes, r"(^|\.|/)guidance_in\.|guidance_embedder\.")
    if double:
        pairs = _blocks(shapes, r"double_blocks\.(\d+)\.")
        singles = _blocks(shapes, r"(?:^|\.)single_blocks\.(\d+)\.")
        evidence = [f"{pairs} double_blocks and {singles} single_blocks"]
    else:
        singles = _blocks(shapes, r"single_transformer_blocks\.(\d+)\.")
        evidence = [f"{singles} single_transformer_blocks (diffusers layout)"]
    if guided:
        evidence.append("a guidance embedding (only FLUX.1 [dev] has one)")
        return Architecture("flux", LABELS["flux"], "dev", tuple(evidence))
    evidence.append("no guidance embedding (as in FLUX.1 [schnell])")
    return Architecture("flux", LABELS["flux"], "schnell", tuple(evidence))


def _sd3(shapes: Shapes) -> Architecture | None:
    depth = _blocks(shapes, r"joint_blocks\.(\d+)\.")
    evidence = f"{depth} joint_blocks (MMDiT)"
    if not depth:
        is_sd3 = _has(shapes, r"(^|/)context_embedder\.") and _has(shapes, r"(^|/)pos_embed\.")
        depth = _blocks(shapes, r"(?:^|/)transformer_blocks\.(\d+)\.") if is_sd3 else 0
        evidence = f"{depth} transformer_blocks with a context embedder (diffusers MMDiT)"
    if not depth:
        return None
    mmdit_x = _has(shapes, r"x_block\.attn2\.|\.attn2\.to_q")  # SD3.5 Medium's extra attention
    variant = "3.5 Medium (MMDiT-X)" if mmdit_x else {24: "3 Medium", 38: "3.5 Large"}.get(depth)
    return Architecture("sd3", LABELS["sd3"], variant, (evidence,))


def _context_dim(shapes: Shapes) -> tuple[int, str] | None:
    for name in sorted(shapes):
        if name.endswith("attn2.to_k.weight") and len(shapes[name]) == 2:
            return shapes[name][1], name
    return None


def _sdxl(shapes: Shapes) -> Architecture | None:
    embedders = _has(shapes, r"^conditioner\.embedders\.")
    context = _context_dim(shapes)
    added = _has(shapes, r"(^|/)add_embedding\.|^model\.diffusion_model\.label_emb\.")
    if not embedders and not (context and _CONTEXT_DIMS.get(context[0]) == "sdxl"):
        return None
    evidence = []
    if embedders:
        count = _blocks(shapes, r"^conditioner\.embedders\.(\d+)\.")
        evidence.append(f"{count} text encoder(s) under conditioner.embedders")
    if context:
        evidence.append(f"cross-attention context width {context[0]} ({context[1]})")
    if added:
        evidence.append("a size/crop conditioning embedding")
    variant = "refiner" if context and context[0] == 1280 else "base"
    return Architecture("sdxl", LABELS["sdxl"], variant, tuple(evidence))


def _sd1_or_sd2(shapes: Shapes) -> Architecture | None:
    context = _context_dim(shapes)
    if context and context[0] in (768, 1024):
        arch = _CONTEXT_DIMS[context[0]]
        encoder = "CLIP ViT-L" if arch == "sd1" else "OpenCLIP ViT-H"
        evidence = f"cross-attention context width {context[0]}, the {encoder} text encoder's"
        return Architecture(arch, LABELS[arch], None, (evidence, context[1]))
    if _has(shapes, r"^cond_stage_model\.transformer\."):
        return Architecture(
            "sd1", LABELS["sd1"], None, ("a CLIP text encoder (cond_stage_model.transformer)",)
        )
    if _has(shapes, r"^cond_stage_model\.model\."):
        return Architecture(
            "sd2", LABELS["sd2"], None, ("an OpenCLIP text encoder (cond_stage_model.model)",)
        )
    return None
