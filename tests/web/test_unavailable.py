"""The database goes away mid-run (issue 12): every request gets a 503 with a message, no
acknowledged answer is lost, and the server recovers by itself when the database returns.

SQLite lives on a small tmpfs that is filled up, then remounted read-only; PostgreSQL is a
throwaway cluster of this test's own on another port (never the shared one), stopped and
started again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from glob import glob
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from aula.content import Course
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

from ..browser.conftest import free_port
from .conftest import csrf_token


def _question(course: Course) -> tuple[str, str]:
    question = course.lessons[0].skill_tree.nodes[0].questions[0]
    return question.id, question.choices[0].id


class Learner:
    """One browser: answers over the JSON API and remembers what was acknowledged."""

    def __init__(self, client: TestClient, course: Course) -> None:
        self.client = client
        self.qid, self.choice = _question(course)
        self.token = csrf_token(client)
        self.acknowledged = 0

    def answer(self) -> int:
        response = self.client.post(
            "/api/answers",
            json={"question_id": self.qid, "choice_ids": [self.choice]},
            headers={"x-csrf-token": self.token},
        )
        if response.status_code == 200:
            self.acknowledged += 1
        else:
            assert response.status_code == 503, response.text
            assert "database is unavailable" in response.json()["error"]["message"]
            assert response.headers["retry-after"]
        return response.status_code

    def stored(self) -> int:
        response = self.client.get("/api/progress")
        assert response.status_code == 200, response.text
        return int(response.json()["lessons"][0]["answers"])


def _client(course: Course, url: str) -> Iterator[tuple[TestClient, Store]]:
    store = Store.open(url)
    app = create_app(Aula(Settings(embeddings="off"), course, store, Identity("k" * 20)))
    with TestClient(app, base_url="http://aula.test", raise_server_exceptions=False) as c:
        yield c, store
    store.close()


# ---------------------------------------------------------------- SQLite on a tmpfs


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or _run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)).returncode
    ):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield mount
    finally:
        _run("umount", "-l", str(mount))


def test_sqlite_disk_full_then_read_only_is_503_and_recovers(
    small_disk: Path, course: Course
) -> None:
    for client, store in _client(course, str(small_disk / "aula.db")):
        learner = Learner(client, course)
        assert learner.answer() == 200
        filler = small_disk / "filler"
        with filler.open("wb", buffering=0) as f:  # fill the disk to the last byte (unbuffered:
            # a buffered file would raise again on close, with what it still holds)
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        statuses = {learner.answer() for _ in range(30)}
        assert 503 in statuses  # the WAL grows until it cannot
        filler.unlink()
        assert learner.answer() == 200  # recovered by itself
        # A file system cannot go read-only under open files (the kernel says "busy"), and
        # root ignores file modes: let the pool close its idle connections (it reopens them
        # on demand), then remount read-only.
        store._engine.dispose()
        remount = _run("mount", "-o", "remount,ro", str(small_disk))
        assert remount.returncode == 0, remount.stderr
        assert learner.answer() == 503
        assert client.get("/").status_code in {200, 503}  # a page still answers, never a 500
        assert _run("mount", "-o", "remount,rw", str(small_disk)).returncode == 0
        deadline = time.monotonic() + 10
        while learner.answer() != 200:
            assert time.monotonic() < deadline, "did not recover"
            time.sleep(0.2)
        assert learner.stored() == learner.acknowledged


# ---------------------------------------------------------------- PostgreSQL of our own


def _pg_bin() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A throwaway cluster on a free port, run as the postgres user; its pg_ctl command."""
    pg = _pg_bin()
    if pg is None or shutil.which("runuser") is None or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's binaries and root (to run them as postgres)")
    folder = Path(f"/tmp/aula-pg-{os.getpid()}-{time.time_ns()}")
    folder.mkdir()
    shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    as_pg = ["runuser", "-u", "postgres", "--"]
    init = _run(*as_pg, str(pg / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    assert init.returncode == 0, init.stderr
    ctl = [*as_pg, str(pg / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log")]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=on"
    start = [*ctl, "-o", options, "start"]
    assert _run(*start).returncode == 0
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", start
    finally:
        _run(*ctl, "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_postgresql_stopped_mid_run_is_503_and_recovers(
    own_postgres: tuple[str, list[str]], course: Course
) -> None:
    url, start = own_postgres
    stop = [*start[:-3], "-m", "fast", "stop"]
    for client, _store in _client(course, url):
        learner = Learner(client, course)
        for _ in range(3):
            assert learner.answer() == 200
        assert _run(*stop).returncode == 0
        for _ in range(3):
            assert learner.answer() == 503
        assert client.get("/api/progress").status_code == 503
        assert _run(*start).returncode == 0
        deadline = time.monotonic() + 20
        while learner.answer() != 200:
            assert time.monotonic() < deadline, "did not recover"
            time.sleep(0.2)
        assert learner.stored() == learner.acknowledged == 4
