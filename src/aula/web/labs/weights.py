"""The weights lab on the web: inspect the bytes a browser sent, and the report as a page."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from aula.labs import pickles
from aula.labs.errors import LabError
from aula.labs.weights import WeightsReport, inspect_header_bytes
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


def inspect_upload(data: bytes, name: str, file_size: int | None) -> WeightsReport:
    """Inspect the first ``8 + N`` bytes of an upload; pickles are refused, never loaded."""
    if pickles.is_pickle_name(Path(name)):
        raise refusal(data, name)
    try:
        return inspect_header_bytes(data, name=name, file_size=file_size)
    except LabError:
        if pickles.looks_like_pickle(data[:PREFIX]):
            raise refusal(data, name) from None
        raise


async def inspect(data: bytes, name: str, file_size: int | None) -> WeightsReport:
    """``inspect_upload`` off the event loop (a header can be 16 MiB of JSON); 422 if refused."""
    try:
        return await run_in_threadpool(inspect_upload, data, name, file_size)
    except LabError as exc:
        raise lab_error(exc, "file") from None


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


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
