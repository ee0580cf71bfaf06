"""Reading an upload without reading more than it is allowed: a declared length is checked
before anything is read, and a body without one is counted as it streams in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from aula.labs.errors import LabError
from aula.labs.weights import bytes_to_read
from aula.web.errors import InputError
from aula.web.forms import small_int

PREFIX = 8
SNIFF_BYTES = 1024 * 1024  # what is read of a file that is not safetensors, to say what it is
DEFAULT_NAME = "upload.safetensors"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def too_large(limit: int) -> InputError:
    return InputError(
        f"This upload is over the {limit:,}-byte limit. The weights lab needs only the file's "
        "header: with JavaScript on, this page sends just the header, even of a multi-GB file. "
        "Without it, send the first 8 + N bytes (N is the little-endian number in the first 8) "
        "to POST /api/labs/weights.",
        status_code=413,
        fields={"file": "Too large to upload whole: send the header only."},
    )


def declared_length(request: Request) -> int | None:
    return small_int(request.headers.get("content-length", ""))


def check_declared(request: Request, limit: int) -> None:
    """413 before reading a byte when the client says the body is over ``limit``."""
    length = declared_length(request)
    if length is not None and length > limit:
        raise too_large(limit)


async def read_capped(request: Request, limit: int) -> bytes:
    """The raw body, or 413 as soon as it passes ``limit`` bytes (the rest is never read)."""
    check_declared(request, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class _Counter:
    """An ASGI ``receive`` that ends the body early once it passes ``limit`` bytes."""

    def __init__(self, request: Request, limit: int) -> None:
        self.receive = request.receive
        self.limit = limit
        self.seen = 0
        self.exceeded = False

    async def __call__(self) -> Message:
        if self.exceeded:
            return {"type": "http.request", "body": b"", "more_body": False}
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                # Stop here: the parser sees a short body, and the caller answers 413.
                self.exceeded = True
                return {"type": "http.request", "body": b"", "more_body": False}
        return message


@asynccontextmanager
async def upload_form(request: Request, limit: int) -> AsyncIterator[FormData]:
    """A multipart form with at most one file, refused with 413 past ``limit`` bytes."""
    check_declared(request, limit)
    counter = _Counter(request, limit)
    limited = Request(request.scope, receive=counter)
    try:
        form = await limited.form(max_files=1, max_fields=10)
    except HTTPException as exc:
        raise too_large(limit) if counter.exceeded else exc from None
    except Exception as exc:  # a malformed multipart body
        raise InputError(f"The form could not be read: {exc}", status_code=400) from None
    try:
        if counter.exceeded:
            raise too_large(limit)
        yield form
    finally:
        await form.close()


async def upload_prefix(upload: UploadFile) -> bytes:
    """The first ``8 + N`` bytes of an uploaded file (or a little more than 8 when it is not
    safetensors, so the lab can say what it is); never the tensor data."""
    first = await upload.read(PREFIX)
    try:
        wanted = bytes_to_read(first)
    except LabError:
        wanted = SNIFF_BYTES
    return first + await upload.read(max(wanted - len(first), 0))


def file_size_header(request: Request) -> int | None:
    """The whole file's size from ``X-File-Size``, so offsets can be checked against its end."""
    raw = request.headers.get("x-file-size", "").strip()
    if not raw:
        return None
    size = small_int(raw)
    if size is None:
        message = f"'{raw[:40]}' is not a size: send the file's size in bytes."
        raise InputError(message, fields={"X-File-Size": message})
    return size


def safe_name(raw: str | None) -> str:
    """A file name to show and to name a scratch file: no folders, no control characters."""
    name = _UNSAFE.sub("", raw or "").strip()
    name = name.encode()[:160].decode(errors="ignore")  # file systems allow 255 bytes
    return name if name.strip(". ") else DEFAULT_NAME
