"""The VRAM planner: the formula by hand, the plan, the suggestions, and names in."""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.labs import vram
from aula.labs.catalog import default_catalog, find_model
from aula.labs.errors import LabError, NotInCatalog
from aula.labs.planner import parse_resolution, plan, resolve_gpu, resolve_model
from aula.labs.vram import (
    GIB,
    RESERVE_GB,
    ModelSpec,
    PartSpec,
    Settings,
    estimate,
    plan_vram,
    spec_from_catalog,
    spec_from_weights,
    usage_bar,
)
from aula.labs.weights import inspect_weights

from .stfiles import write

TOY = ModelSpec(
    id="toy",
    name="Toy",
    parts=(
        PartSpec("te1", "small encoder", "text-encoder", 1e9),
        PartSpec("te2", "big encoder", "text-encoder", 2e9),
        PartSpec("den", "denoiser", "denoiser", 3e9),
        PartSpec("vae", "VAE", "vae", 0.1e9),
    ),
    kind="unet",
    cfg=True,
    precision="fp16",
    resolution=1024,
)


def test_no_offload_keeps_every_weight_resident() -> None:
    est = estimate(TOY, Settings("fp16"))
    weights = 6.1e9 * 2 / GIB
    assert est.weights_gb == pytest.approx(weights)
    by_step = {s.name: s for s in est.steps}
    assert by_step["denoising"].working_gb == pytest.approx(vram.WORK_PER_SAMPLE_GB["unet"] * 2)
    assert by_step["decoding"].working_gb == pytest.approx(vram.VAE_WORK_GB)
    worst = max(vram.WORK_PER_SAMPLE_GB["unet"] * 2, vram.VAE_WORK_GB)
    assert est.peak_gb == pytest.approx(vram.OVERHEAD_GB + weights + worst)


def test_model_offload_keeps_one_part_at_a_time() -> None:
    steps = {s.name: s.weights_gb for s in estimate(TOY, Settings("fp16", offload="model")).steps}
    assert steps == pytest.approx(
        {"text encoding": 2e9 * 2 / GIB, "denoising": 3e9 * 2 / GIB, "decoding": 0.1e9 * 2 / GIB}
    )


def test_sequential_offload_streams_weights() -> None:
    est = estimate(TOY, Settings("fp16", offload="sequential"))
    assert all(s.weights_gb == 0 for s in est.steps)


def test_quantising_shrinks_the_denoiser_only() -> None:
    fp16 = estimate(TOY, Settings("fp16")).weights_gb
    nf4 = estimate(TOY, Settings("nf4")).weights_gb
    saved = 3e9 * (2 - vram.BYTES_PER_PARAMETER["nf4"]) / GIB
    assert fp16 - nf4 == pytest.approx(saved)


def test_fp32_doubles_the_weights_but_not_the_working_memory() -> None:
    # The one fp32 measurement (SDXL, calibration) is best fitted without scaling the working
    # memory: SDXL's VAE decodes in fp32 anyway (docs/labs.md).
    fp16 = {s.name: s for s in estimate(TOY, Settings("fp16")).steps}
    fp32 = {s.name: s for s in estimate(TOY, Settings("fp32")).steps}
    for name in fp16:
        assert fp32[name].weights_gb == pytest.approx(2 * fp16[name].weights_gb)
        assert fp32[name].working_gb == pytest.approx(fp16[name].working_gb)


def test_working_memory_scales_with_pixels_batch_and_guidance() -> None:
    def denoising(settings: Settings, spec: ModelSpec = TOY) -> float:
        return next(s.working_gb for s in estimate(spec, settings).steps if s.name == "denoising")

    base = denoising(Settings("fp16", width=512, height=512))
    assert denoising(Settings("fp16")) == pytest.approx(4 * base)
    assert denoising(Settings("fp16", width=512, height=512, batch=3)) == pytest.approx(3 * base)
    distilled = ModelSpec(**{**TOY.__dict__, "cfg": False})
    assert denoising(Settings("fp16", width=512, height=512), distilled) == pytest.approx(base / 2)


def test_slicing_decodes_one_image_at_a_time() -> None:
    def decoding(settings: Settings) -> float:
        return next(s.working_gb for s in estimate(TOY, settings).steps if s.name == "decoding")

    assert decoding(Settings("fp16", batch=4)) == pytest.approx(4 * decoding(Settings("fp16")))
    assert decoding(Settings("fp16", batch=4, slicing=True)) == pytest.approx(
        decoding(Settings("fp16"))
    )


def test_leaving_a_part_out() -> None:
    without = estimate(TOY, Settings("fp16", without=("te2",))).weights_gb
    assert estimate(TOY, Settings("fp16")).weights_gb - without == pytest.approx(2e9 * 2 / GIB)


def test_the_usage_bar() -> None:
    assert usage_bar(8.0, 10.0).to_dict() == {
        "used_fraction": 0.8,
        "percent": 80,
        "label": "80% Usage",
    }
    over = usage_bar(15.0, 10.0)
    assert (over.used_fraction, over.percent) == (1.0, 150)
    assert "does not fit" in over.label


def test_a_plan_that_fits_has_no_suggestions() -> None:
    result = plan_vram(TOY, 80.0, Settings("fp16"))
    assert result.fits
    assert result.suggestions == ()
    assert result.needed_gb == pytest.approx(result.peak_gb + vram.RESERVE_GB)
    data = result.to_dict()
    assert {"peak_gb", "gpu_gb", "fits", "suggestions"} <= set(data)


@pytest.mark.parametrize(("model", "gpu_gb"), [("flux-dev", 24), ("flux-dev", 12), ("sdxl", 8)])
def test_every_suggestion_fits_when_applied(model: str, gpu_gb: float) -> None:
    catalog = default_catalog()
    spec = spec_from_catalog(find_model(model, catalog))
    settings = Settings(spec.precision, width=1024, height=1024, batch=2)
    result = plan_vram(spec, gpu_gb, settings, catalog=catalog)
    assert not result.fits
    assert result.suggestions
    for tip in result.suggestions:
        other = (
            spec if tip.model == spec.name else spec_from_catalog(find_model(tip.model, catalog))
        )
        peak = estimate(other, tip.settings).peak_gb
        assert peak == pytest.approx(tip.peak_gb)
        assert peak + vram.RESERVE_GB <= gpu_gb


def test_the_cheapest_fix_comes_first() -> None:
    catalog = default_catalog()
    spec = spec_from_catalog(find_model("flux-dev", catalog))
    result = plan_vram(spec, 32.0, Settings("bf16"), catalog=catalog)  # an RTX 5090
    assert result.verdict == "may not fit"
    assert result.suggestions[0].change == "offload with enable_model_cpu_offload()"
    assert all(s.high_gb <= 32.0 - RESERVE_GB for s in result.suggestions)


def test_a_plan_from_a_weights_file(tmp_path: Path) -> None:
    shapes = {
        "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight": (64, 768),
        "model_ema.decay": (1,),
        "first_stage_model.decoder.conv_out.weight": (3, 4),
        "cond_stage_model.transformer.text_model.final_layer_norm.weight": (768,),
    }
    spec = spec_from_weights(inspect_weights(write(tmp_path / "v1.safetensors", shapes)))
    assert (spec.kind, spec.cfg, spec.precision, spec.resolution) == ("unet", True, "fp16", 512)
    assert sorted(p.parameters for p in spec.parts) == [12, 768, 64 * 768]
    assert any("EMA" in note for note in spec.notes)


def test_a_file_with_only_the_transformer_says_so(tmp_path: Path) -> None:
    shapes = {f"double_blocks.{i}.img_attn.qkv.weight": (3, 2) for i in range(2)}
    spec = spec_from_weights(inspect_weights(write(tmp_path / "f.safetensors", shapes, "float32")))
    assert (spec.kind, spec.cfg, spec.precision) == ("transformer", False, "fp32")
    assert any("only the denoiser" in note for note in spec.notes)


# ---------------------------------------------------------------- names in


def test_gpu_names_and_sizes() -> None:
    assert resolve_gpu("rtx 4090").gb == 24
    assert resolve_gpu("4060 Ti").name == "GeForce RTX 4060 Ti 16GB"
    assert resolve_gpu("12").gb == 12
    assert resolve_gpu("10.5 GB").gb == 10.5
    with pytest.raises(NotInCatalog, match="did you mean 'rtx-4090'"):
        resolve_gpu("rtx-4900")


def fake_nvidia_smi(folder: Path, script: str) -> Path:
    folder.mkdir()
    exe = folder / "nvidia-smi"
    exe.write_text(f"#!/bin/sh\n{script}\n")
    exe.chmod(0o755)
    return folder


def test_auto_uses_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = "0, NVIDIA GeForce RTX 3060, 12288\n1, NVIDIA GeForce RTX 4090, 24564"
    monkeypatch.setenv("PATH", str(fake_nvidia_smi(tmp_path / "bin", f"echo '{out}'")))
    choice = resolve_gpu("auto")
    assert choice.name == "NVIDIA GeForce RTX 4090"
    assert choice.gb == pytest.approx(24564 / 1024)
    assert "nvidia-smi" in choice.how


def test_auto_without_nvidia_smi_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(LabError, match="nvidia-smi is not installed"):
        resolve_gpu("auto")


def test_model_names_and_paths(tmp_path: Path) -> None:
    assert resolve_model("SDXL").id == "sdxl"
    assert resolve_model("flux.1-dev").cfg is False
    path = write(tmp_path / "m.safetensors", {"double_blocks.0.x.weight": (2, 2)})
    assert resolve_model(str(path)).kind == "transformer"
    with pytest.raises(LabError, match="runs on its vendor's servers"):
        resolve_model("midjourney")


def test_resolutions() -> None:
    assert parse_resolution("1024") == (1024, 1024)
    assert parse_resolution("1216x832") == (1216, 832)
    for bad in ("big", "10", "99999"):
        with pytest.raises(LabError):
            parse_resolution(bad)


def test_plan_from_words() -> None:
    result = plan("sdxl", "rtx-3060", offload="model", resolution="768", batch=2)
    assert result.settings.offload == "model"
    assert (result.settings.width, result.settings.batch) == (768, 2)
    with pytest.raises(LabError, match="no such part"):
        plan("sd3-medium", "24", without=("t6",))
