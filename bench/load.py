"""A class-sized load: simulated learners against the real ``aula serve``, SQLite and PostgreSQL.

    .venv/bin/python bench/load.py [--learners 1000] [--workers 2] [--ramp 10] [--engines ...]

Each learner (an aiohttp session with its own cookie jar, all of them sharing one connection
pool on loopback; aiohttp, as httpx costs the client more CPU than the server uses): gets a
session (``GET /api/session``: the CSRF token), walks the 7 slides (each a GET, then the view
posted to ``/api/progress/slides`` as the page's beacon does; ``--no-beacon`` leaves it out),
answers 3 checks (JSON ``POST /api/answers``), opens the skill map and asks the instructor
one question, without pausing (a stress test; ``--think S`` pauses S seconds on average
between pages, as a class reading would). Learners start spread evenly over ``--ramp``
seconds. Every request has a timeout (``--timeout``) and the whole run a deadline
(``--deadline``), so the run is bounded in count and time.

Runs ``aula serve -s workers N`` on a temporary SQLite file, then on PostgreSQL (a fresh schema
on AULA_BENCH_DATABASE_URL, AULA_TEST_DATABASE_URL or the local server, dropped afterwards).
Prints errors, p50/p95/p99 overall and per step, and the server's peak memory (all processes).
Baseline in the same run: ``GET /static/aula.css`` timed the same way, before the load.
Target (issue 11): 0 errors, p99 <= 1 s, instructor question included.

Each step is one function below, so that a step can change without touching the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from server import aula_server, cpu_seconds, postgres_schema, postgres_server_url

LESSON = "open-vs-closed"
SLIDES = 7
CHECKS = 3
QUESTIONS = [
    "Which model runs entirely on my own computer?",
    "How much VRAM does SDXL need?",
    "¿Qué es un archivo safetensors?",
    "What is a LoRA?",
    "Why do closed models cost a monthly fee?",
]


@dataclass
class Timings:
    """Seconds per step, and the errors seen (step -> messages)."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # For bench/scaleout.py: each error's (step, start, end, message), perf_counter seconds,
    # and the ids of the answers the server acknowledged.
    failed: list[tuple[str, float, float, str]] = field(default_factory=list)
    acked: list[int] = field(default_factory=list)


@dataclass
class Learner:
    session: aiohttp.ClientSession  # its own cookie jar; the connection pool is shared
    timings: Timings
    questions: list[dict[str, Any]]
    beacon: bool = True
    think: float = 0.0  # mean seconds spent reading between pages
    csrf: str = ""

    async def read(self) -> None:
        if self.think > 0:
            await asyncio.sleep(random.uniform(0, 2 * self.think))

    async def request(
        self, step: str, method: str, path: str, body: dict[str, Any] | None = None
    ) -> bytes | None:
        """One timed request; the body read in full, or ``None`` after an error (counted)."""
        headers = {"X-CSRF-Token": self.csrf} if method == "POST" else {}
        start = time.perf_counter()
        try:
            async with self.session.request(method, path, json=body, headers=headers) as response:
                data = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.failed(step, start, type(exc).__name__)
            return None
        self.timings.seconds[step].append(time.perf_counter() - start)
        if status >= 400:
            self.failed(step, start, f"HTTP {status}")
            return None
        return data

    def failed(self, step: str, start: float, message: str) -> None:
        self.timings.errors[step].append(message)
        self.timings.failed.append((step, start, time.perf_counter(), message))


# One function per step --------------------------------------------------------------------


async def get_session(learner: Learner) -> None:
    data = await learner.request("session", "GET", "/api/session")
    if data is not None:
        learner.csrf = json.loads(data)["csrf_token"]


async def view_slide(learner: Learner, number: int) -> None:
    await learner.request("slide", "GET", f"/lessons/{LESSON}/slides/{number}")


async def report_slide_view(learner: Learner, number: int) -> None:
    """The page's beacon: GETs never write, so the script posts the view."""
    body = {"lesson_id": LESSON, "slide": number}
    await learner.request("slide view", "POST", "/api/progress/slides", body)


async def answer_check(learner: Learner, question: dict[str, Any]) -> None:
    choice = random.choice(question["choices"])["id"]
    body = {"question_id": question["id"], "choice_ids": [choice]}
    data = await learner.request("answer", "POST", "/api/answers", body)
    if data is not None:
        learner.timings.acked.append(json.loads(data)["answer_id"])


async def open_skill_map(learner: Learner) -> None:
    await learner.request("skill map", "GET", f"/lessons/{LESSON}/skills")


async def ask_instructor(learner: Learner) -> None:
    body = {"question": random.choice(QUESTIONS), "lesson_id": LESSON}
    await learner.request("instructor", "POST", "/api/instructor/ask", body)


async def walk(learner: Learner) -> None:
    """One learner's visit, step by step (with a pause to read between pages, if any)."""
    await get_session(learner)
    for number in range(1, SLIDES + 1):
        await view_slide(learner, number)
        if learner.beacon:
            await report_slide_view(learner, number)
        await learner.read()
    for question in learner.questions[:CHECKS]:
        await answer_check(learner, question)
        await learner.read()
    await open_skill_map(learner)
    await learner.read()
    await ask_instructor(learner)


# The run ----------------------------------------------------------------------------------


def lesson_questions(url: str) -> list[dict[str, Any]]:
    lesson = httpx.get(f"{url}/api/lessons/{LESSON}", timeout=30).json()
    # A new learner may answer only the open nodes' questions (others are refused, 409).
    open_nodes = {n["id"] for n in lesson["skill_tree"]["nodes"] if not n["prerequisites"]}
    usable = [q for q in lesson["questions"] if q.get("choices") and q["node"] in open_nodes]
    if len(usable) < CHECKS:
        raise SystemExit(f"the lesson has {len(usable)} questions with choices, {CHECKS} needed")
    return usable


async def baseline(url: str, requests: int = 200) -> list[float]:
    async with httpx.AsyncClient(base_url=url) as client:
        seconds = []
        for _ in range(requests):
            start = time.perf_counter()
            (await client.get("/static/aula.css")).raise_for_status()
            seconds.append(time.perf_counter() - start)
        return seconds


async def sample_memory(
    rss_mb: Callable[[], float], peak: list[float], stop: asyncio.Event
) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def run(
    url: str, rss_mb: Callable[[], float], options: argparse.Namespace
) -> tuple[Timings, float, float, int]:
    """The learners against ``url``; (timings, seconds, peak server RSS in MB, unfinished)."""
    questions = lesson_questions(url)
    timings = Timings()
    connector = aiohttp.TCPConnector(limit=options.learners)
    timeout = aiohttp.ClientTimeout(total=options.timeout)
    peak = [rss_mb()]
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(rss_mb, peak, stop))

    async def one(index: int) -> None:
        await asyncio.sleep(options.ramp * index / options.learners)
        sample = random.sample(questions, CHECKS)
        async with aiohttp.ClientSession(
            base_url=url,
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # unsafe: keeps cookies from an IP
            timeout=timeout,
        ) as session:
            await walk(Learner(session, timings, sample, options.beacon, options.think))

    start = time.perf_counter()
    tasks = [asyncio.create_task(one(i)) for i in range(options.learners)]
    _done, pending = await asyncio.wait(tasks, timeout=options.deadline)
    for task in pending:
        task.cancel()
    elapsed = time.perf_counter() - start
    stop.set()
    await sampler
    await connector.close()
    return timings, elapsed, peak[0], len(pending)


def percentiles(seconds: list[float]) -> str:
    if len(seconds) < 2:
        return "n/a"
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return "  ".join(f"p{p} {cuts[p - 1] * 1000:8.1f} ms" for p in (50, 95, 99))


def report(label: str, timings: Timings, elapsed: float, peak: float, unfinished: int) -> None:
    every = [s for values in timings.seconds.values() for s in values]
    errors = sum(len(v) for v in timings.errors.values())
    print(
        f"\n{label}: {len(every):,} requests in {elapsed:.1f} s ({len(every) / elapsed:,.0f}/s), "
        f"{errors} errors, {unfinished} learners unfinished at the deadline, "
        f"server peak RSS {peak:.0f} MB"
    )
    print(f"  {'all':12} {percentiles(every)}")
    for step, values in timings.seconds.items():
        kinds: dict[str, int] = defaultdict(int)
        for message in timings.errors.get(step, []):
            kinds[message] += 1
        note = ", ".join(f"{n} {k}" for k, n in kinds.items())
        print(f"  {step:12} {percentiles(values)}   n={len(values):,} {note}")


@contextlib.contextmanager
def database(engine: str) -> Iterator[str | None]:
    if engine == "sqlite":
        yield None
        return
    server = postgres_server_url()
    if server is None:
        raise SystemExit("no PostgreSQL server answers (set AULA_BENCH_DATABASE_URL)")
    with postgres_schema(server) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which they arrive")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--deadline", type=float, default=300.0, help="whole run, seconds")
    parser.add_argument("--engines", nargs="*", default=["sqlite", "postgresql"])
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a learner reads between pages"
    )
    parser.add_argument(
        "--no-beacon",
        dest="beacon",
        action="store_false",
        help="do not post each slide view (POST /api/progress/slides) after its GET",
    )
    parser.add_argument(
        "--setting",
        "-s",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a setting for aula serve, e.g. -s connections 512",
    )
    options = parser.parse_args()
    steps = 1 + SLIDES * (2 if options.beacon else 1) + CHECKS + 2
    print(
        f"{options.learners} learners x {steps} requests, arriving over {options.ramp:.0f} s, "
        f"reading {options.think:g} s between pages, aula serve -s workers {options.workers}, "
        "loopback"
    )
    for engine in options.engines:
        settings = [(name, value) for name, value in options.setting]
        with (
            database(engine) as db,
            aula_server(db, workers=options.workers, settings=settings) as server,
        ):
            base = asyncio.run(baseline(server.url))
            print(f"\n[{engine}] baseline GET /static/aula.css alone: {percentiles(base)}")
            server_cpu, client_cpu = cpu_seconds(server.process.pid), time.process_time()
            timings, elapsed, peak, unfinished = asyncio.run(
                run(server.url, server.rss_mb, options)
            )
            report(f"[{engine}]", timings, elapsed, peak, unfinished)
            server_cpu = cpu_seconds(server.process.pid) - server_cpu
            cores = os.cpu_count() or 1
            client_cpu = time.process_time() - client_cpu
            print(
                f"  CPU during the run: server {server_cpu:.1f} s, this client {client_cpu:.1f} s "
                f"(of {cores * elapsed:.0f} core-seconds on {cores} cores)"
            )


if __name__ == "__main__":
    main()
