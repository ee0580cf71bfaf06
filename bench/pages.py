"""Aula's pages over HTTP with wrk, each against nginx serving the very same bytes.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 64] [--workers 1] [--db URL]

Starts the real ``aula serve`` (granian) on a free port with a temporary SQLite file (or
``--db``), fetches each page once as a learner (their cookie), writes those bytes to files
served by an nginx started here with as many worker processes as Aula has, then runs
``wrk -t2 -c64 --latency`` against both, one after the other, with the learner's cookie.
Prints req/s, p50/p99 latency and the ratio Aula/nginx for each page. Target (issue 11): slide
page >= 0.1x nginx with p99 <= 50 ms at 64 connections. Needs Debian's wrk and nginx-light.
"""

from __future__ import annotations

import argparse
import os

import httpx
from server import WrkResult, aula_server, cpu_seconds, nginx, wrk

LESSON = "open-vs-closed"
PAGES = {
    "slide": f"/lessons/{LESSON}/slides/2",
    "home": "/",
    "skill-map": f"/lessons/{LESSON}/skills",
    "glossary": "/glossary",
    "json-lesson": f"/api/lessons/{LESSON}",
}


def row(label: str, result: WrkResult) -> str:
    errors = f"  {result.errors} errors" if result.errors else ""
    return (
        f"{label:8} {result.requests_per_s:9,.0f} req/s  p50 {result.p50_ms:7.2f} ms"
        f"  p99 {result.p99_ms:7.2f} ms{errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="Aula's and nginx's processes")
    parser.add_argument("--db", help="database URL for Aula (default: a temporary SQLite file)")
    parser.add_argument("--pages", nargs="*", choices=sorted(PAGES), default=list(PAGES))
    parser.add_argument(
        "-s", "--setting", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="an `aula serve -s` setting, e.g. -s page_cache_seconds 0",
    )  # fmt: skip
    options = parser.parse_args()
    settings = [(name, value) for name, value in options.setting]
    with aula_server(options.db, workers=options.workers, settings=settings) as aula:
        print(f"aula serve: first 200 after {aula.started_in:.2f} s, workers={options.workers}")
        print(f"settings: {settings or 'defaults'}; load average {os.getloadavg()[0]:.1f}")
        with httpx.Client(base_url=aula.url) as client:
            client.get("/").raise_for_status()  # the learner's cookie
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            bodies: dict[str, tuple[bytes, str]] = {}
            for name in options.pages:
                response = client.get(PAGES[name])
                response.raise_for_status()
                bodies[name] = (response.content, response.headers["content-type"])
        headers = [f"Cookie: {cookie}"]
        with nginx(bodies, workers=options.workers) as static:
            print(
                f"wrk -t2 -c{options.connections} -d{options.seconds}s, learner cookie; "
                f"nginx serves the same bytes ({options.workers} worker(s))\n"
            )
            for name in options.pages:
                size = len(bodies[name][0])
                theirs = wrk(f"{static}/{name}", headers, options.seconds, options.connections)
                cpu = cpu_seconds(aula.process.pid)
                ours = wrk(aula.url + PAGES[name], headers, options.seconds, options.connections)
                cpu = cpu_seconds(aula.process.pid) - cpu
                ratio = ours.requests_per_s / theirs.requests_per_s
                print(f"{name} ({PAGES[name]}, {size:,} bytes): aula/nginx = {ratio:.3f}x")
                per_request = 1e6 * cpu / max(1, ours.requests)
                print("  " + row("aula", ours) + f"  ({per_request:,.0f} us CPU/request)")
                print("  " + row("nginx", theirs))
        print(f"\naula server memory after the run: {aula.rss_mb():.0f} MB RSS")


if __name__ == "__main__":
    main()
