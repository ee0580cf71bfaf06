"""``aula lab``: tables for people, exactly ``json.dumps(result.to_dict())`` for programs,
and one-line errors (exit 1; click's usage errors exit 2), never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aula.cli.lab import lab, run
from aula.labs.compare import compare_models
from aula.labs.cost import cost_of_ownership
from aula.labs.planner import plan
from aula.labs.weights import inspect_weights

from .stfiles import write
from .test_safetensors import MALFORMED
from .test_weights import sd1, sdxl


def invoke(*args: str) -> Result:
    return CliRunner().invoke(lab, list(args))


def one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_weights_json_is_the_report(tmp_path: Path) -> None:
    path = write(tmp_path / "xl.safetensors", sdxl())
    result = invoke("weights", str(path), "--json")
    assert result.exit_code == 0
    assert result.stdout == json.dumps(inspect_weights(path).to_dict()) + "\n"


def test_weights_for_people(tmp_path: Path) -> None:
    result = invoke("weights", str(write(tmp_path / "v1.safetensors", sd1())))
    assert result.exit_code == 0
    for words in ("Stable Diffusion 1.x", "Components", "text encoder (CLIP ViT-L)", "Read"):
        assert words in result.stdout


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_each_malformed_file_is_one_line_and_exit_1(tmp_path: Path, case: str) -> None:
    data, code, _ = MALFORMED[case]
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    line = one_line_error(invoke("weights", str(path)))
    assert line.startswith(f"Error: {path}")
    assert f"({code})" in line


def test_several_paths_give_json_lines_and_report_failures(tmp_path: Path) -> None:
    good = write(tmp_path / "a.safetensors", sd1())
    other = write(tmp_path / "b.safetensors", sdxl())
    missing = tmp_path / "missing.safetensors"
    result = invoke("weights", str(good), str(missing), str(other), "--json")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [json.loads(line)["architecture"]["id"] for line in lines] == ["sd1", "sdxl"]
    assert "missing.safetensors: no such file" in result.stderr


def test_vram_json_is_the_plan() -> None:
    result = invoke("vram", "sdxl", "--gpu", "rtx-3060", "--offload", "model", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"peak_gb", "gpu_gb", "fits", "suggestions"} <= set(data)
    expected = plan("sdxl", "rtx-3060", offload="model").to_dict()
    assert result.stdout == json.dumps(expected) + "\n"


def test_vram_for_people_shows_the_usage_bar_and_the_fixes() -> None:
    result = invoke("vram", "flux-dev", "--gpu", "16")
    assert result.exit_code == 0
    assert "FLUX.1 [dev]" in result.stdout  # brackets printed as written, not as markup
    assert "Usage" in result.stdout
    assert "What would make it fit" in result.stdout


def test_vram_from_a_weights_file(tmp_path: Path) -> None:
    path = write(tmp_path / "v1.safetensors", sd1())
    data = json.loads(invoke("vram", str(path), "--gpu", "8", "--json").stdout)
    assert data["fits"] is True
    assert data["settings"]["resolution"] == [512, 512]


def test_vram_user_errors() -> None:
    assert "unknown GPU 'rtx-9999'" in one_line_error(invoke("vram", "sdxl", "--gpu", "rtx-9999"))
    assert "unknown model" in one_line_error(invoke("vram", "sdxxl", "--gpu", "12"))
    result = invoke("vram", "sdxl", "--gpu", "12", "--precision", "fp2")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_vram_auto_without_a_gpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    line = one_line_error(invoke("vram", "sdxl", "--gpu", "auto"))
    assert "nvidia-smi is not installed" in line


def test_compare() -> None:
    result = invoke("compare", "--json")
    assert result.stdout == json.dumps(compare_models().to_dict()) + "\n"
    people = invoke("compare")
    assert people.exit_code == 0
    for words in ("Midjourney", "FLUX.1 [schnell]", "Privacy and control", "midjourney-plans"):
        assert words in people.stdout


def test_cost(tmp_path: Path) -> None:
    args = [
        "cost",
        "--images-per-month",
        "2000",
        "--plan",
        "midjourney-standard",
        "--gpu",
        "rtx-4090",
        "--kwh-price",
        "0.30",
        "--months",
        "24",
    ]
    svg = tmp_path / "cost.svg"
    result = invoke(*args, "--json", "--svg", str(svg))
    assert result.exit_code == 0
    expected = cost_of_ownership(
        images_per_month=2000, plan="midjourney-standard", gpu="rtx-4090", kwh_price=0.30
    ).to_dict()
    assert result.stdout == json.dumps(expected) + "\n"
    assert svg.read_text().startswith("<svg")
    people = invoke(*args)
    assert "Break-even: not within 24 months (month 55 at these rates)" in people.stdout
    assert "--kwh-price" in people.stdout


def test_cost_user_errors(tmp_path: Path) -> None:
    base = ["cost", "--images-per-month", "10", "--gpu", "h100"]
    assert "no purchase price" in one_line_error(invoke(*base, "--plan", "midjourney-pro"))
    blocked = tmp_path / "no-such-dir" / "c.svg"
    line = one_line_error(
        invoke(
            *base,
            "--plan",
            "gemini-3-pro-image",
            "--gpu-price",
            "9000",
            "--board-power",
            "700",
            "--svg",
            str(blocked),
        )
    )
    assert "cannot write" in line
    assert invoke("cost", "--plan", "x", "--gpu", "y").exit_code == 2  # a missing option


def test_run_returns_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["compare", "--kind", "closed", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["models"]
    assert run(["vram", "sdxl", "--gpu", "nope"]) == 1
    assert run(["vram"]) == 2


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aula.cli.lab", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    for command in ("weights", "vram", "compare", "cost"):
        assert command in done.stdout
