"""What queuing xAPI statements costs an answer, and what an LRS that is down or hangs costs
it (nothing, if the outbox works), as ratios against answers without xAPI in the same run.

    .venv/bin/python bench/outbox.py [--learners N] [--dir FOLDER]

Each measurement: N learners answer every question of the built-in lesson right, one after
the other, through ``services.answers.answer_question`` on a SQLite file (synchronous=FULL,
Aula's default). Baseline: no LRS configured (no statements). Then: statements queued in the
answer's transaction, nobody delivering; queued while the background deliverer sends them to
an LRS that refuses connections (it retries); queued while it sends them to an LRS that
accepts connections and never answers (each attempt waits for its timeout).
"""

from __future__ import annotations

import argparse
import secrets
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from aula.content import Course, load_course
from aula.services.answers import answer_question
from aula.services.delivery import Deliverer, xapi_sender
from aula.services.xapi import Xapi
from aula.store import Store

BASELINE = "no LRS (no statements)"


def answers_per_second(
    folder: Path,
    course: Course,
    learners: int,
    xapi: Xapi | None,
    deliverer: Callable[[Store], Deliverer] | None = None,
) -> tuple[float, int]:
    path = folder / f"bench-outbox-{secrets.token_hex(4)}.db"
    questions = course.lessons[0].questions
    with Store.open(str(path)) as store:
        running = deliverer(store) if deliverer else None
        if running:
            running.start()
        start = time.perf_counter()
        for n in range(learners):
            for q in questions:
                answer_question(store, course, f"bench-{n}", q, sorted(q.correct_ids), xapi=xapi)
        elapsed = time.perf_counter() - start
        if running:
            running.stop(timeout=15)
        queued = len(store.outbox_pending())
    return learners * len(questions) / elapsed, queued


def refusing_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/xAPI/"  # closed again: refused


def hanging_lrs() -> tuple[str, Callable[[], None]]:
    """Accepts connections, reads, never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def run() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except TimeoutError:
                continue

    threading.Thread(target=run, daemon=True).start()

    def close() -> None:
        stop.set()
        for c in held:
            c.close()
        server.close()

    return f"http://127.0.0.1:{server.getsockname()[1]}/xAPI/", close


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    course = load_course()
    x = Xapi("https://aula.example.org")
    down = refusing_url()
    hang, close = hanging_lrs()
    # The deliverer as a server runs it (a pass a second, waits doubling up to 600 s).
    cases: list[tuple[str, Xapi | None, Callable[[Store], Deliverer] | None]] = [
        (BASELINE, None, None),
        ("statements queued, no deliverer", x, None),
        (
            "queued, deliverer retrying an LRS that refuses",
            x,
            lambda s: Deliverer(s, {"xapi": xapi_sender(down, "u", "p")}),
        ),
        (
            "queued, deliverer stuck on an LRS that never answers",
            x,
            lambda s: Deliverer(s, {"xapi": xapi_sender(hang, "u", "p", timeout=5)}),
        ),
    ]
    rates: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    queued: dict[str, int] = {}
    try:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            folder = Path(tmp)
            answers_per_second(folder, course, 2, None)  # warm-up
            for _ in range(args.rounds):  # interleaved, so that a noisy moment hits all cases
                for name, xapi, deliverer in cases:
                    rate, left = answers_per_second(folder, course, args.learners, xapi, deliverer)
                    rates[name].append(rate)
                    queued[name] = left
    finally:
        close()
    base = statistics.median(rates[BASELINE])
    per = len(course.lessons[0].questions)
    print(f"{args.learners} learners x {per} answers, SQLite FULL, median of {args.rounds} rounds")
    for name, values in rates.items():
        rate = statistics.median(values)
        print(
            f"{name:55s} {rate:8.0f} answers/s  x{rate / base:5.2f}  (left queued: {queued[name]})"
        )


if __name__ == "__main__":
    main()
