"""The weights inspector on small real files that follow each model family's conventions."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from aula.labs.errors import FormatError, LabError
from aula.labs.weights import bytes_to_read, inspect_header_bytes, inspect_weights

from .stfiles import raw, write

DM = "model.diffusion_model."


def sd1() -> dict[str, tuple[int, ...]]:
    return {
        f"{DM}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight": (4, 768),
        f"{DM}out.2.weight": (4, 4),
        "first_stage_model.decoder.conv_out.weight": (3, 4),
        "cond_stage_model.transformer.text_model.final_layer_norm.weight": (768,),
    }


def sd2() -> dict[str, tuple[int, ...]]:
    return {
        f"{DM}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight": (4, 1024),
        "first_stage_model.decoder.conv_out.weight": (3, 4),
        "cond_stage_model.model.ln_final.weight": (1024,),
    }


def sdxl(context: int = 2048) -> dict[str, tuple[int, ...]]:
    return {
        f"{DM}input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight": (4, context),
        f"{DM}label_emb.0.0.weight": (4, 8),
        "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight": (768,),
        "conditioner.embedders.1.model.ln_final.weight": (1280,),
        "first_stage_model.decoder.conv_out.weight": (3, 4),
    }


def sd3(depth: int, mmdit_x: bool = False) -> dict[str, tuple[int, ...]]:
    names: dict[str, tuple[int, ...]] = {
        f"{DM}joint_blocks.{i}.x_block.attn.qkv.weight": (3, 2) for i in range(depth)
    }
    if mmdit_x:
        names[f"{DM}joint_blocks.0.x_block.attn2.qkv.weight"] = (3, 2)
    names["text_encoders.clip_l.transformer.text_model.final_layer_norm.weight"] = (768,)
    names["text_encoders.t5xxl.transformer.encoder.block.0.layer.0.SelfAttention.q.weight"] = (2, 2)
    names["first_stage_model.decoder.conv_out.weight"] = (3, 4)
    return names


def flux(guidance: bool, prefix: str = "") -> dict[str, tuple[int, ...]]:
    names: dict[str, tuple[int, ...]] = {
        f"{prefix}double_blocks.{i}.img_attn.qkv.weight": (3, 2) for i in range(19)
    }
    names |= {f"{prefix}single_blocks.{i}.linear1.weight": (2, 2) for i in range(38)}
    names[f"{prefix}img_in.weight"] = (2, 4)
    if guidance:
        names[f"{prefix}guidance_in.in_layer.weight"] = (2, 2)
    return names


@pytest.mark.parametrize(
    ("shapes", "arch", "variant"),
    [
        (sd1(), "sd1", None),
        (sd2(), "sd2", None),
        (sdxl(), "sdxl", "base"),
        (sdxl(1280), "sdxl", "refiner"),
        (sd3(24), "sd3", "3 Medium"),
        (sd3(38), "sd3", "3.5 Large"),
        (sd3(24, mmdit_x=True), "sd3", "3.5 Medium (MMDiT-X)"),
        (flux(guidance=True), "flux", "dev"),
        (flux(guidance=False), "flux", "schnell"),
        (flux(guidance=True, prefix=DM), "flux", "dev"),
        ({"lora_unet_down_blocks_0.alpha": (1,)}, "unknown", None),
    ],
    ids=[
        "sd1",
        "sd2",
        "sdxl",
        "sdxl-refiner",
        "sd3",
        "sd35-large",
        "sd35-medium",
        "flux-dev",
        "flux-schnell",
        "flux-comfy",
        "unknown",
    ],
)
def test_architecture_from_tensor_names(
    tmp_path: Path, shapes: dict[str, tuple[int, ...]], arch: str, variant: str | None
) -> None:
    report = inspect_weights(write(tmp_path / "m.safetensors", shapes))
    assert report.architecture.id == arch
    assert report.architecture.variant == variant
    assert report.architecture.evidence


def test_sd1_and_sd2_differ_only_in_the_text_encoder_width(tmp_path: Path) -> None:
    one = inspect_weights(write(tmp_path / "a.safetensors", sd1())).architecture
    two = inspect_weights(write(tmp_path / "b.safetensors", sd2())).architecture
    assert "768" in one.evidence[0]
    assert "1024" in two.evidence[0]


def test_counts_components_and_dtypes(tmp_path: Path) -> None:
    path = write(tmp_path / "sd15.safetensors", sd1(), metadata={"format": "pt", "note": "tiny"})
    report = inspect_weights(path)
    assert report.tensors == 4
    assert report.parameters == 4 * 768 + 16 + 12 + 768
    assert report.bytes_by_dtype == {"F16": 2 * report.parameters}
    assert report.metadata == {"format": "pt", "note": "tiny"}
    parts = {c.name: (c.role, c.tensors, c.parameters) for c in report.components}
    assert parts == {
        "UNet": ("denoiser", 2, 4 * 768 + 16),
        "text encoder (CLIP ViT-L)": ("text-encoder", 1, 768),
        "VAE": ("vae", 1, 12),
    }
    data = report.to_dict()
    for key in ("tensors", "parameters", "bytes_by_dtype", "components", "architecture"):
        assert key in data
    json.dumps(data)  # plain JSON all the way down


def test_sdxl_names_both_text_encoders(tmp_path: Path) -> None:
    report = inspect_weights(write(tmp_path / "xl.safetensors", sdxl()))
    names = {c.name for c in report.components}
    assert {
        "text encoder 1 (CLIP ViT-L)",
        "text encoder 2 (OpenCLIP ViT-bigG)",
        "UNet",
        "VAE",
    } <= names


def test_flux_transformer_is_one_component(tmp_path: Path) -> None:
    report = inspect_weights(write(tmp_path / "flux1-dev.safetensors", flux(guidance=True)))
    assert [(c.name, c.role, c.tensors) for c in report.components] == [
        ("Flux transformer", "denoiser", 19 + 38 + 2)
    ]


def test_mixed_dtypes_are_summed_by_dtype(tmp_path: Path) -> None:
    blob = raw(
        {
            "a": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]},
            "b": {"dtype": "F8_E4M3", "shape": [8], "data_offsets": [8, 16]},
            "c": {"dtype": "BF16", "shape": [2], "data_offsets": [16, 20]},
        },
        20,
    )
    path = tmp_path / "mixed.safetensors"
    path.write_bytes(blob)
    assert inspect_weights(path).bytes_by_dtype == {"BF16": 12, "F8_E4M3": 8}


# ---------------------------------------------------------------- diffusers folders and shards


def diffusers_sdxl(root: Path) -> Path:
    root.mkdir()
    index = {
        "_class_name": "StableDiffusionXLPipeline",
        "_diffusers_version": "0.30.0",
        "unet": ["diffusers", "UNet2DConditionModel"],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
        "vae": ["diffusers", "AutoencoderKL"],
        "scheduler": ["diffusers", "EulerDiscreteScheduler"],
        "feature_extractor": [None, None],
    }
    (root / "model_index.json").write_text(json.dumps(index))
    for folder in ("unet", "text_encoder", "text_encoder_2", "vae", "scheduler"):
        (root / folder).mkdir()
    unet = {
        "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight": (4, 2048),
        "add_embedding.linear_1.weight": (4, 4),
    }
    write(root / "unet" / "diffusion_pytorch_model.safetensors", unet, dtype="float32")
    write(root / "unet" / "diffusion_pytorch_model.fp16.safetensors", unet)
    write(
        root / "text_encoder" / "model.safetensors", {"text_model.final_layer_norm.weight": (768,)}
    )
    write(
        root / "text_encoder_2" / "model.safetensors",
        {"text_model.final_layer_norm.weight": (1280,)},
    )
    write(root / "vae" / "diffusion_pytorch_model.safetensors", {"decoder.conv_out.weight": (3, 4)})
    (root / "scheduler" / "scheduler_config.json").write_text("{}")
    return root


def test_a_diffusers_folder(tmp_path: Path) -> None:
    report = inspect_weights(diffusers_sdxl(tmp_path / "sdxl"))
    assert report.layout == "diffusers"
    assert report.architecture.id == "sdxl"
    roles = {c.name: c.role for c in report.components}
    assert roles == {
        "unet": "denoiser",
        "text_encoder": "text-encoder",
        "text_encoder_2": "text-encoder",
        "vae": "vae",
    }
    assert report.bytes_by_dtype["F32"] == 4 * (4 * 2048 + 16)  # the default (non-variant) UNet
    assert len(report.files) == 4


def test_a_diffusers_variant(tmp_path: Path) -> None:
    report = inspect_weights(diffusers_sdxl(tmp_path / "sdxl"), variant="fp16")
    assert report.bytes_by_dtype == {"F16": 2 * (4 * 2048 + 16)}
    assert any("text_encoder: no 'fp16' variant" in n for n in report.notes)


def test_a_diffusers_part_with_only_pickles_is_noted_not_read(tmp_path: Path) -> None:
    root = diffusers_sdxl(tmp_path / "sdxl")
    (root / "text_encoder" / "model.safetensors").unlink()
    (root / "text_encoder" / "pytorch_model.bin").write_bytes(b"\x80\x02}q\x00.")
    report = inspect_weights(root)
    assert "text_encoder: only pickle weights (pytorch_model.bin), not read" in report.notes
    assert "text_encoder" not in {c.name for c in report.components}


def sharded(root: Path, weight_map: dict[str, str] | None = None) -> Path:
    root.mkdir()
    write(root / "model-00001-of-00002.safetensors", {"a": (4, 4), "b": (4,)})
    write(root / "model-00002-of-00002.safetensors", {"c": (8, 8)})
    index = {
        "metadata": {"total_size": 2 * (16 + 4 + 64)},
        "weight_map": weight_map
        or {
            "a": "model-00001-of-00002.safetensors",
            "b": "model-00001-of-00002.safetensors",
            "c": "model-00002-of-00002.safetensors",
        },
    }
    path = root / "model.safetensors.index.json"
    path.write_text(json.dumps(index))
    return path


def test_a_sharded_checkpoint(tmp_path: Path) -> None:
    index = sharded(tmp_path / "shards")
    for target in (index, index.parent):  # the index, or the folder holding it
        report = inspect_weights(target)
        assert report.layout == "sharded"
        assert (report.tensors, report.parameters) == (3, 16 + 4 + 64)
        assert len(report.files) == 2


def test_a_shard_index_that_lies(tmp_path: Path) -> None:
    index = sharded(tmp_path / "shards", {"a": "model-00002-of-00002.safetensors"})
    with pytest.raises(LabError, match=r"'a' is not in model-00002-of-00002\.safetensors"):
        inspect_weights(index)


def test_a_shard_outside_the_folder_is_refused(tmp_path: Path) -> None:
    index = sharded(tmp_path / "shards", {"a": "../elsewhere.safetensors"})
    with pytest.raises(LabError, match="must be a file name in the same folder"):
        inspect_weights(index)


# ---------------------------------------------------------------- cost does not grow with the file


def sparse_file(path: Path, total: int) -> int:
    """A valid safetensors file of ``total`` bytes whose data region is a hole on disk."""

    def header_for(size: int) -> bytes:
        text = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}})
        return text.encode() + b" " * (-len(text) % 8)

    header = header_for(total)
    header = header_for(total - 8 - len(header))
    with path.open("wb") as f:
        f.write(len(header).to_bytes(8, "little") + header)
        f.truncate(total)
    return 8 + len(header)


def _bytes_read_by_this_process() -> int | None:
    try:
        text = Path("/proc/self/io").read_text()
    except OSError:
        return None
    return int(next(line.split()[1] for line in text.splitlines() if line.startswith("rchar:")))


def test_a_sparse_20_gb_file_is_read_only_at_its_header(tmp_path: Path) -> None:
    path = tmp_path / "huge.safetensors"
    header_end = sparse_file(path, 20 * 10**9)
    if path.stat().st_blocks * 512 >= 10**9:
        pytest.skip("this filesystem does not keep sparse files sparse")
    before = _bytes_read_by_this_process()
    report = inspect_weights(path)
    after = _bytes_read_by_this_process()
    assert report.bytes_by_dtype == {"U8": 20 * 10**9 - header_end}
    assert report.files[0].file_size == 20 * 10**9
    if before is not None and after is not None:
        assert after - before < header_end + 64 * 1024  # the header, plus a stat or two


# ---------------------------------------------------------------- uploads: the header bytes alone


def test_an_upload_needs_only_its_header(tmp_path: Path) -> None:
    blob = (write(tmp_path / "x.safetensors", sd1())).read_bytes()
    needed = bytes_to_read(blob[:8])
    assert needed == 8 + int.from_bytes(blob[:8], "little")
    report = inspect_header_bytes(blob[:needed], name="x.safetensors")
    assert report.architecture.id == "sd1"
    assert report.files[0].file_size is None
    full = inspect_header_bytes(blob, name="x.safetensors", file_size=len(blob))
    assert full.parameters == report.parameters


def test_an_upload_with_a_header_over_the_limit() -> None:
    blob = raw(b"{}" + b" " * 2000)
    with pytest.raises(FormatError, match="HeaderTooLarge"):
        bytes_to_read(blob[:8], limit=1024)


# ---------------------------------------------------------------- what is not a checkpoint


def test_missing_paths_and_plain_folders(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="no such file"):
        inspect_weights(tmp_path / "nothing.safetensors")
    with pytest.raises(LabError, match=r"model_index\.json"):
        inspect_weights(tmp_path)


def test_a_gguf_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"GGUF\x03\x00\x00\x00" + os.urandom(64))
    with pytest.raises(LabError, match="GGUF"):
        inspect_weights(path)


def test_a_broken_file_names_itself_and_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "broken.safetensors"
    path.write_bytes(raw({"a": {"dtype": "I32", "shape": [2, 2], "data_offsets": [0, 12]}}, 12))
    with pytest.raises(FormatError) as caught:
        inspect_weights(path)
    assert str(caught.value).startswith(str(path))
    assert caught.value.code == "TensorInvalidInfo"


def test_a_header_with_too_many_tensors_is_refused_before_parsing(tmp_path: Path) -> None:
    header = {
        f"t{i}": {"dtype": "F16", "shape": [1], "data_offsets": [2 * i, 2 * i + 2]}
        for i in range(50)
    }
    body = json.dumps(header).encode()
    path = tmp_path / "many.safetensors"
    path.write_bytes(struct.pack("<Q", len(body)) + body + bytes(100))
    with pytest.raises(LabError, match="lists 50 tensors, over the limit of 10"):
        inspect_weights(path, max_tensors=10)
    assert inspect_weights(path, max_tensors=50).tensors == 50
