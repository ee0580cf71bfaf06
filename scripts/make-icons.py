#!/usr/bin/env python3
"""Re-create the app icons (src/aula/web/static/icon-192.png, icon-512.png) from the favicon's
shapes: a blue rounded square with a white diamond and a blue one inside. Standard library only
(zlib), so the icons can be rebuilt anywhere; the PNGs are committed."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "src" / "aula" / "web" / "static"
BLUE = (0x0B, 0x57, 0xD0)
WHITE = (0xFF, 0xFF, 0xFF)


def pixel(x: float, y: float) -> tuple[int, int, int, int]:
    """The favicon's 32x32 drawing at (x, y) in its own units (full bleed, so maskable)."""
    d = abs(x - 16) + abs(y - 16)
    if d <= 5:
        return (*BLUE, 255)
    if d <= 11:
        return (*WHITE, 255)
    return (*BLUE, 255)


def png(size: int) -> bytes:
    rows = bytearray()
    for j in range(size):
        rows.append(0)  # filter: none
        for i in range(size):
            rows.extend(pixel((i + 0.5) * 32 / size, (j + 0.5) * 32 / size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    for size in (192, 512):
        (STATIC / f"icon-{size}.png").write_bytes(png(size))
        print(f"wrote icon-{size}.png")
