"""The safetensors header: read it without touching the tensor data, and check every rule.

Layout (huggingface/safetensors, README "Format" and ``src/tensor.rs``): 8 bytes of header
length ``N`` (u64, little-endian), ``N`` bytes of UTF-8 JSON, then the data buffer. The JSON maps
each tensor name to ``{"dtype", "shape", "data_offsets": [BEGIN, END]}`` relative to the buffer,
plus an optional ``__metadata__`` map of strings. We implement the checks here rather than call
the ``safetensors`` package because it needs the whole file (it maps it into memory), while a web
upload gives us only the header, and we want a precise message for each broken rule.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from aula.labs.errors import FormatError

PREFIX_BYTES = 8
MAX_HEADER_BYTES = 100_000_000  # the reference's limit (HeaderTooLarge)
_U64_MAX = 2**64 - 1

# Bits per element, from the reference's Dtype enum (its JSON schema is out of date).
DTYPE_BITS: Mapping[str, int] = {
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "F8_E4M3FNUZ": 8,
    "F8_E5M2FNUZ": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "I64": 64,
    "U64": 64,
    "F64": 64,
    "C64": 64,
}


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int  # offsets relative to the start of the data buffer
    end: int

    @property
    def elements(self) -> int:
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        return self.end - self.begin


@dataclass(frozen=True)
class Header:
    """A validated header. ``file_size`` is None when only the header bytes were given."""

    header_size: int
    tensors: tuple[TensorInfo, ...]  # in data-buffer order
    metadata: dict[str, str] = field(hash=False)
    file_size: int | None

    @property
    def data_size(self) -> int:
        return self.tensors[-1].end if self.tensors else 0

    @property
    def expected_file_size(self) -> int:
        return PREFIX_BYTES + self.header_size + self.data_size


def header_length(prefix: bytes, *, limit: int = MAX_HEADER_BYTES) -> int:
    """``N`` from the first 8 bytes, checked against ``limit`` (never above the reference's)."""
    if len(prefix) < PREFIX_BYTES:
        raise FormatError(
            "HeaderTooSmall",
            f"only {len(prefix)} bytes: a safetensors file starts with an 8-byte header length",
        )
    (size,) = struct.unpack("<Q", prefix[:PREFIX_BYTES])
    cap = min(limit, MAX_HEADER_BYTES)
    if size > cap:
        raise FormatError(
            "HeaderTooLarge", f"header length {size:,} is over the {cap:,}-byte limit"
        )
    return int(size)


def read_header(
    stream: BinaryIO,
    *,
    file_size: int | None,
    limit: int = MAX_HEADER_BYTES,
    max_tensors: int | None = None,
) -> Header:
    """Read exactly ``8 + N`` bytes from the stream's start, never the tensor data; refuse a
    header listing more than ``max_tensors`` tensors before parsing it."""
    prefix = _read_exactly(stream, PREFIX_BYTES)
    size = header_length(prefix, limit=limit)
    if file_size is not None and PREFIX_BYTES + size > file_size:
        raise _past_end(size, file_size)
    body = _read_exactly(stream, size)
    if len(body) < size:
        raise _past_end(size, PREFIX_BYTES + len(body))
    # Each tensor entry has exactly one "data_offsets": counting them is a byte search.
    if max_tensors is not None and (count := body.count(b'"data_offsets"')) > max_tensors:
        raise FormatError(
            "TooManyTensors",
            f"the header lists {count:,} tensors, over the limit of {max_tensors:,} "
            "(an SDXL checkpoint has about 2,500)",
        )
    return parse_header_json(body, file_size=file_size)


def _read_exactly(stream: BinaryIO, count: int) -> bytes:
    """Up to ``count`` bytes, fewer only at the end of the file (unbuffered reads may be short)."""
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def parse_header_bytes(
    data: bytes, *, file_size: int | None = None, limit: int = MAX_HEADER_BYTES
) -> Header:
    """Parse a header from bytes that start at the file's start (later bytes are ignored)."""
    size = header_length(data, limit=limit)
    end = PREFIX_BYTES + size
    if file_size is not None and end > file_size:
        raise _past_end(size, file_size)
    if len(data) < end:
        raise FormatError(
            "InvalidHeaderLength",
            f"the header is {size:,} bytes but only {len(data) - PREFIX_BYTES:,} were given",
        )
    return parse_header_json(data[PREFIX_BYTES:end], file_size=file_size)


def parse_header_json(body: bytes, *, file_size: int | None) -> Header:
    """Check the ``N`` header bytes against every rule of the format."""
    raw = _decode(body)
    metadata = _metadata(raw.pop("__metadata__", None))
    tensors = sorted(
        (_tensor(name, entry) for name, entry in raw.items()), key=lambda t: (t.begin, t.end)
    )
    _check_layout(tensors)
    header = Header(len(body), tuple(tensors), metadata, file_size)
    if file_size is not None:
        _check_file_end(header, file_size)
    return header


def _past_end(size: int, file_size: int) -> FormatError:
    return FormatError(
        "InvalidHeaderLength",
        f"header length {size:,} runs past the end of the {file_size:,}-byte file",
    )


class _Duplicate(Exception):
    pass


class _Surrogate(Exception):
    pass


def _text_ok(text: str) -> bool:
    """JSON's ``\\ud800`` escapes decode to lone surrogates, which are not Unicode text (the
    reference's serde_json refuses them) and cannot be written out again as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members, refusing a repeated name (``dict`` would keep the last silently).
    Built in C first; the slow search runs only when there is a repeat to name."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return out


def _checked_text(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    for key, value in pairs:
        if not _text_ok(key) or (isinstance(value, str) and not _text_ok(value)):
            raise _Surrogate(key.encode("utf-8", "backslashreplace").decode("ascii", "replace"))
    return _unique(pairs)


# A \uD800-\uDFFF escape: only then can a decoded string hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _decode(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError("InvalidHeader", f"header is not UTF-8 text (byte {exc.start})") from None
    if not text.startswith("{"):
        found = repr(text[:1]) if text else "nothing"
        raise FormatError(
            "InvalidHeaderStart", f"header must be a JSON object starting with '{{', found {found}"
        )
    try:
        hook = _checked_text if _SURROGATE_ESCAPE.search(text) else _unique
        value = json.loads(text, object_pairs_hook=hook, parse_constant=_reject_constant)
    except _Duplicate as dup:
        raise FormatError("DuplicateTensor", f"'{dup}' appears twice in the header") from None
    except _Surrogate as bad:
        raise FormatError(
            "InvalidHeaderDeserialization",
            f"header has a lone surrogate escape (not Unicode text) in or under '{bad}'",
        ) from None
    except RecursionError:
        raise FormatError(
            "InvalidHeaderDeserialization", "header is nested too deep to be a safetensors header"
        ) from None
    except ValueError as exc:
        raise FormatError(
            "InvalidHeaderDeserialization", f"header is not valid JSON: {exc}"
        ) from None
    if not isinstance(value, dict):  # "{" followed by valid JSON is always an object; be sure
        raise FormatError("InvalidHeaderStart", "header is not a JSON object")
    return value


def _metadata(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise FormatError("InvalidMetadata", "'__metadata__' must map names to strings only")
    return value


def _is_u64(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _U64_MAX


def _tensor(name: str, entry: Any) -> TensorInfo:
    if not isinstance(entry, dict):
        raise FormatError("InvalidTensorInfo", f"tensor '{name}': expected an object")
    missing = [k for k in ("dtype", "shape", "data_offsets") if k not in entry]
    if missing:
        raise FormatError("InvalidTensorInfo", f"tensor '{name}': missing {', '.join(missing)}")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
        raise FormatError("UnknownDtype", f"tensor '{name}': unknown dtype {dtype!r}")
    if not isinstance(shape, list) or not all(_is_u64(d) for d in shape):
        raise FormatError(
            "InvalidTensorInfo", f"tensor '{name}': shape must be a list of non-negative integers"
        )
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_u64(o) for o in offsets)):
        raise FormatError(
            "InvalidOffset", f"tensor '{name}': data_offsets must be two non-negative integers"
        )
    begin, end = offsets
    if end < begin:
        raise FormatError(
            "InvalidOffset", f"tensor '{name}': data_offsets {offsets} end before they begin"
        )
    info = TensorInfo(name, dtype, tuple(shape), begin, end)
    _check_size(info)
    return info


def _check_size(info: TensorInfo) -> None:
    bits = info.elements * DTYPE_BITS[info.dtype]
    if bits // 8 > _U64_MAX:
        raise FormatError(
            "ValidationOverflow", f"tensor '{info.name}': shape is too large to store"
        )
    if bits % 8 or bits // 8 != info.nbytes:
        need = f"{bits / 8:,.1f}" if bits % 8 else f"{bits // 8:,}"
        raise FormatError(
            "TensorInvalidInfo",
            f"tensor '{info.name}': shape {list(info.shape)} of {info.dtype} needs {need} bytes "
            f"but data_offsets cover {info.nbytes:,}",
        )


def _check_layout(tensors: list[TensorInfo]) -> None:
    """The buffer is covered exactly once, from byte 0, in offset order: no holes, no overlaps."""
    position, previous = 0, None
    for info in tensors:
        if info.begin < position:
            raise FormatError(
                "InvalidOffset",
                f"tensor '{info.name}' starts at data byte {info.begin:,} but '{previous}' "
                f"ends at {position:,}: they overlap",
            )
        if info.begin > position:
            after = f"after '{previous}'" if previous else "at the start of the data"
            raise FormatError(
                "InvalidOffset",
                f"{info.begin - position:,} bytes {after} belong to no tensor: tensor "
                f"'{info.name}' starts at data byte {info.begin:,}, not {position:,} (a hole)",
            )
        position, previous = info.end, info.name


def _check_file_end(header: Header, file_size: int) -> None:
    expected = header.expected_file_size
    if expected > file_size:
        last = header.tensors[-1].name
        raise FormatError(
            "MetadataIncompleteBuffer",
            f"tensor '{last}' ends at file byte {expected:,}, past the end of the "
            f"{file_size:,}-byte file",
        )
    if expected < file_size:
        raise FormatError(
            "MetadataIncompleteBuffer",
            f"the last {file_size - expected:,} bytes of the file belong to no tensor (a hole)",
        )
