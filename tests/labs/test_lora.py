"""LoRA files are recognised from their names, shapes and metadata, and are not models."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from aula.labs.errors import LabError
from aula.labs.lora import recognise_lora
from aula.labs.planner import resolve_model
from aula.labs.vram import spec_from_weights
from aula.labs.weights import inspect_weights

from .stfiles import write

K = "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_"


def kohya_sdxl(rank: int = 16) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for module, (width_in, width_out) in {
        f"{K}attn1_to_q": (640, 640),
        f"{K}attn2_to_k": (2048, 640),
        f"{K}ff_net_0_proj": (640, 5120),
        "lora_te1_text_model_encoder_layers_0_self_attn_q_proj": (768, 768),
        "lora_te2_text_model_encoder_layers_0_self_attn_q_proj": (1280, 1280),
    }.items():
        shapes[f"{module}.lora_down.weight"] = (rank, width_in)
        shapes[f"{module}.lora_up.weight"] = (width_out, rank)
        shapes[f"{module}.alpha"] = ()
    return shapes


def test_a_kohya_sdxl_lora_with_its_trainer_metadata(tmp_path: Path) -> None:
    path = write(
        tmp_path / "style.safetensors",
        kohya_sdxl(),
        metadata={"ss_network_dim": "16", "ss_network_alpha": "8.0"},
    )
    report = inspect_weights(path)
    lora = report.lora
    assert lora is not None
    assert (lora.style, lora.base, lora.rank, lora.alpha) == ("kohya", "sdxl", 16, 8.0)
    assert lora.alpha_from == "metadata ss_network_alpha"
    assert lora.modules == 5 and lora.text_encoder
    assert set(lora.targets) >= {"attention", "feed-forward"}
    assert report.architecture.id == "lora"
    assert report.architecture.label == "LoRA for Stable Diffusion XL"
    assert any("not a model" in n and "rank 16" in n for n in report.notes)
    summary = report.to_dict()["lora"]["summary"]
    assert summary == "kohya LoRA for Stable Diffusion XL, rank 16, alpha 8"
    assert report.data_bytes == sum(2 * math.prod(s) for s in kohya_sdxl().values())


def test_without_metadata_alpha_is_unknown_and_said_why(tmp_path: Path) -> None:
    lora = inspect_weights(write(tmp_path / "x.safetensors", kohya_sdxl(4))).lora
    assert lora is not None and lora.rank == 4 and lora.alpha is None
    assert "scalar tensors" in lora.alpha_from


@pytest.mark.parametrize(("width", "base"), [(768, "sd1"), (1024, "sd2"), (1280, "sdxl-refiner")])
def test_a_unet_lora_s_base_from_the_cross_attention_width(width: int, base: str) -> None:
    shapes = {
        f"{K}attn2_to_k.lora_down.weight": (8, width),
        f"{K}attn2_to_k.lora_up.weight": (320, 8),
        f"{K}attn2_to_k.alpha": (),
    }
    lora = recognise_lora(shapes)
    assert lora is not None and lora.base == base


def test_a_diffusers_peft_flux_lora(tmp_path: Path) -> None:
    shapes = {}
    for i in range(2):
        for proj in ("to_q", "to_k", "to_v", "proj_mlp"):
            module = f"transformer.single_transformer_blocks.{i}.attn.{proj}"
            shapes[f"{module}.lora_A.weight"] = (32, 3072)
            shapes[f"{module}.lora_B.weight"] = (3072, 32)
    config = {"transformer.r": 32, "transformer.lora_alpha": 32}
    meta = {"lora_adapter_metadata": json.dumps(config)}
    report = inspect_weights(write(tmp_path / "flux.safetensors", shapes, metadata=meta))
    lora = report.lora
    assert lora is not None
    assert (lora.style, lora.base, lora.rank, lora.alpha) == ("diffusers", "flux", 32, 32.0)
    assert lora.modules == 8 and not lora.text_encoder
    assert "attention" in lora.targets and "feed-forward" in lora.targets


def test_a_lora_is_not_a_model_for_the_vram_lab(tmp_path: Path) -> None:
    path = write(tmp_path / "style.safetensors", kohya_sdxl())
    with pytest.raises(LabError, match=r"is a LoRA .*not a model"):
        spec_from_weights(inspect_weights(path))
    with pytest.raises(LabError, match="Plan the base model"):
        resolve_model(str(path))


def test_models_are_not_loras(tmp_path: Path) -> None:
    shapes = {
        "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight": (4, 768),
        "cond_stage_model.transformer.text_model.final_layer_norm.weight": (768,),
    }
    assert inspect_weights(write(tmp_path / "m.safetensors", shapes)).lora is None


def test_the_sdxl_refiner_s_only_text_encoder_is_openclip_bigg(tmp_path: Path) -> None:
    shapes = {
        "model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight": (4, 1280),
        "conditioner.embedders.0.model.ln_final.weight": (1280,),
        "first_stage_model.decoder.conv_out.weight": (3, 4),
    }
    report = inspect_weights(write(tmp_path / "refiner.safetensors", shapes))
    assert report.architecture.variant == "refiner"
    names = {c.prefix: c.name for c in report.components}
    assert names["conditioner.embedders.0."] == "text encoder (OpenCLIP ViT-bigG)"
