"""Acknowledged answers per second, as ratios against raw sqlite3 inserts in the same run.

    .venv/bin/python bench/store_writes.py [--answers N] [--threads T] [--dir FOLDER]
        [--http-answers N] [--http-clients C] [--workers W] [--no-http]

The baseline is what a server without group commit can at best do: plain ``sqlite3``, WAL,
``synchronous=FULL``, one ``INSERT`` and one ``COMMIT`` (one fsync) per answer, into the same
``answers`` table. Against it, answers recorded through ``Store.record_answer`` (group commit:
the answers arriving together share a commit) from 1 thread, then from T threads at once, on
SQLite (``synchronous=FULL``, Aula's default, and ``NORMAL``) in a temporary file (in --dir,
default the system's temporary folder: put it on the disk the real database lives on), and
on PostgreSQL when AULA_BENCH_DATABASE_URL or AULA_TEST_DATABASE_URL is set (in a throwaway
schema). One function per measurement, each returning answers per second.

Also, through HTTP (``--no-http`` leaves it out): the real ``aula serve`` (a temporary SQLite
file, ``--workers`` processes) answering C learners at once, each posting its answers to
``POST /api/answers`` (JSON, CSRF token) one after the other, as fast as they are acknowledged.
Target (issue 11): >= 2,000 acknowledged answers/s on SQLite on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import aiohttp
import httpx
import psycopg
import sqlalchemy as sa
from server import aula_server

from aula.store import Store
from aula.store.engine import Synchronous

BASELINE = "raw sqlite3, FULL, 1 commit/answer"

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


def raw_sqlite_inserts(folder: Path, answers: int) -> float:
    """Answers per second with plain sqlite3: one INSERT and one fsynced COMMIT each."""
    path = folder / f"bench-raw-{secrets.token_hex(4)}.db"
    Store.open(str(path)).close()  # the same schema as Aula's
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("INSERT INTO learners VALUES ('raw', '2026-01-01 00:00:00.000000')")
        insert = (
            "INSERT INTO answers (learner_id, lesson_id, node_id, question_id, choice_ids,"
            " correct, attempt, answered_at) VALUES ('raw', 'lesson', 'node', 'q', '[\"a\"]',"
            " 1, ?, '2026-01-01 00:00:00.000000')"
        )
        start = time.perf_counter()
        for attempt in range(1, answers + 1):
            db.execute("BEGIN IMMEDIATE")
            db.execute(insert, (attempt,))
            db.execute("COMMIT")
        return answers / (time.perf_counter() - start)
    finally:
        db.close()


def store_answers(open_store: Opener, answers: int, threads: int) -> tuple[float, str]:
    """Answers per second through ``Store.record_answer``: ``threads`` callers sharing
    ``answers`` between them; also how the writer batched them."""
    with open_store() as store:
        record(store, -1, 20)  # warm the pool and the caches
        before = store.writer_stats
        each = answers // threads
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(record, store, w, each) for w in range(threads)]:
                future.result()
        per_second = each * threads / (time.perf_counter() - start)
        after = store.writer_stats
        commits = after.commits - before.commits
        batching = f"{commits} commits, {(after.jobs - before.jobs) / max(commits, 1):.1f}/commit"
        return per_second, batching


async def http_learner(url: str, questions: list[tuple[str, str]], count: int) -> int:
    """One learner posting ``count`` answers one after the other; returns those acknowledged."""
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: keeps the cookie of an IP address
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base_url=url, cookie_jar=jar, timeout=timeout) as session:
        async with session.get("/api/session") as response:
            token = json.loads(await response.read())["csrf_token"]
        acknowledged = 0
        for i in range(count):
            question, choice = questions[i % len(questions)]
            body = {"question_id": question, "choice_ids": [choice]}
            headers = {"X-CSRF-Token": token}
            async with session.post("/api/answers", json=body, headers=headers) as response:
                await response.read()
                acknowledged += response.status == 200
        return acknowledged


async def http_answers(url: str, answers: int, clients: int) -> tuple[float, int]:
    """Acknowledged answers/s from ``clients`` learners at once, and how many were not."""
    lesson = httpx.get(f"{url}/api/lessons/open-vs-closed", timeout=30).json()
    # Only the open nodes' questions: an answer for a locked node is refused (409, issue 10).
    open_nodes = {n["id"] for n in lesson["skill_tree"]["nodes"] if not n["prerequisites"]}
    questions = [
        (q["id"], q["choices"][0]["id"])
        for q in lesson["questions"]
        if q["choices"] and q["node"] in open_nodes
    ]
    each = answers // clients
    await http_learner(url, questions, 5)  # warm up
    start = time.perf_counter()
    done = await asyncio.gather(*(http_learner(url, questions, each) for _ in range(clients)))
    elapsed = time.perf_counter() - start
    return sum(done) / elapsed, each * clients - sum(done)


def cases(folder: Path) -> dict[str, Opener]:
    found: dict[str, Opener] = {
        "store, sqlite FULL": lambda: sqlite_store(folder, "FULL"),
        "store, sqlite NORMAL": lambda: sqlite_store(folder, "NORMAL"),
    }
    server = os.environ.get("AULA_BENCH_DATABASE_URL") or os.environ.get("AULA_TEST_DATABASE_URL")
    if server:
        found["store, postgresql"] = lambda: postgres_store(server)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go")
    parser.add_argument("--http-answers", type=int, default=4000)
    parser.add_argument("--http-clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="aula serve's processes")
    parser.add_argument("--no-http", action="store_true", help="only the in-process cases")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aula-bench-", dir=options.dir) as temp:
        folder = Path(temp)
        found = cases(folder)
        if "store, postgresql" not in found:
            print("(PostgreSQL skipped: set AULA_BENCH_DATABASE_URL or AULA_TEST_DATABASE_URL)")
        baseline = raw_sqlite_inserts(folder, options.answers)
        print(f"\n{options.answers} answers; baseline: {BASELINE}")
        print(f"  {BASELINE:<40} {baseline:9,.0f} answers/s   1.00x")
        if not options.no_http:
            with aula_server(workers=options.workers, folder=folder) as server:
                served, missed = asyncio.run(
                    http_answers(server.url, options.http_answers, options.http_clients)
                )
            label = f"HTTP, aula serve {options.workers}w, {options.http_clients} learners"
            note = f"   ({missed} not acknowledged)" if missed else ""
            ratio = served / baseline
            print(f"  {label:<40} {served:9,.0f} answers/s {ratio:6.2f}x{note}")
        for threads in (1, options.threads):
            for name, opener in found.items():
                per_second, batching = store_answers(opener, options.answers, threads)
                label = f"{name}, {threads} thread(s)"
                ratio = per_second / baseline
                print(f"  {label:<40} {per_second:9,.0f} answers/s {ratio:6.2f}x   ({batching})")


if __name__ == "__main__":
    main()
