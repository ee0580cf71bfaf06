"""The header reader against every rule of the format, and against the reference library."""

from __future__ import annotations

import io
from typing import Any

import pytest
import safetensors
from hypothesis import given, settings
from hypothesis import strategies as st

from aula.labs.errors import FormatError
from aula.labs.safetensors import MAX_HEADER_BYTES, parse_header_bytes, read_header

from .stfiles import entry, raw, valid_bytes


def reference_reads(blob: bytes) -> list[tuple[str, dict[str, Any]]]:
    """The reference library's parse of a whole file (raises ``SafetensorError``)."""
    result: list[tuple[str, dict[str, Any]]] = safetensors.deserialize(blob)  # type: ignore[no-untyped-call]
    return result


# The smallest valid file, from the reference's docstring: N = 60, then 16 zero bytes.
SMALLEST = (
    b'<\x00\x00\x00\x00\x00\x00\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}'
    + bytes(16)
)

MALFORMED: dict[str, tuple[bytes, str, str]] = {
    # name: (file bytes, error code, words the message must contain)
    "shorter than 8 bytes": (b"\x01\x02", "HeaderTooSmall", "8-byte header length"),
    "header over the limit": (raw(b"{}", length=MAX_HEADER_BYTES + 1), "HeaderTooLarge", "limit"),
    "header past the end": (raw(b"{}", length=1000), "InvalidHeaderLength", "past the end"),
    "not UTF-8": (raw(b'{"\xff":1}'), "InvalidHeader", "UTF-8"),
    "a JSON list": (raw(b"[1, 2]"), "InvalidHeaderStart", "JSON object"),
    "not JSON": (raw(b'{"a": }'), "InvalidHeaderDeserialization", "not valid JSON"),
    "NaN offset": (
        raw(b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[NaN,1]}}', 1),
        "InvalidHeaderDeserialization",
        "NaN",
    ),
    "duplicate name": (
        raw(
            b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
            b'"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}',
            2,
        ),
        "DuplicateTensor",
        "twice",
    ),
    "unknown dtype": (raw({"a": entry("F17", [2], 0, 4)}, 4), "UnknownDtype", "'F17'"),
    "entry not an object": (raw({"a": 5}), "InvalidTensorInfo", "expected an object"),
    "missing offsets": (
        raw({"a": {"dtype": "F32", "shape": [1]}}, 4),
        "InvalidTensorInfo",
        "missing data_offsets",
    ),
    "negative dimension": (raw({"a": entry("U8", [-1], 0, 1)}, 1), "InvalidTensorInfo", "shape"),
    "float dimension": (raw({"a": entry("U8", [1.0], 0, 1)}, 1), "InvalidTensorInfo", "shape"),  # type: ignore[list-item]
    "boolean offset": (
        raw(b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[false,1]}}', 1),
        "InvalidOffset",
        "two non-negative integers",
    ),
    "offsets reversed": (raw({"a": entry("U8", [0], 4, 0)}, 4), "InvalidOffset", "end before"),
    "overlap": (
        raw({"a": entry("F32", [4], 0, 16), "b": entry("F32", [4], 8, 24)}, 24),
        "InvalidOffset",
        "overlap",
    ),
    "hole between tensors": (
        raw({"a": entry("F32", [2], 0, 8), "b": entry("F32", [2], 16, 24)}, 24),
        "InvalidOffset",
        "a hole",
    ),
    "hole at the start": (raw({"a": entry("F32", [2], 8, 16)}, 16), "InvalidOffset", "a hole"),
    "shape × dtype ≠ bytes": (
        raw({"a": entry("I32", [2, 2], 0, 12)}, 12),
        "TensorInvalidInfo",
        "needs 16 bytes but data_offsets cover 12",
    ),
    "half a byte": (raw({"a": entry("F4", [3], 0, 2)}, 2), "TensorInvalidInfo", "1.5 bytes"),
    "too large to store": (
        raw({"a": entry("F32", [2**40, 2**40], 0, 16)}, 16),
        "ValidationOverflow",
        "too large",
    ),
    "bytes after the last tensor": (
        raw({"a": entry("I32", [2, 2], 0, 16)}, 20),
        "MetadataIncompleteBuffer",
        "last 4 bytes of the file belong to no tensor",
    ),
    "offsets outside the file": (
        raw({"a": entry("I32", [2, 2], 0, 16)}, 8),
        "MetadataIncompleteBuffer",
        "past the end",
    ),
    "metadata not strings": (raw({"__metadata__": {"a": 1}}), "InvalidMetadata", "strings"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_each_broken_rule_is_a_clear_error(case: str) -> None:
    data, code, words = MALFORMED[case]
    with pytest.raises(FormatError) as caught:
        parse_header_bytes(data, file_size=len(data))
    assert caught.value.code == code
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_the_reference_library_rejects_them_too(case: str) -> None:
    data = MALFORMED[case][0]
    with pytest.raises(safetensors.SafetensorError):
        reference_reads(data)


def test_a_leading_space_is_refused_as_the_format_says() -> None:
    # The format text says the header starts with "{"; the reference library (0.8) is lenient.
    data = raw(b" {}")
    with pytest.raises(FormatError, match="InvalidHeaderStart"):
        parse_header_bytes(data, file_size=len(data))


def test_the_smallest_valid_file() -> None:
    header = parse_header_bytes(SMALLEST, file_size=len(SMALLEST))
    assert header.header_size == 60
    (tensor,) = header.tensors
    assert (tensor.name, tensor.dtype, tensor.shape, tensor.nbytes) == ("test", "I32", (2, 2), 16)
    assert header.expected_file_size == len(SMALLEST)


@pytest.mark.parametrize(
    ("header", "data"),
    [
        (b"{}      ", 0),  # padded with spaces, no tensors
        ({"s": entry("F32", [], 0, 4), "e": entry("F32", [0], 4, 4)}, 4),  # 0-rank and empty
        ({"q": entry("F4", [4], 0, 2), "r": entry("F6_E2M3", [4], 2, 5)}, 5),  # sub-byte dtypes
        ({"__metadata__": {"format": "pt"}, "x": entry("BF16", [3], 0, 6)}, 6),
    ],
)
def test_valid_edge_cases(header: bytes | dict[str, Any], data: int) -> None:
    blob = raw(header, data)
    parsed = parse_header_bytes(blob, file_size=len(blob))
    assert parsed.data_size == data
    reference_reads(blob)  # and the reference agrees they are valid


def test_without_the_file_size_only_the_header_is_checked() -> None:
    blob = raw({"a": entry("I32", [2, 2], 0, 16)})  # header alone: the 16 data bytes are absent
    assert parse_header_bytes(blob).data_size == 16
    with pytest.raises(FormatError, match="MetadataIncompleteBuffer"):
        parse_header_bytes(blob, file_size=len(blob))


def test_a_lower_limit_for_uploads() -> None:
    blob = raw(b"{}" + b" " * 998)
    with pytest.raises(FormatError, match="over the 100-byte limit"):
        parse_header_bytes(blob, limit=100)


class CountingReader(io.RawIOBase):
    """A file that counts the bytes it hands out: proof that the data region is never read."""

    def __init__(self, data: bytes) -> None:
        self.inner = io.BytesIO(data)
        self.handed_out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.handed_out += len(chunk)
        return len(chunk)


def test_read_header_reads_exactly_the_header() -> None:
    blob = valid_bytes({"big": (1000, 1000)})  # 2 MB of tensor data
    size = int.from_bytes(blob[:8], "little")
    stream = CountingReader(blob)
    header = read_header(stream, file_size=len(blob))  # type: ignore[arg-type]
    assert header.tensors[0].nbytes == 2_000_000
    assert stream.handed_out == 8 + size


SHAPES = st.dictionaries(
    st.text(
        st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12
    ).filter(lambda s: s != "__metadata__"),
    st.lists(st.integers(0, 5), max_size=3).map(tuple),
    max_size=6,
)
DTYPES = st.sampled_from(["float16", "float32", "float64", "int8", "uint8", "int32", "bool"])


@settings(max_examples=150, deadline=None)
@given(shapes=SHAPES, dtype=DTYPES)
def test_files_the_reference_writes_are_read_alike(
    shapes: dict[str, tuple[int, ...]], dtype: str
) -> None:
    blob = valid_bytes(shapes, dtype)
    ours = parse_header_bytes(blob, file_size=len(blob))
    theirs = dict(reference_reads(blob))
    assert {t.name for t in ours.tensors} == set(theirs)
    for t in ours.tensors:
        assert list(t.shape) == theirs[t.name]["shape"]
        assert t.nbytes == len(theirs[t.name]["data"])


BASE = valid_bytes({"a.weight": (2, 3), "b": (4,), "c": ()})


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_broken_bytes_are_judged_like_the_reference(data: st.DataObject) -> None:
    blob = bytearray(BASE)
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.integers(0, len(blob) - 1))
        blob[where] = data.draw(st.sampled_from(b'{}[]":, 0123456789aFIU\xff\x00'))
    if data.draw(st.booleans()):
        blob = blob[: data.draw(st.integers(0, len(blob)))]
    try:
        parse_header_bytes(bytes(blob), file_size=len(blob))
        ours = True
    except FormatError:
        ours = False
    try:
        reference_reads(bytes(blob))
        theirs = True
    except safetensors.SafetensorError:
        theirs = False
    assert ours == theirs
