"""Scale-out: `aula serve` instances behind nginx on one PostgreSQL, one killed mid-run.

    .venv/bin/python bench/scaleout.py [--learners 1000] [--kill-after 8] [--phases one two kill]

The learners are bench/load.py's (session, 7 slides each with its view posted, 3 answers, the
skill map, one instructor question), sent to nginx (bench/server.py's ``nginx_balancer``, the
configuration of docs/deploy.md: ``proxy_next_upstream`` for requests a dead server never
answered, never a POST that reached it). Every instance shares one cookie key file
(``secret_key_file``), so a learner's cookie and CSRF token hold on any of them. Phases, each
on a fresh PostgreSQL schema (AULA_BENCH_DATABASE_URL, AULA_TEST_DATABASE_URL or the local
server), all in this one run:

- ``one``:  1 instance behind nginx: the baseline;
- ``two``:  2 instances behind nginx;
- ``kill``: 2 instances, one killed with SIGKILL ``--kill-after`` seconds into the load.

After each phase every answer the server acknowledged (HTTP 200 with its ``answer_id``) is
looked up in the database: **lost** = acknowledged but not stored, the figure that must be 0.
In ``kill``, errors are split by when their request started: before the kill (in flight on,
or sent to, the killed instance) and after it (must be 0: nginx sends those to the survivor).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa
from load import SLIDES, Timings, report, run
from server import (
    aula_server,
    cpu_seconds,
    nginx_balancer,
    postgres_schema,
    postgres_server_url,
    process_tree,
)


def gone(pid: int) -> bool:
    """Exited (its sockets closed): no such process, or a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in {"Z", "X"}


def stored_answers(url: str) -> set[int]:
    engine = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            return set(connection.execute(sa.text("SELECT id FROM answers")).scalars())
    finally:
        engine.dispose()


def check_answers(timings: Timings, url: str) -> int:
    acked = set(timings.acked)
    stored = stored_answers(url)
    lost = acked - stored
    print(
        f"  answers: {len(acked):,} acknowledged, {len(stored):,} stored, "
        f"{len(lost)} acknowledged but lost (must be 0), "
        f"{len(stored - acked)} stored without an acknowledgement (in flight at a kill)"
    )
    return len(lost)


def split_errors(timings: Timings, killed_at: float) -> int:
    before = [f for f in timings.failed if f[1] < killed_at]
    after = [f for f in timings.failed if f[1] >= killed_at]
    kinds = Counter(f"{step}: {message}" for step, _s, _e, message in before)
    print(
        f"  errors of requests started before the kill: {len(before)} "
        f"({', '.join(f'{n} {k}' for k, n in kinds.most_common()) or 'none'})"
    )
    late = Counter(
        f"{step}: {message} (started {start - killed_at:.2f} s after)"
        for step, start, _e, message in after
    )
    print(
        f"  errors of requests started after the kill: {len(after)} (must be 0) "
        f"{', '.join(f'{n} {k}' for k, n in late.most_common())}"
    )
    return len(after)


def phase(name: str, options: argparse.Namespace, server: str, key: Path) -> tuple[int, int]:
    """One phase on a fresh schema; (answers lost, errors after the kill)."""
    instances = 1 if name == "one" else 2
    settings = [("secret_key_file", str(key)), ("request_log", options.request_log)]
    with postgres_schema(server) as db, ExitStack() as stack:
        started = [
            stack.enter_context(aula_server(db, workers=options.workers, settings=settings))
            for _ in range(instances)
        ]
        balancer = stack.enter_context(nginx_balancer([s.url for s in started]))

        def rss() -> float:
            return sum(s.rss_mb() for s in started if s.process.poll() is None)

        async def load() -> tuple[Timings, float, float, int, float]:
            killed_at = float("inf")

            async def killer() -> None:
                nonlocal killed_at
                await asyncio.sleep(options.kill_after)
                victim = started[1].process
                pids = process_tree(victim.pid)
                sent = time.perf_counter()
                os.killpg(victim.pid, signal.SIGKILL)
                # Dying takes a moment (its memory is torn down, then its sockets closed):
                # until then requests still reach it. "After the kill" starts once it is gone.
                while victim.poll() is None or not all(gone(pid) for pid in pids):
                    await asyncio.sleep(0.001)
                killed_at = time.perf_counter()
                print(
                    f"  (instance 2 sent SIGKILL {options.kill_after:g} s into the load, its "
                    f"{len(pids)} processes gone {(killed_at - sent) * 1000:.0f} ms later)"
                )

            task = asyncio.create_task(killer()) if name == "kill" else None
            timings, elapsed, peak, unfinished = await run(balancer, rss, options)
            if task is not None:
                await task
            return timings, elapsed, peak, unfinished, killed_at

        cpu = sum(cpu_seconds(s.process.pid) for s in started)
        timings, elapsed, peak, unfinished, killed_at = asyncio.run(load())
        cpu = sum(cpu_seconds(s.process.pid) for s in started) - cpu
        label = {"one": "1 instance", "two": "2 instances", "kill": "2 instances, 1 killed"}
        report(f"[{label[name]} behind nginx]", timings, elapsed, peak, unfinished)
        print(f"  CPU of the surviving aula processes during the run: {cpu:.1f} s")
        lost = check_answers(timings, db)
        late = split_errors(timings, killed_at) if name == "kill" else 0
        return lost, late


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="granian workers per instance")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which they arrive")
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    parser.add_argument("--deadline", type=float, default=300.0, help="each phase, seconds")
    parser.add_argument("--kill-after", type=float, default=8.0, help="seconds into the load")
    parser.add_argument("--phases", nargs="*", default=["one", "two", "kill"])
    parser.add_argument("--request-log", default="json", choices=["json", "off"])
    options = parser.parse_args()
    options.think, options.beacon = 0.0, True
    server = postgres_server_url()
    if server is None:
        raise SystemExit("no PostgreSQL server answers (set AULA_BENCH_DATABASE_URL)")
    steps = 1 + SLIDES * 2 + 3 + 2
    print(
        f"{options.learners} learners x {steps} requests over {options.ramp:g} s, through nginx, "
        f"to `aula serve -s workers {options.workers}` instances on one PostgreSQL, "
        f"{os.cpu_count()} cores shared by everything"
    )
    failures = 0
    with tempfile.TemporaryDirectory(prefix="aula-scaleout-") as temp:
        key = Path(temp) / "cookie.key"
        key.write_text(secrets.token_urlsafe(48))
        for name in options.phases:
            lost, late = phase(name, options, server, key)
            failures += lost + late
    print("\nOK: no acknowledged answer lost" if not failures else f"\nFAILED ({failures})")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
