"""Answers recorded per second by the store, as ratios against SQLite with synchronous=FULL.

    .venv/bin/python bench/store_writes.py [--answers N] [--threads T] [--dir FOLDER]

Runs SQLite (synchronous=FULL, Aula's default, and NORMAL) on a temporary file (in --dir,
default the system's temporary folder: put it on the disk the real database lives on), and
PostgreSQL when AULA_BENCH_DATABASE_URL or AULA_TEST_DATABASE_URL is set (in a throwaway
schema). Each case records the same answers one at a time, then from T threads at once.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa

from aula.store import Store
from aula.store.engine import Synchronous

BASELINE = "sqlite synchronous=FULL"

Opener = Callable[[], AbstractContextManager[Store]]


@contextmanager
def sqlite_store(folder: Path, synchronous: Synchronous) -> Iterator[Store]:
    path = folder / f"bench-{synchronous.lower()}-{secrets.token_hex(4)}.db"
    with Store.open(str(path), synchronous=synchronous) as store:
        yield store


@contextmanager
def postgres_store(server_url: str) -> Iterator[Store]:
    schema = f"aula_bench_{secrets.token_hex(8)}"
    plain = sa.make_url(server_url).set(drivername="postgresql")
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            scoped = plain.update_query_dict({"options": f"-csearch_path={schema}"})
            with Store.open(scoped.render_as_string(hide_password=False)) as store:
                yield store
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def record(store: Store, worker: int, count: int) -> None:
    for i in range(count):
        learner = f"learner-{worker}"
        store.record_answer(learner, "lesson", "node", f"q{i % 5}", ["a"], i % 2 == 0)


def rate(open_store: Opener, answers: int, threads: int) -> float:
    """Answers per second: ``threads`` writers sharing ``answers`` between them."""
    with open_store() as store:
        record(store, -1, 20)  # warm the pool and the caches
        each = answers // threads
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(record, store, w, each) for w in range(threads)]:
                future.result()
        return each * threads / (time.perf_counter() - start)


def cases(folder: Path) -> dict[str, Opener]:
    found: dict[str, Opener] = {
        BASELINE: lambda: sqlite_store(folder, "FULL"),
        "sqlite synchronous=NORMAL": lambda: sqlite_store(folder, "NORMAL"),
    }
    server = os.environ.get("AULA_BENCH_DATABASE_URL") or os.environ.get("AULA_TEST_DATABASE_URL")
    if server:
        found["postgresql"] = lambda: postgres_store(server)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aula-bench-", dir=options.dir) as temp:
        found = cases(Path(temp))
        if "postgresql" not in found:
            print("(PostgreSQL skipped: set AULA_BENCH_DATABASE_URL or AULA_TEST_DATABASE_URL)")
        for threads in (1, options.threads):
            rates = {name: rate(opener, options.answers, threads) for name, opener in found.items()}
            print(f"\n{options.answers} answers, {threads} writer thread(s); baseline: {BASELINE}")
            for name, per_second in rates.items():
                ratio = per_second / rates[BASELINE]
                print(f"  {name:<28} {per_second:9,.0f} answers/s   {ratio:5.2f}x")


if __name__ == "__main__":
    main()
