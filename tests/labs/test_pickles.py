"""Pickle checkpoints are refused, and never unpickled: a booby-trapped one stays harmless."""

from __future__ import annotations

import os
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import pytest
from click.testing import CliRunner

from aula.cli.lab import lab
from aula.labs.errors import LabError, PickleRefused
from aula.labs.weights import inspect_header_bytes, inspect_weights


class Trap:
    """Unpickling this runs a shell command that creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch '{self.marker}'",))


def trapped_state_dict(marker: Path) -> bytes:
    return pickle.dumps({"state_dict": {"model.weight": Trap(marker)}}, protocol=2)


def test_the_trap_is_real(tmp_path: Path) -> None:
    # The control: loading it the way torch.load would does run the code.
    marker = tmp_path / "ran"
    pickle.loads(trapped_state_dict(marker))  # the point of this test
    assert marker.exists()


@pytest.mark.parametrize("name", ["model.ckpt", "model.pt", "model.bin", "model.pth"])
def test_a_pickle_checkpoint_is_refused_without_running_it(tmp_path: Path, name: str) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / name
    path.write_bytes(trapped_state_dict(marker))
    with pytest.raises(PickleRefused) as caught:
        inspect_weights(path)
    assert not marker.exists()
    assert caught.value.imports == ("posix.system",)
    message = caught.value.message
    assert "runs any code" in message
    assert "posix.system" in message
    assert ".safetensors" in message


def test_a_pytorch_zip_checkpoint_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as archive:  # the layout torch.save has used since 1.6
        archive.writestr("archive/data.pkl", trapped_state_dict(marker))
        archive.writestr("archive/data/0", bytes(64))
    with pytest.raises(PickleRefused, match=r"posix\.system"):
        inspect_weights(path)
    assert not marker.exists()


def test_a_pickle_renamed_to_safetensors_is_caught(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "model.safetensors"
    path.write_bytes(trapped_state_dict(marker))
    with pytest.raises(PickleRefused, match="named like a safetensors file"):
        inspect_weights(path)
    assert not marker.exists()


def test_a_plain_looking_pickle_is_refused_all_the_same(tmp_path: Path) -> None:
    path = tmp_path / "model.ckpt"
    path.write_bytes(pickle.dumps(OrderedDict(weight=[0.0, 1.0]), protocol=4))
    with pytest.raises(PickleRefused) as caught:
        inspect_weights(path)
    assert caught.value.imports == ("collections.OrderedDict",)
    assert "cannot be trusted on looks" in caught.value.message


def test_an_uploaded_pickle_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(LabError, match="pickle"):
        inspect_header_bytes(trapped_state_dict(marker), name="upload.ckpt")
    assert not marker.exists()


def test_the_cli_refuses_in_one_line(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "model.ckpt"
    path.write_bytes(trapped_state_dict(marker))
    result = CliRunner().invoke(lab, ["weights", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "refused" in result.stderr
    assert "Traceback" not in result.stderr
    assert not marker.exists()
