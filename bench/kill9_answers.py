"""Acknowledged answers lost when the server is killed with SIGKILL mid-write: should be 0.

    .venv/bin/python bench/kill9_answers.py [--learners 20] [--rounds 30] [--engine sqlite]

Each round starts ``aula serve`` (granian, as an operator runs it) on the same database, lets
``--learners`` learners answer at once over the JSON API, kills the whole server with SIGKILL
at a random moment while they do, and starts it again. Every answer the server acknowledged
(a 200) must be in the learner's progress afterwards. ``--engine postgresql`` uses a throwaway
schema on AULA_BENCH_DATABASE_URL or AULA_TEST_DATABASE_URL (the server itself is not touched).
Prints, per engine: rounds, answers acknowledged, answers stored, acknowledged answers lost;
the baseline is the answers the learners sent (acknowledged or not), so lost/acknowledged is
the ratio that must be 0.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from server import aula_command, free_port, postgres_schema, wait_for

from aula.content import load_course


@contextmanager
def serving(data_dir: Path, db: str | None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``aula serve`` on ``data_dir`` (kept across rounds); killed with SIGKILL at the end."""
    port = free_port()
    env = {**os.environ, "AULA_DATA_DIR": str(data_dir), "AULA_EMBEDDINGS": "off"}
    extra = ["--db", db] if db else []
    proc = subprocess.Popen(
        aula_command("serve", "--port", str(port), *extra),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the kill reaches granian's workers too
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/api/session", proc, timeout=120)
        yield url, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


@dataclass
class Learner:
    question: str
    choice: str
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""
    sent: int = 0
    acknowledged: int = 0

    def answer_until(self, url: str, stop: threading.Event) -> None:
        with httpx.Client(base_url=url, cookies=self.cookies, timeout=10) as client:
            if not self.token:
                try:
                    self.token = client.get("/api/session").json()["csrf_token"]
                except httpx.HTTPError:
                    return  # killed before this learner got its cookie: it joins next round
                self.cookies = dict(client.cookies)
            body = {"question_id": self.question, "choice_ids": [self.choice]}
            while not stop.is_set():
                self.sent += 1
                try:
                    response = client.post(
                        "/api/answers", json=body, headers={"x-csrf-token": self.token}
                    )
                except httpx.HTTPError:
                    return  # the server died under us: this answer was never acknowledged
                if response.status_code == 200:
                    self.acknowledged += 1

    def stored(self, url: str) -> int:
        with httpx.Client(base_url=url, cookies=self.cookies, timeout=30) as client:
            return int(client.get("/api/progress").json()["lessons"][0]["answers"])


def run(engine: str, learners: int, rounds: int, seed: int) -> tuple[int, int, int, int]:
    """(answers sent, acknowledged, stored, acknowledged but lost) over every round."""
    rng = random.Random(seed)
    questions = [q for n in load_course().lessons[0].skill_tree.nodes for q in n.questions]
    crowd = [
        Learner(q.id, q.choices[0].id)
        for q in (questions[i % len(questions)] for i in range(learners))
    ]
    with (
        tempfile.TemporaryDirectory(prefix="aula-kill9-") as folder,
        postgres_schema(_pg_server()) if engine == "postgresql" else nullcontext_str() as db,
    ):
        data = Path(folder)
        for number in range(1, rounds + 1):
            with serving(data, db) as (url, proc):
                stop = threading.Event()
                threads = [
                    threading.Thread(target=learner.answer_until, args=(url, stop))
                    for learner in crowd
                ]
                for thread in threads:
                    thread.start()
                time.sleep(rng.uniform(0.5, 2.0))
                os.killpg(proc.pid, signal.SIGKILL)  # mid-write: no shutdown, no flush
                stop.set()
                for thread in threads:
                    thread.join()
            print(f"  {engine} round {number}/{rounds}: killed", file=sys.stderr)
        with serving(data, db) as (url, _proc):
            stored = [learner.stored(url) for learner in crowd]
    lost = sum(max(0, lr.acknowledged - s) for lr, s in zip(crowd, stored, strict=True))
    return (
        sum(lr.sent for lr in crowd),
        sum(lr.acknowledged for lr in crowd),
        sum(stored),
        lost,
    )


def _pg_server() -> str:
    server = os.environ.get("AULA_BENCH_DATABASE_URL") or os.environ.get("AULA_TEST_DATABASE_URL")
    if not server:
        raise SystemExit(
            "--engine postgresql needs AULA_BENCH_DATABASE_URL or AULA_TEST_DATABASE_URL"
        )
    return server


@contextmanager
def nullcontext_str() -> Iterator[None]:
    yield None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    if args.engine == "both" and not (
        os.environ.get("AULA_BENCH_DATABASE_URL") or os.environ.get("AULA_TEST_DATABASE_URL")
    ):
        engines = ["sqlite"]
    worst = 0
    for engine in engines:
        sent, acknowledged, stored, lost = run(engine, args.learners, args.rounds, args.seed)
        print(
            f"{engine}: {args.rounds} kill -9 rounds, {args.learners} learners: "
            f"{sent} answers sent (baseline), {acknowledged} acknowledged, {stored} stored, "
            f"acknowledged answers lost = {lost} "
            f"({lost / max(acknowledged, 1):.4f} of acknowledged)"
        )
        worst = max(worst, lost)
    return 1 if worst else 0


if __name__ == "__main__":
    raise SystemExit(main())
