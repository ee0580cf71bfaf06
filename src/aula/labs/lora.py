"""Is a weights file a LoRA, and of what: from tensor names, shapes and metadata only.

A LoRA stores, for each adapted layer, two small matrices whose product is added to the base
model's weight: ``down`` (rank × in) and ``up`` (out × rank). The files people share use one
of two naming styles:

- kohya (sd-scripts, most files on model sites): ``lora_unet_<module path with _>``,
  ``lora_te_`` / ``lora_te1_`` / ``lora_te2_`` for text encoders, with ``.lora_down.weight``,
  ``.lora_up.weight`` and a scalar ``.alpha``; the trainer also writes ``ss_network_dim`` and
  ``ss_network_alpha`` into the header's metadata.
- diffusers / PEFT: the module path with dots, prefixed ``unet.``, ``transformer.``,
  ``text_encoder.`` (or PEFT's ``base_model.model.``), with ``.lora_A.weight`` and
  ``.lora_B.weight`` (older diffusers files: ``.lora.down.weight`` / ``.lora.up.weight``).

The rank is the ``down``/``A`` matrix's first dimension. Alpha scales the update by
alpha ÷ rank; kohya stores it as a scalar tensor, whose value is in the data the inspector does
not read, so it is taken from the metadata when the trainer wrote it there, and otherwise
reported as unknown. The base family comes from the module names (Flux's double/single
blocks, SDXL's second text encoder) and, for UNets, from the width of the cross-attention key
projection's input: 768 SD 1.x, 1024 SD 2.x, 2048 SDXL, 1280 the SDXL refiner.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Shapes = Mapping[str, tuple[int, ...]]
Style = Literal["kohya", "diffusers"]

_KOHYA = re.compile(
    r"^(lora_(?:unet|te\d?|transformer)_.+?)\.(lora_down|lora_up|alpha)(?:\.weight)?$"
)
_DIFFUSERS = re.compile(r"^(.+?)\.(lora_A|lora_B|lora\.down|lora\.up|lora_down|lora_up)\.weight$")
_BASE_LABELS = {
    "sd1": "Stable Diffusion 1.x",
    "sd2": "Stable Diffusion 2.x",
    "sdxl": "Stable Diffusion XL",
    "sdxl-refiner": "Stable Diffusion XL refiner",
    "sd3": "Stable Diffusion 3",
    "flux": "FLUX.1",
    "unknown": "an unknown base model",
}
_CONTEXT = {768: "sd1", 1024: "sd2", 2048: "sdxl", 1280: "sdxl-refiner"}
# What kind of layer a module is, from the end of its name (kohya joins the path with "_").
_TARGET_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("attention", re.compile(r"(to_[qkv]|to_out|[qkv]_proj|out_proj|qkv|attn_proj|to_add_out)")),
    ("feed-forward", re.compile(r"(ff_net|ff\.net|ff_context|mlp|fc\d|proj_mlp)")),
    ("modulation", re.compile(r"(norm|_mod|\.mod|adaln|modulation)")),
    ("convolution", re.compile(r"(conv|skip_connection|downsamplers|upsamplers)")),
    ("projection in/out", re.compile(r"(proj_in|proj_out|embed)")),
)


@dataclass(frozen=True)
class LoraInfo:
    style: Style
    base: str  # a key of _BASE_LABELS
    rank: int | None  # the most common rank
    ranks: tuple[int, ...]  # every rank seen, ascending
    alpha: float | None
    alpha_from: str  # where alpha came from, or why it is unknown
    modules: int  # layers adapted
    targets: tuple[str, ...]  # kinds of layers adapted
    text_encoder: bool  # adapts a text encoder too
    evidence: tuple[str, ...]

    @property
    def base_label(self) -> str:
        return _BASE_LABELS.get(self.base, self.base)

    @property
    def summary(self) -> str:
        rank = f"rank {self.rank}" if self.rank is not None else "rank unknown"
        alpha = f", alpha {self.alpha:g}" if self.alpha is not None else ""
        return f"{self.style} LoRA for {self.base_label}, {rank}{alpha}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "style": self.style,
            "base": self.base,
            "base_label": self.base_label,
            "rank": self.rank,
            "ranks": list(self.ranks),
            "alpha": self.alpha,
            "alpha_from": self.alpha_from,
            "modules": self.modules,
            "targets": list(self.targets),
            "text_encoder": self.text_encoder,
            "evidence": list(self.evidence),
            "summary": self.summary,
        }


def recognise_lora(shapes: Shapes, metadata: Mapping[str, str] | None = None) -> LoraInfo | None:
    """The LoRA a file holds, or None when its names are not a LoRA's."""
    names = [n.split("/", 1)[-1] for n in shapes]  # diffusers folders prefix "part/"
    shapes = {n.split("/", 1)[-1]: s for n, s in shapes.items()}
    kohya = [m for n in names if (m := _KOHYA.match(n))]
    diffusers = [m for n in names if (m := _DIFFUSERS.match(n))]
    if len(kohya) >= max(1, len(names) // 2):
        style: Style = "kohya"
        matches = kohya
    elif diffusers and len(diffusers) >= len(names) // 2:
        style = "diffusers"
        matches = diffusers
    else:
        return None
    downs = {m.group(1): shapes[m.group(0)] for m in matches if m.group(2) in _DOWN}
    if not downs:
        return None
    rank_counts = Counter(s[0] for s in downs.values() if s)
    rank = rank_counts.most_common(1)[0][0] if rank_counts else None
    meta = dict(metadata or {})
    alpha, alpha_from = _alpha(style, meta, [m.group(1) for m in matches if m.group(2) == "alpha"])
    if rank is None and meta.get("ss_network_dim", "").isdigit():
        rank = int(meta["ss_network_dim"])
    base, evidence = _base(style, list(downs), downs)
    modules = sorted(downs)
    text = any(_is_text_encoder(style, m) for m in modules)
    evidence.insert(0, f"{len(modules)} {style}-style low-rank pairs ({_example(matches)})")
    return LoraInfo(
        style=style,
        base=base,
        rank=rank,
        ranks=tuple(sorted(rank_counts)),
        alpha=alpha,
        alpha_from=alpha_from,
        modules=len(modules),
        targets=_targets(modules),
        text_encoder=text,
        evidence=tuple(evidence),
    )


_DOWN = frozenset({"lora_down", "lora_A", "lora.down"})


def _example(matches: list[re.Match[str]]) -> str:
    return min((m.group(0) for m in matches), key=len)


def _alpha(
    style: Style, meta: dict[str, str], alpha_tensors: list[str]
) -> tuple[float | None, str]:
    if "ss_network_alpha" in meta:
        try:
            return float(meta["ss_network_alpha"]), "metadata ss_network_alpha"
        except ValueError:
            pass
    for key, value in meta.items():
        found = _find_alpha(value)
        if found is not None:
            return found, f"metadata {key}"
    if alpha_tensors:
        return None, (
            f"stored as {len(alpha_tensors)} scalar tensors, in the data the inspector does not "
            "read"
        )
    if style == "diffusers":
        return None, "not in the file: PEFT keeps it in adapter_config.json (lora_alpha)"
    return None, "not in the file"


def _find_alpha(text: str) -> float | None:
    if "lora_alpha" not in text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key.endswith("lora_alpha") and isinstance(value, int | float):
                    return float(value)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _is_text_encoder(style: Style, module: str) -> bool:
    if style == "kohya":
        return module.startswith("lora_te")
    return module.startswith(("text_encoder", "te.", "te1.", "te2."))


def _base(
    style: Style, modules: list[str], downs: Mapping[str, tuple[int, ...]]
) -> tuple[str, list[str]]:
    joined = " ".join(modules)
    if re.search(r"double_blocks|single_blocks|single_transformer_blocks", joined):
        return "flux", ["Flux double/single blocks"]
    if re.search(r"joint_blocks|context_embedder", joined):
        return "sd3", ["SD3 joint (MMDiT) blocks"]
    if re.search(r"(^|\s)(lora_te2_|text_encoder_2\.)", joined):
        evidence = ["a second text encoder (lora_te2 / text_encoder_2), as in SDXL"]
        return "sdxl", evidence
    for module, shape in sorted(downs.items()):
        if re.search(r"attn2[._]to_k$", module) and len(shape) == 2:
            width = shape[1]
            if width in _CONTEXT:
                return _CONTEXT[width], [f"cross-attention key input width {width} ({module})"]
    return "unknown", ["no base-model convention found"]


def _targets(modules: list[str]) -> tuple[str, ...]:
    tails = [m.lower()[-30:] for m in modules]
    found = [label for label, pattern in _TARGET_GROUPS if any(pattern.search(t) for t in tails)]
    return tuple(found) or ("other",)
