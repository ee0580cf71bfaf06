"""How long loading the built-in course takes, against reading its YAML alone.

Baseline: parsing every YAML file and front matter of the course with PyYAML (the least any
loader must do). Measured: a warm load (the built course from its cache, as on every start
after the first), a build with snippet output from the cache (after an edit to the course), and
a cold load (every snippet really runs). Prints medians and ratios.

    .venv/bin/python bench/course_load.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from aula.content import builtin_course_path, check_course


def yaml_only(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.suffix == ".yaml":
            yaml.safe_load(path.read_text(encoding="utf-8"))
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            yaml.safe_load(text.split("---", 2)[1])


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    root = builtin_course_path()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        check_course(root, cache_dir=cache)  # fill the cache
        baseline = median_ms(lambda: yaml_only(root), args.repeat)
        warm = median_ms(lambda: check_course(root, cache_dir=cache), args.repeat)

        def rebuild() -> None:
            shutil.rmtree(cache / "courses", ignore_errors=True)
            check_course(root, cache_dir=cache)

        built = median_ms(rebuild, args.repeat)
        cold = median_ms(lambda: check_course(root, cache_dir=cache, use_cache=False), 3)
    report = check_course(root, cache_dir=None, run_snippets=False)
    counts = report.course.counts() if report.course else {}
    print(f"built-in course: {counts}")
    print(f"baseline  YAML parse only       {baseline:8.1f} ms  1.00x")
    print(f"warm load (built course cached) {warm:7.1f} ms  {warm / baseline:5.2f}x baseline")
    print(f"build (snippets cached)         {built:8.1f} ms  {built / baseline:5.2f}x baseline")
    print(f"cold load (every snippet runs)  {cold:8.1f} ms  {cold / baseline:5.2f}x baseline")


if __name__ == "__main__":
    main()
