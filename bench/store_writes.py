"""Answers recorded per second, in the store and acknowledged over HTTP, against raw SQLite.

    .venv/bin/python bench/store_writes.py [--answers N] [--threads T] [--dir FOLDER]
        [--http-answers N] [--http-clients C] [--workers W] [--no-http]

First, through HTTP: the real ``aula serve`` (temporary SQLite file) answering C learners that
each post their answers to ``POST /api/answers`` (JSON, CSRF token) as fast as they are
acknowledged, C at a time; against raw ``sqlite3`` inserts into a WAL file with
synchronous=FULL, one transaction (one fsync) per answer, in the same run. Target (issue 11):
>= 2,000 acknowledged answers/s on SQLite on 2 cores.

Then, in-process:
Runs SQLite (synchronous=FULL, Aula's default, and NORMAL) on a temporary file (in --dir,
default the system's temporary folder: put it on the disk the real database lives on), and
PostgreSQL when AULA_BENCH_DATABASE_URL or AULA_TEST_DATABASE_URL is set (in a throwaway
schema). Each case records the same answers one at a time, then from T threads at once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import psycopg
import sqlalchemy as sa
from server import aula_server

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


def raw_sqlite_rate(folder: Path, answers: int) -> float:
    """Answers/s inserted by plain sqlite3, WAL, synchronous=FULL, one commit per answer."""
    path = folder / f"raw-{secrets.token_hex(4)}.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE answers (id INTEGER PRIMARY KEY, learner TEXT, question TEXT, "
        "choices TEXT, correct INTEGER, at REAL)"
    )
    start = time.perf_counter()
    for i in range(answers):
        db.execute("BEGIN")
        db.execute(
            "INSERT INTO answers (learner, question, choices, correct, at) VALUES (?, ?, ?, ?, ?)",
            (f"learner-{i % 64}", f"q{i % 5}", '["a"]', i % 2, time.time()),
        )
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return answers / elapsed


async def http_learner(url: str, questions: list[tuple[str, str]], count: int) -> int:
    """One learner posting ``count`` answers one after the other; returns those acknowledged."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        token = (await client.get("/api/session")).json()["csrf_token"]
        acknowledged = 0
        for i in range(count):
            question, choice = questions[i % len(questions)]
            response = await client.post(
                "/api/answers",
                json={"question_id": question, "choice_ids": [choice]},
                headers={"X-CSRF-Token": token},
            )
            acknowledged += response.status_code == 200
        return acknowledged


async def http_rate(url: str, answers: int, clients: int) -> tuple[float, int]:
    """Acknowledged answers/s from ``clients`` learners at once, and how many were refused."""
    lesson = httpx.get(f"{url}/api/lessons/open-vs-closed", timeout=30).json()
    questions = [(q["id"], q["choices"][0]["id"]) for q in lesson["questions"] if q["choices"]]
    each = answers // clients
    await http_learner(url, questions, 5)  # warm up
    start = time.perf_counter()
    done = await asyncio.gather(*(http_learner(url, questions, each) for _ in range(clients)))
    elapsed = time.perf_counter() - start
    return sum(done) / elapsed, each * clients - sum(done)


def http_section(folder: Path, answers: int, clients: int, workers: int) -> None:
    raw = raw_sqlite_rate(folder, min(answers, 2000))
    with aula_server(workers=workers, folder=folder) as server:
        served, refused = asyncio.run(http_rate(server.url, answers, clients))
    print(
        f"Through HTTP: {answers} answers from {clients} learners at once, "
        f"aula serve -s workers {workers}, SQLite file; baseline: raw sqlite3 FULL, 1 fsync/answer"
    )
    print(f"  {'raw sqlite3 FULL, 1 commit each':<36} {raw:9,.0f} answers/s   1.00x")
    note = f"   ({refused} not acknowledged)" if refused else ""
    label = "aula serve, POST /api/answers"
    print(f"  {label:<36} {served:9,.0f} answers/s   {served / raw:5.2f}x{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go")
    parser.add_argument("--http-answers", type=int, default=4000)
    parser.add_argument("--http-clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="aula serve's processes")
    parser.add_argument("--no-http", action="store_true", help="only the in-process cases")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aula-bench-", dir=options.dir) as temp:
        if not options.no_http:
            http_section(Path(temp), options.http_answers, options.http_clients, options.workers)
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
