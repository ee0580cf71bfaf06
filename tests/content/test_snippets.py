from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aula.content import check_course
from aula.content.snippets import (
    BUBBLEWRAP,
    NAMESPACES,
    PROCESS_GROUP,
    Snippet,
    SnippetRunner,
    containment,
    execute,
)


def test_unchanged_course_reruns_nothing(mini_course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "fresh-cache"
    first = check_course(mini_course, cache_dir=cache)
    assert first.ok and first.snippets_run == 3
    again = check_course(mini_course, cache_dir=cache)
    assert again.ok and again.snippets_run == 0
    assert again.course == first.course


def test_changing_one_snippet_reruns_only_that_one(mini_course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "fresh-cache"
    check_course(mini_course, cache_dir=cache)
    code = mini_course / "lessons/basics/code/main.py"
    code.write_text('print("changed")\n')
    report = check_course(mini_course, cache_dir=cache)
    assert report.snippets_run == 1
    assert report.course is not None
    slide = report.course.lessons[0].slides[0]
    assert slide.code is not None and slide.code.output is not None
    assert slide.code.output.stdout == "changed\n"


def test_rerun_ignores_the_cache(mini_course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "fresh-cache"
    check_course(mini_course, cache_dir=cache)
    assert check_course(mini_course, cache_dir=cache, use_cache=False).snippets_run == 3


def test_failed_runs_are_not_cached(tmp_path: Path) -> None:
    runner = SnippetRunner(tmp_path, tmp_path / "cache")
    snippet = Snippet("boom.py", "raise SystemExit(3)\n")
    assert runner.run(snippet).exit_code == 3
    assert runner.run(snippet).exit_code == 3
    assert runner.executed == 2


@pytest.fixture
def listener() -> Iterator[int]:
    """A real TCP server on loopback that records whether anything connected."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(3)
    hits: list[bool] = []

    def accept() -> None:
        try:
            conn, _ = server.accept()
            hits.append(True)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    yield server.getsockname()[1]
    server.close()
    thread.join()
    assert hits == [], "a snippet reached the network"


def test_snippets_cannot_reach_the_network(tmp_path: Path, listener: int) -> None:
    code = (
        "import socket\n"
        f"s = socket.socket(); s.settimeout(2); s.connect(('127.0.0.1', {listener}))\n"
        "print('connected')\n"
    )
    result = execute(Snippet("net.py", code), tmp_path)
    assert result.exit_code == 1
    assert "connected" not in result.stdout
    assert "network" in result.stderr or "unreachable" in result.stderr.lower()


def test_snippets_cannot_start_programs(tmp_path: Path) -> None:
    result = execute(Snippet("sub.py", "import subprocess\nsubprocess.run(['true'])\n"), tmp_path)
    assert result.exit_code == 1
    assert "PermissionError: course snippets may not start other programs" in result.stderr


def test_snippets_run_in_an_empty_scratch_folder_that_is_removed(tmp_path: Path) -> None:
    code = "import os\nprint(sorted(os.listdir('.')))\nopen('out.txt', 'w').write('x')\nprint(os.getcwd())\n"
    result = execute(Snippet("where.py", code), tmp_path)
    assert result.ok, result.stderr
    listing, cwd = result.stdout.splitlines()
    assert listing == "['where.py']"
    assert cwd == "."  # the scratch path is hidden so output stays the same run to run
    assert not list(tmp_path.iterdir())


def test_snippets_see_the_course_folder_and_can_import_aula(tmp_path: Path) -> None:
    code = "import os, aula\nprint(os.environ['AULA_COURSE_DIR'])\nprint(aula.__name__)\n"
    result = execute(Snippet("env.py", code), tmp_path)
    assert result.ok, result.stderr
    assert result.stdout.splitlines() == [str(tmp_path), "aula"]


def test_tracebacks_show_only_the_snippet(tmp_path: Path) -> None:
    result = execute(Snippet("bad.py", "x = 1\nraise ValueError('no good')\n"), tmp_path)
    assert result.stderr.splitlines() == [
        "Traceback (most recent call last):",
        '  File "bad.py", line 2, in <module>',
        "    raise ValueError('no good')",
        "ValueError: no good",
    ]


# ---------------------------------------------------------------- containment (issue 12, 7)

CONTAINED = containment() != PROCESS_GROUP
needs_namespaces = pytest.mark.skipif(
    not CONTAINED, reason="no bubblewrap or unshare here: only a process group"
)


def test_snippets_do_not_see_the_servers_environment(tmp_path: Path) -> None:
    """The server's environment (here: a process started with the key, as `aula serve` would
    be) is neither passed on nor, when contained, readable from /proc."""
    code = (
        "import os\n"
        "print(sorted(os.environ))\n"
        "try:\n"
        "    print(open(f'/proc/{os.getppid()}/environ').read())\n"
        "except OSError as e:\n"
        "    print('no parent environ', e)\n"
    )
    runner = (
        "import sys; from pathlib import Path; from aula.content.snippets import Snippet, execute\n"
        f"r = execute(Snippet('env.py', {code!r}), Path({str(tmp_path)!r}))\n"
        "sys.stdout.write(r.stdout)\n"
    )
    env = {**os.environ, "AULA_LLM_API_KEY": "sk-very-secret-value"}
    out = subprocess.run(
        [sys.executable, "-c", runner], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "'AULA_LLM_API_KEY'" not in out.splitlines()[0]  # not passed on
    if CONTAINED:  # its parent is the sandbox's own, not the server
        assert "sk-very-secret-value" not in out


@needs_namespaces
def test_snippets_cannot_read_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.key").write_text("the-cookie-key")
    course = tmp_path / "course"
    course.mkdir()
    code = f"print(open({str(data / 'secret.key')!r}).read())\n"
    result = execute(Snippet("steal.py", code), course)
    if containment() == BUBBLEWRAP:
        assert result.exit_code != 0
    assert "the-cookie-key" not in result.stdout or containment() != BUBBLEWRAP


@needs_namespaces
def test_a_setsid_child_made_with_ctypes_dies_with_the_snippet(tmp_path: Path) -> None:
    marker = f"outlive-{os.getpid()}-{time.time_ns()}"
    code = (
        "import ctypes, time\n"
        "libc = ctypes.CDLL(None)\n"
        "if libc.fork() == 0:\n"
        "    libc.setsid()\n"
        "    time.sleep(120)\n"
        "    raise SystemExit\n"
        "time.sleep(120)\n"
    )
    result = execute(Snippet(f"{marker}.py", code, timeout=1.5), tmp_path)
    assert result.timed_out
    deadline = time.monotonic() + 5
    while (left := _processes_named(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"still running: {left}"


def test_snippets_have_a_memory_limit(tmp_path: Path) -> None:
    result = execute(Snippet("hog.py", "x = bytearray(8 * 2**30)\nprint(len(x))\n"), tmp_path)
    assert result.exit_code != 0
    assert "MemoryError" in result.stderr


def test_check_says_which_containment_was_used(mini_course: Path, tmp_path: Path) -> None:
    report = check_course(mini_course, cache_dir=tmp_path / "cache")
    assert report.containment == containment()
    assert report.containment in {
        BUBBLEWRAP,
        NAMESPACES,
        NAMESPACES + " (mapped root)",
        PROCESS_GROUP,
    }


def _processes_named(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline and (entry / "stat").read_text().split()[2] != "Z":
                found.append(entry.name)
    return found
