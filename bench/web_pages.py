"""Requests per second for Aula's pages, against a static file served by the same app.

Baseline: ``/static/aula.css`` (no template, no database). Measured: the home page, a slide
(read progress in one transaction, render), the glossary, the skill map and the JSON twin of the
lesson. In-process over ASGI (no network, no server), one request at a time, so the figures
are the application's own cost. Real SQLite file, built-in course.

    .venv/bin/python bench/web_pages.py [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from aula.content import load_course
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

PAGES = [
    ("baseline: /static/aula.css", "/static/aula.css"),
    ("home", "/"),
    ("slide 2", "/lessons/open-vs-closed/slides/2"),
    ("glossary", "/glossary"),
    ("skill map", "/lessons/open-vs-closed/skills"),
    ("JSON lesson", "/api/lessons/open-vs-closed"),
]


async def rate(client: httpx.AsyncClient, path: str, n: int) -> float:
    await client.get(path)  # warm-up, and the learner cookie
    start = time.perf_counter()
    for _ in range(n):
        response = await client.get(path)
        response.raise_for_status()
    return n / (time.perf_counter() - start)


async def main(n: int) -> None:
    course = load_course()
    print(f"{n} sequential requests each, in-process ASGI, SQLite file")
    # The page cache (web/pagecache.py) serves a learner's page again until they write: on,
    # this measures that; off, a page rendered for every request (a first view).
    for cache_seconds in (0.0, 5.0):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(str(Path(tmp) / "aula.db"))
            settings = Settings(page_cache_seconds=cache_seconds)
            app = create_app(Aula(settings, course, store, Identity("bench")))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://aula.bench") as c:
                results = [(label, await rate(c, path, n)) for label, path in PAGES]
            store.close()
        base = results[0][1]
        print(f"\npage_cache_seconds={cache_seconds:g}")
        for label, per_second in results:
            print(f"{label:32} {per_second:8.0f} req/s  {per_second / base:5.2f}x baseline")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    asyncio.run(main(parser.parse_args().requests))
