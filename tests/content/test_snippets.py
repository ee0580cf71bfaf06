from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aula.content import check_course
from aula.content.snippets import Snippet, SnippetRunner, execute


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
