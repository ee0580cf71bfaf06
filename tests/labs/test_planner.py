"""The VRAM lab's front door: what a learner types becomes a model and a GPU."""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.labs.errors import LabError
from aula.labs.planner import plan


def test_a_catalog_name_wins_over_a_file_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file called ``sdxl`` in the working folder is not read unless named as a path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sdxl").write_bytes(b"\x00" * 16)
    assert plan("sdxl", "rtx-4090").model == "SDXL base 1.0"


def test_a_path_still_means_a_weights_file(tmp_path: Path) -> None:
    with pytest.raises(LabError):
        plan(str(tmp_path / "missing.safetensors"), "rtx-4090")


@pytest.mark.parametrize("size", ["0", "0.0", "5000"])
def test_gpu_sizes_must_be_plausible(size: str) -> None:
    with pytest.raises(LabError, match="more than 0 and at most 1024 GiB"):
        plan("sdxl", size)
