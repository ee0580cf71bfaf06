"""Inspecting a 20 GB checkpoint costs what inspecting a 20 KB one does: the header only.

Baseline: ``inspect_weights`` on a valid 20 KB safetensors file. Measured: the same call on a
valid 20 GB file whose tensor data is a hole (a sparse file: no disk space, same size and
header). Both files hold one tensor, so their headers are the same size. Prints the median time
per call of each (rounds alternate between the two) and their ratio, which should be about 1.

    .venv/bin/python bench/weights_inspect.py [--repeat 2000] [--rounds 11]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aula.labs.weights import inspect_weights


def single_tensor_file(path: Path, total: int) -> None:
    """A valid file of exactly ``total`` bytes; the data region is left as a hole."""

    def header_for(size: int) -> bytes:
        text = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}})
        return text.encode() + b" " * (-len(text) % 8)

    header = header_for(total)
    header = header_for(total - 8 - len(header))
    with path.open("wb") as f:
        f.write(len(header).to_bytes(8, "little") + header)
        f.truncate(total)


def per_call_us(path: Path, repeat: int) -> float:
    """The mean time of ``repeat`` calls, in microseconds."""
    start = time.perf_counter()
    for _ in range(repeat):
        inspect_weights(path)
    return (time.perf_counter() - start) / repeat * 1e6


def medians(small: Path, large: Path, repeat: int, rounds: int) -> tuple[float, float]:
    """Rounds alternate between the files, so a busy moment on the machine hits both alike."""
    base, measured = [], []
    for _ in range(rounds):
        base.append(per_call_us(small, repeat))
        measured.append(per_call_us(large, repeat))
    return statistics.median(base), statistics.median(measured)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder) / "small.safetensors", Path(folder) / "large.safetensors"
        single_tensor_file(small, 20 * 10**3)
        single_tensor_file(large, 20 * 10**9)
        on_disk = large.stat().st_blocks * 512
        if on_disk > 10**8:
            print(f"this filesystem wrote {on_disk:,} bytes: no sparse files, not measured")
            return 1
        inspect_weights(small), inspect_weights(large)  # warm up imports and caches
        baseline, measured = medians(small, large, args.repeat, args.rounds)
    print(f"inspect 20 KB file (baseline): {baseline:8.1f} µs per call")
    print(f"inspect 20 GB sparse file:     {measured:8.1f} µs per call")
    print(f"ratio 20 GB / 20 KB: {measured / baseline:.2f} (1.00 = cost does not grow with size)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
