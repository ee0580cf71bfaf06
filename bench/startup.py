"""How fast Aula starts: ``aula serve`` to its first 200, and one ``aula ask`` from the shell.

    .venv/bin/python bench/startup.py [--runs 5] [--workers 1]

Baseline in the same run: ``python -c "import starlette"`` (the interpreter and the web
framework, nothing of Aula's). Each figure is the median of ``--runs`` runs, after one run that
warms the caches (the built course, snippet output, the instructor's index) in a temporary
cache folder. Wall time and CPU time (user + system, of all the processes) are both printed:
on a machine shared with other work the wall time is mostly waiting for a core, and the CPU
time is what an idle machine would take. Targets (issue 11): first 200 in <= 1 s, ``aula ask``
<= 0.5 s with warm caches.
``--importtime`` prints the ten slowest imports of ``aula ask`` (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from server import aula_command, aula_server

QUESTION = "How much VRAM does SDXL need?"


Timing = tuple[float, float]  # wall seconds, CPU seconds


def run(command: list[str], env: dict[str, str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


def median(measure: Callable[[], Timing], runs: int) -> Timing:
    measure()  # warm the caches (and the OS's file cache)
    timings = [measure() for _ in range(runs)]
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def serve_time(workers: int) -> Timing:
    with aula_server(workers=workers) as server:
        return server.started_in, server.started_cpu


def slowest_imports(env: dict[str, str], count: int = 10) -> list[str]:
    command = [sys.executable, "-X", "importtime", "-m", "aula", "ask", QUESTION]
    err = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stderr
    rows = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    top = sorted(rows, reverse=True)[:count]
    return [f"{us / 1000:8.1f} ms {name}" for us, name in top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--importtime", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aula-bench-cache-") as cache:
        env = {**os.environ, "AULA_CACHE_DIR": cache}
        env.pop("AULA_SETTINGS_JSON", None)
        os.environ["AULA_CACHE_DIR"] = cache  # for the servers started below
        base = median(lambda: run([sys.executable, "-c", "import starlette"], env), options.runs)
        ask = median(lambda: run(aula_command("ask", QUESTION), env), options.runs)
        serve = median(lambda: serve_time(options.workers), options.runs)
        print(f"median of {options.runs} runs, warm caches; baseline: python -c 'import starlette'")
        print(f"  {'':34} {'wall':>8} {'x base':>7} {'CPU':>8} {'x base':>7}   target")
        for label, (wall, cpu), target in (
            ("import starlette", base, ""),
            ("aula ask (offline answer)", ask, "0.5 s"),
            (f"aula serve -> first 200 ({options.workers}w)", serve, "1 s"),
        ):
            print(
                f"  {label:34} {wall:6.3f} s {wall / base[0]:6.0f}x {cpu:6.3f} s "
                f"{cpu / max(base[1], 1e-3):6.0f}x   {target}"
            )
        if options.importtime:
            print("\nslowest imports of aula ask (cumulative):")
            print("\n".join(slowest_imports(env)))


if __name__ == "__main__":
    main()
