"""A real ``aula serve`` process and Debian's Chromium driven by Playwright.

The server runs exactly as a user starts it (granian, the built-in course, a SQLite file).
Each test gets a fresh browser context, so a fresh anonymous learner.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_aula(port: int, log: Path, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """``aula serve [args] --port PORT`` with ``env`` added, its output appended to ``log``;
    returns once it answers (the server's log is the error if it never does)."""
    with log.open("ab") as out:  # the child keeps its own copy of the file
        proc = subprocess.Popen(
            [sys.executable, "-m", "aula", "serve", *args, "--port", str(port)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/session", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(log.read_text())
        time.sleep(0.2)


def stop_aula(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {
        "AULA_DATA_DIR": str(base / "data"),
        "AULA_CACHE_DIR": str(tmp_path_factory.getbasetemp() / "cache"),
        # BM25 alone: answers must not change while optional embeddings load in the background.
        "AULA_EMBEDDINGS": "off",
    }
    proc = start_aula(port, base / "server.log", env)
    yield f"http://127.0.0.1:{port}"
    stop_aula(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run scripts/ensure-chromium")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    p = context.new_page()
    p.set_default_timeout(10_000)
    return p


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """An axe-core scan of the page as it is now finds no violations."""
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
