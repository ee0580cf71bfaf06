"""``aula serve`` as an operator runs it: settings, the database path, and no lost answers."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest

from aula.content import load_course

from ..browser.conftest import free_port


@contextmanager
def serving(data_dir: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    # No request lines: nothing reads this pipe while the server runs, and a server whose
    # standard error is full waits to write (as any program logging to a pipe does).
    env = {
        **os.environ,
        "AULA_DATA_DIR": str(data_dir),
        "AULA_EMBEDDINGS": "off",
        "AULA_REQUEST_LOG": "off",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "aula", "serve", "--port", str(port), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so a kill reaches granian's workers too
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(url + "/api/session", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        if proc.stdout:
            proc.stdout.close()


def test_an_acknowledged_answer_survives_kill_9(tmp_path: Path) -> None:
    question = load_course().lessons[0].skill_tree.nodes[0].questions[0]
    right = sorted(question.correct_ids)
    with serving(tmp_path) as (url, proc), httpx.Client(base_url=url) as client:
        token = client.get("/api/session").json()["csrf_token"]
        body = {"question_id": question.id, "choice_ids": right}
        acknowledged = client.post("/api/answers", json=body, headers={"x-csrf-token": token})
        assert acknowledged.status_code == 200
        os.killpg(proc.pid, signal.SIGKILL)  # no shutdown, no flush: a crash
        proc.wait(timeout=20)
        cookies = dict(client.cookies)
    with serving(tmp_path) as (url, _proc), httpx.Client(base_url=url, cookies=cookies) as client:
        progress = client.get("/api/progress").json()["lessons"][0]
    assert progress["answers"] == 1
    node = next(n for n in progress["nodes"] if n["id"] == question.node)
    assert node["first_try_correct"] == 1


def test_answers_acknowledged_under_load_survive_kill_9(tmp_path: Path) -> None:
    # Group commit acks many answers per fsync: kill the server while 24 learners answer at
    # once, and every answer any of them was told is saved must be there after the restart.
    question = load_course().lessons[0].skill_tree.nodes[0].questions[0]
    bodies = [
        {"question_id": question.id, "choice_ids": sorted(question.correct_ids)},
        {"question_id": question.id, "choice_ids": [c.id for c in question.choices][-1:]},
    ]
    acked: list[list[int]] = [[] for _ in range(24)]
    refused: list[str] = []
    enough = threading.Event()

    def learner(n: int, url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            try:
                token = client.get("/api/session").json()["csrf_token"]
                for i in range(100_000):
                    response = client.post(
                        "/api/answers", json=bodies[i % 2], headers={"x-csrf-token": token}
                    )
                    if response.status_code != 200:
                        refused.append(f"{response.status_code} {response.text}")
                        enough.set()  # stop the run: the assertion below shows why
                        return
                    acked[n].append(response.json()["answer_id"])
                    if sum(map(len, acked)) >= 400:
                        enough.set()
            except httpx.TransportError:
                return  # the server was killed

    with serving(tmp_path) as (url, proc):
        threads = [threading.Thread(target=learner, args=(n, url)) for n in range(24)]
        for thread in threads:
            thread.start()
        assert enough.wait(120), "the learners did not get 400 answers saved"
        os.killpg(proc.pid, signal.SIGKILL)  # mid-run: every learner is still answering
        proc.wait(timeout=20)
        for thread in threads:
            thread.join(30)
        assert refused == []
        assert all(acked) and not any(t.is_alive() for t in threads)

    database = tmp_path / "aula.db"
    with serving(tmp_path), closing(sqlite3.connect(database)) as db:  # restarted: recovered
        stored = dict(db.execute("SELECT id, attempt FROM answers").fetchall())
    every_ack = [answer_id for ids in acked for answer_id in ids]
    assert len(every_ack) >= 400
    assert set(every_ack) <= set(stored)
    # Each learner's attempts are 1, 2, 3… in the order they were acked.
    for ids in acked:
        assert [stored[answer_id] for answer_id in ids] == list(range(1, len(ids) + 1))


def test_start_prints_where_progress_is_saved(tmp_path: Path) -> None:
    with serving(tmp_path) as (_url, proc):
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    assert f"Progress is saved in {tmp_path / 'aula.db'} (sqlite)" in output
    assert "Serving “Sintetografía Avanzada” at http://127.0.0.1:" in output


def run_serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aula", "serve", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_mistyped_setting_stops_the_server_with_a_hint() -> None:
    result = run_serve(env={"AULA_PROT": "9000"})
    assert result.returncode == 1
    assert (
        "unknown setting in environment variable AULA_PROT; did you mean AULA_PORT?"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    result = run_serve("--setting", "cookie_secur", "1")
    assert "did you mean 'cookie_secure'?" in result.stderr


def test_a_broken_course_stops_the_server_with_file_and_line(mini_course: Path) -> None:
    (mini_course / "lessons/basics/nodes/02-second.yaml").write_text("title: [\n")
    result = run_serve(str(mini_course))
    assert result.returncode == 1
    assert "mini-course/lessons/basics/nodes/02-second.yaml:2: YAML syntax" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_stops_the_server_with_a_message(tmp_path: Path) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_serve("--port", str(port), env={"AULA_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def _processes_in_group(group: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":  # pgrp; zombies are already gone
            found.append(int(stat.parent.name))
    return found


def test_sigterm_stops_two_workers_while_they_start(tmp_path: Path) -> None:
    """A SIGTERM to the main process while granian's workers load the course stops them all.

    It used to be lost in a worker that had not yet set its own handler (7 of 8 tries hung).
    """
    for pause in (0.0, 0.3, 0.8):
        env = {**os.environ, "AULA_DATA_DIR": str(tmp_path), "AULA_EMBEDDINGS": "off"}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aula",
                "serve",
                "--port",
                str(free_port()),
                "-s",
                "workers",
                "2",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            assert proc.stdout is not None
            seen = []
            for line in proc.stdout:  # granian logs each worker it spawns
                seen.append(line)
                if "Spawning worker-2" in line:
                    break
            assert "Spawning worker-2" in seen[-1], "".join(seen)
            time.sleep(pause)  # the workers are loading the course now
            proc.send_signal(signal.SIGTERM)
            try:
                proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                pytest.fail(f"aula serve did not stop within 20 s of SIGTERM (pause {pause} s)")
            time.sleep(0.2)
            assert _processes_in_group(proc.pid) == [], "a worker outlived the server"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            if proc.stdout:
                proc.stdout.close()
