"""Real servers for the delivery tests: ralph (an LRS in Python, file-system backend) as its
own process, and a tiny LRS impostor that answers 500s and garbage before it behaves."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "aula", "s3cret-for-tests"
# ralph 5.1's file-system LRS backend writes each batch with its default operation, CREATE,
# which refuses a file that exists: its second POST fails with a 500. Appending is what an LRS
# on files needs; the backend supports it, the API just never asks for it.
LAUNCH = """
import sys, uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
FSDataBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ralph_python() -> Path:
    """ralph lives in a venv of its own (it pins FastAPI): ``make .venv-ralph/.done``."""
    given = os.environ.get("AULA_TEST_RALPH_PYTHON")
    path = Path(given) if given else ROOT / ".venv-ralph" / "bin" / "python"
    if not path.exists():
        raise RuntimeError(f"ralph is not installed at {path}: run `make .venv-ralph/.done`")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Ralph:
    """ralph's LRS API under uvicorn on ``port``, its statements kept in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.python = ralph_python()
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        hashed = subprocess.run(
            [
                str(self.python),
                "-c",
                "import bcrypt,sys;print(bcrypt.hashpw(sys.argv[1].encode(),"
                "bcrypt.gensalt()).decode())",
                PASSWORD,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        users = [
            {
                "username": USER,
                "hash": hashed,
                "scopes": ["all"],
                "agent": {"mbox": "mailto:aula-tests@example.org"},
            }
        ]
        (folder / "auth.json").write_text(json.dumps(users))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            RALPH_AUTH_FILE=str(self.folder / "auth.json"),
            RALPH_APP_DIR=str(self.folder / "app"),
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.folder / "data"),
        )
        self.log = (self.folder / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.python), "-c", LAUNCH, str(self.port)],
            env=env,
            cwd=self.folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.close()
                tail = (self.folder / "ralph.log").read_text()[-2000:]
                raise RuntimeError(f"ralph stopped: {tail}")
            try:
                if (
                    httpx.get(
                        f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=1
                    ).status_code
                    == 200
                ):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("ralph did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
        self.log.close()

    def statements(self) -> list[dict[str, Any]]:
        """Every statement stored, following ``more`` links."""
        out: list[dict[str, Any]] = []
        url: str | None = self.url + "statements?limit=100"
        headers = {"X-Experience-API-Version": "1.0.3"}
        while url:
            r = httpx.get(url, auth=(USER, PASSWORD), headers=headers, timeout=10)
            r.raise_for_status()
            body = r.json()
            out += body["statements"]
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return out


@contextmanager
def ralph(folder: Path) -> Iterator[Ralph]:
    server = Ralph(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Impostor:
    """An LRS that answers each POST with the next of ``replies`` (status, body), then like an
    LRS; it keeps the statements it acknowledged."""

    def __init__(self, replies: list[tuple[int, bytes]]) -> None:
        self.replies = list(replies)
        self.stored: dict[str, dict[str, Any]] = {}
        self.posts = 0
        impostor = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                impostor.posts += 1
                if impostor.replies:
                    status, reply = impostor.replies.pop(0)
                else:
                    statements = json.loads(body)
                    for s in statements:
                        impostor.stored[s["id"]] = s
                    status, reply = 200, json.dumps([s["id"] for s in statements]).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def __enter__(self) -> Impostor:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
