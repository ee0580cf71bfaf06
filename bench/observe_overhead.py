"""What the request log and metrics cost per request (web/observe.py), in process.

    .venv/bin/python bench/observe_overhead.py [--requests 20000]

The same tiny ASGI app (a route that answers ``ok``, behind Starlette's router) is called
directly, without a server or a socket, so the middleware's cost is not hidden in noise:

- baseline: the app alone;
- metrics: inside ``ObserveMiddleware`` with the log off (request id, histogram, counter);
- metrics + log: with the JSON log line too, written to standard error as ``aula serve``
  does (``stderr_line``), standard error pointed at /dev/null meanwhile;
- both again in prometheus-client's multiprocess mode (values in mmapped files), as
  ``aula serve`` runs them (a subprocess, since the mode is chosen at import).

Prints µs per request for each, and the difference from the baseline. Rounds alternate and
the best of them is kept, so a busy machine disturbs the ratios less.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message


async def ok(_request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


def app() -> ASGIApp:
    return Starlette(routes=[Route("/ok", ok, name="ok")])


async def timed(target: ASGIApp, requests: int) -> float:
    """Seconds per request."""

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Message) -> None:
        return None

    start = time.perf_counter()
    for _ in range(requests):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/ok",
            "raw_path": b"/ok",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"bench"), (b"x-request-id", b"bench-1")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        await target(scope, receive, send)
    return (time.perf_counter() - start) / requests


def measure(requests: int, rounds: int) -> dict[str, float]:
    from aula.web.observe import ObserveMiddleware, stderr_line

    targets: dict[str, ASGIApp] = {
        "baseline": app(),
        "metrics": ObserveMiddleware(app(), log=None),
        "metrics + log": ObserveMiddleware(app(), log=stderr_line),
    }
    best = dict.fromkeys(targets, float("inf"))
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        for _ in range(rounds):
            for name, target in targets.items():
                best[name] = min(best[name], asyncio.run(timed(target, requests)))
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)
    return best


def show(label: str, best: dict[str, float]) -> None:
    base = best["baseline"]
    print(f"\n{label}")
    for name, seconds in best.items():
        extra = "" if name == "baseline" else f"  (+{(seconds - base) * 1e6:5.1f} µs)"
        print(f"  {name:14} {seconds * 1e6:7.1f} µs/request{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    best = measure(options.requests, options.rounds)
    if options.child:
        print(json.dumps(best))
        return
    show("prometheus-client single-process mode", best)
    with tempfile.TemporaryDirectory(prefix="aula-bench-metrics-") as folder:
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}
        command = [sys.executable, __file__, "--child", "--requests", str(options.requests)]
        command += ["--rounds", str(options.rounds)]
        out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        show("multiprocess mode (as `aula serve` runs)", json.loads(out.stdout))


if __name__ == "__main__":
    main()
