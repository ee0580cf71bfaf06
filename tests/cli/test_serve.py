"""``aula serve`` as an operator runs it: settings, the database path, and no lost answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from aula.content import load_course

from ..browser.conftest import free_port


@contextmanager
def serving(data_dir: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {**os.environ, "AULA_DATA_DIR": str(data_dir), "AULA_EMBEDDINGS": "off"}
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
