"""GPU detection with nvidia-smi: its CSV parsed, and every way it can be missing or fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.labs.gpu import detect_gpus, parse_nvidia_smi


def test_parse_rows_and_skip_the_rest() -> None:
    text = "0, NVIDIA GeForce RTX 4060 Ti, 16380\n1, NVIDIA A100-SXM4-80GB, [N/A]\n\ngarbage\n"
    (gpu,) = parse_nvidia_smi(text)
    assert (gpu.index, gpu.name) == (0, "NVIDIA GeForce RTX 4060 Ti")
    assert gpu.memory_gb == pytest.approx(16380 / 1024)


def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    exe = folder / "nvidia-smi"
    exe.write_text(f"#!/bin/sh\n{script}\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


def test_a_driver_that_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path(tmp_path, monkeypatch, "echo 'NVIDIA-SMI has failed: driver not loaded' >&2; exit 9")
    found = detect_gpus()
    assert found.gpus == ()
    assert found.largest is None
    assert "driver not loaded" in found.message


def test_one_gpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path(tmp_path, monkeypatch, "echo '0, NVIDIA GeForce RTX 3060, 12288'")
    found = detect_gpus()
    assert found.largest is not None
    assert found.largest.memory_gb == 12.0
    assert found.message == "detected with nvidia-smi: 1 GPU(s)"


def test_no_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert detect_gpus().message == "no NVIDIA GPU detected: nvidia-smi is not installed"


def test_nvidia_smi_runs_once_for_many_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = tmp_path / "runs"
    on_path(tmp_path, monkeypatch, f"echo run >> {runs}; echo '0, NVIDIA GeForce RTX 3060, 12288'")
    for _ in range(5):
        assert detect_gpus().largest is not None
    assert runs.read_text().count("run") == 1
