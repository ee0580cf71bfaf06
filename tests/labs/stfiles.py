"""Real safetensors files for the tests: written by the safetensors package, or by hand when
they must break a rule of the format (the package refuses to write a broken file)."""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save, save_file


def write(
    path: Path,
    shapes: Mapping[str, tuple[int, ...]],
    dtype: str = "float16",
    metadata: dict[str, str] | None = None,
) -> Path:
    """A valid file of zero tensors with these names and shapes, by the safetensors package."""
    tensors = {name: np.zeros(shape, dtype=dtype) for name, shape in shapes.items()}
    save_file(tensors, str(path), metadata=metadata)
    return path


def valid_bytes(shapes: Mapping[str, tuple[int, ...]], dtype: str = "float16") -> bytes:
    return save({name: np.zeros(shape, dtype=dtype) for name, shape in shapes.items()})


def raw(
    header: bytes | Mapping[str, Any], data: bytes | int = b"", *, length: int | None = None
) -> bytes:
    """``length`` (8 bytes, little-endian) + header + data, with nothing checked."""
    body = header if isinstance(header, bytes) else json.dumps(header).encode()
    payload = bytes(data) if isinstance(data, int) else data
    n = len(body) if length is None else length
    return struct.pack("<Q", n) + body + payload


def write_raw(
    path: Path,
    header: bytes | Mapping[str, Any],
    data: bytes | int = b"",
    *,
    length: int | None = None,
) -> Path:
    path.write_bytes(raw(header, data, length=length))
    return path


def entry(dtype: str, shape: list[int], begin: int, end: int) -> dict[str, Any]:
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}
