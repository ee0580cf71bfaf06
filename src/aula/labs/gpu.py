"""Which GPU is in this machine: ask ``nvidia-smi`` when it is installed, and say so when not."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

QUERY = ["--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"]
CACHE_SECONDS = 300.0  # a machine's GPUs do not change while it serves; nvidia-smi is slow


@dataclass(frozen=True)
class DetectedGpu:
    index: int
    name: str
    memory_gb: float  # GB of 2³⁰ bytes; nvidia-smi reports MiB


@dataclass(frozen=True)
class Detection:
    gpus: tuple[DetectedGpu, ...]
    message: str  # how they were found, or why none was

    @property
    def largest(self) -> DetectedGpu | None:
        return max(self.gpus, key=lambda g: g.memory_gb, default=None)


def parse_nvidia_smi(text: str) -> tuple[DetectedGpu, ...]:
    """Rows of ``index, name, memory.total`` (MiB) as nvidia-smi prints them in CSV."""
    out = []
    for row in csv.reader(io.StringIO(text), skipinitialspace=True):
        if len(row) != 3:
            continue
        try:
            out.append(DetectedGpu(int(row[0]), row[1].strip(), float(row[2]) / 1024))
        except ValueError:
            continue  # "[N/A]" or a driver message: not a GPU row
    return tuple(out)


_cache: dict[str, tuple[float, Detection]] = {}
_lock = threading.Lock()


def detect_gpus(timeout: float = 10.0) -> Detection:
    """NVIDIA GPUs found by nvidia-smi; none (with the reason) when it is missing or fails.

    The answer is kept for ``CACHE_SECONDS``: ``gpu=auto`` is on an anonymous GET, which
    must not start a process per request. Concurrent callers wait for one run."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return Detection((), "no NVIDIA GPU detected: nvidia-smi is not installed")
    with _lock:
        kept = _cache.get(exe)
        if kept is not None and time.monotonic() - kept[0] < CACHE_SECONDS:
            return kept[1]
        found = _run(exe, timeout)
        _cache[exe] = (time.monotonic(), found)
        return found


def _run(exe: str, timeout: float) -> Detection:
    try:
        done = subprocess.run(
            [exe, *QUERY], capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Detection((), f"no NVIDIA GPU detected: nvidia-smi failed ({exc})")
    gpus = parse_nvidia_smi(done.stdout) if done.returncode == 0 else ()
    if not gpus:
        reason = (done.stderr or done.stdout).strip().splitlines()
        why = f": {reason[0]}" if reason else ""
        return Detection((), f"no NVIDIA GPU detected: nvidia-smi found none{why}")
    return Detection(gpus, f"detected with nvidia-smi: {len(gpus)} GPU(s)")
