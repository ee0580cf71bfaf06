"""The weights lab on the web: inspect the bytes a browser sent, and the report as a page."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from aula.i18n import format_percent
from aula.labs import pickles
from aula.labs.errors import LabError
from aula.labs.weights import WeightsReport, inspect_header_bytes
from aula.web.errors import InputError
from aula.web.labs.fields import lab_error
from aula.web.labs.format import count, size

PREFIX = 8
METADATA_SHOWN = 300  # characters of a metadata value; training configs can be long


def refusal(data: bytes, name: str) -> LabError:
    """The labs' own refusal of a pickle, naming what it would import.

    The bytes go to a scratch file only so ``pickles.refuse`` can list the pickle's imports by
    decoding its opcodes (``pickletools``), which never executes it; the file is then removed.
    """
    with tempfile.TemporaryDirectory(prefix="aula-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return pickles.refuse(path, renamed=not pickles.is_pickle_name(path))


@dataclass(frozen=True)
class HeaderCaps:
    """What the web parses of a header (settings weights_header_kb, weights_max_tensors): a
    16 MiB header of 250,000 tensors costs seconds of CPU, and no real checkpoint needs it."""

    size: int = 4096 * 1024
    tensors: int = 50_000


def check_caps(data: bytes, caps: HeaderCaps) -> None:
    """413 for a header over the size cap, 422 for more tensors than the cap, before parsing
    (a tensor entry has exactly one "data_offsets", so counting them is a byte search)."""
    if len(data) <= PREFIX or data[PREFIX : PREFIX + 1] != b"{":
        return  # not a safetensors header: the lab says what it is
    size = int.from_bytes(data[:PREFIX], "little")
    if size > caps.size:
        message = (
            f"This header is {size:,} bytes; this server reads headers of up to {caps.size:,} "
            "(real checkpoints' are under 2 MB). Inspect it with `aula lab weights FILE`."
        )
        raise InputError(message, status_code=413, fields={"file": message})
    tensors = data.count(b'"data_offsets"', PREFIX, PREFIX + size)
    if tensors > caps.tensors:
        message = (
            f"This header lists {tensors:,} tensors; this server inspects up to "
            f"{caps.tensors:,} (an SDXL checkpoint has about 2,500). Inspect it with "
            "`aula lab weights FILE`."
        )
        raise InputError(message, fields={"file": message})


def inspect_upload(
    data: bytes, name: str, file_size: int | None, caps: HeaderCaps | None = None
) -> WeightsReport:
    """Inspect the first ``8 + N`` bytes of an upload; pickles are refused, never loaded."""
    if pickles.is_pickle_name(Path(name)):
        raise refusal(data, name)
    caps = caps or HeaderCaps()
    check_caps(data, caps)
    try:
        return inspect_header_bytes(data, name=name, file_size=file_size, limit=caps.size)
    except LabError:
        if pickles.looks_like_pickle(data[:PREFIX]):
            raise refusal(data, name) from None
        raise


async def inspect(
    data: bytes, name: str, file_size: int | None, caps: HeaderCaps | None = None
) -> WeightsReport:
    """``inspect_upload`` off the event loop (a header can be megabytes of JSON); 422 if
    refused, 413 if over the caps."""
    try:
        return await run_in_threadpool(inspect_upload, data, name, file_size, caps)
    except LabError as exc:
        raise lab_error(exc, "file") from None


def _share(part: int, whole: int) -> str:
    return format_percent(part / whole, digits=1) if whole else "–"


def weights_view(report: WeightsReport) -> dict[str, Any]:
    """The report as the page shows it: every number already formatted."""
    arch = report.architecture
    first = report.files[0] if report.files else None
    read = first.header_bytes + PREFIX if first else 0
    of_file = f" of a {size(first.file_size)} file" if first and first.file_size else ""
    total = report.data_bytes
    return {
        "source": report.source,
        "layout": report.layout,
        "architecture": arch.label + (f" ({arch.variant})" if arch.variant else ""),
        "evidence": list(arch.evidence),
        "tensors": f"{report.tensors:,}",
        "parameters": f"{count(report.parameters)} ({report.parameters:,})",
        "data": f"{size(total)} ({total:,} bytes)",
        "read": f"{read:,} bytes: the 8-byte length and the {read - PREFIX:,}-byte header"
        + of_file,
        "dtypes": [
            {"dtype": d, "size": size(b), "share": _share(b, total)}
            for d, b in report.bytes_by_dtype.items()
        ],
        "components": [
            {
                "name": c.name,
                "role": c.role,
                "prefix": c.prefix,
                "tensors": f"{c.tensors:,}",
                "parameters": count(c.parameters),
                "size": size(c.bytes),
            }
            for c in report.components
        ],
        "metadata": [
            {"key": k, "value": v if len(v) <= METADATA_SHOWN else v[:METADATA_SHOWN] + "…"}
            for k, v in report.metadata.items()
        ],
        "notes": list(report.notes),
    }
