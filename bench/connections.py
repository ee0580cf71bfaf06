"""Many learners' connections at once on `aula serve -s workers 2`: how many are served.

    .venv/bin/python bench/connections.py [--connections 1000] [--rounds 3]

Issue 11's load run (1,000 learners, PostgreSQL, 2 workers) had 12 ``GET /api/session``
timeouts, then those learners' POSTs refused for want of a CSRF token. Granian admits at most
its *backpressure* of connections per worker process, idle keep-alive ones included, and its
default is backlog / workers = 1024 / 2 = 512; connections do not split evenly between the
workers, so one can be full while the other has room, and a connection that waits there
unaccepted has its first request time out. ``aula serve`` now sets it from the
``connections`` setting (default 4096 a process).

Each round opens ``--connections`` connections at once, sends one request on each and keeps
them all open until every answer came or ``--timeout`` passed. Baseline in the same run:
``-s connections 512``, granian's old default with 2 workers.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
from collections import Counter

import aiohttp
from server import aula_server


async def one_round(url: str, count: int, timeout: float) -> Counter[str]:
    sessions = [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=timeout),
        )
        for _ in range(count)
    ]

    async def request(session: aiohttp.ClientSession) -> str:
        try:
            async with session.get(f"{url}/api/session") as response:
                await response.read()
                return str(response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return type(exc).__name__

    try:
        return Counter(await asyncio.gather(*(request(s) for s in sessions)))
    finally:
        for session in sessions:
            await session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    options = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = options.connections * 2 + 100
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    print(
        f"{options.connections} connections at once, {options.rounds} rounds, "
        f"aula serve -s workers 2, {options.timeout:g} s per request"
    )
    for label, settings in (
        ("-s connections 512 (granian's default)", [("connections", "512")]),
        ("default (connections 4096)", []),
    ):
        quiet = [("request_log", "off"), *settings]
        with aula_server(workers=2, settings=quiet) as server:
            for number in range(1, options.rounds + 1):
                found = asyncio.run(one_round(server.url, options.connections, options.timeout))
                served = found.pop("200", 0)
                others = ", ".join(f"{n} {k}" for k, n in found.most_common()) or "none failed"
                print(f"  {label:40} round {number}: {served} served, {others}")


if __name__ == "__main__":
    main()
