"""``aula check`` run as a user runs it: a real process, its exit code and its output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aula.content.snippets import containment


def aula(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aula", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def test_valid_course_prints_one_summary_line(
    mini_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AULA_CACHE_DIR", str(tmp_path / "empty-cache"))
    result = aula("check", str(mini_course))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ok: mini: 1 lesson, 2 slides, 2 nodes, 3 questions, 2 terms; 3 snippets run"
        f" (contained by {containment()})"
    ]


def test_broken_course_lists_problems_without_a_traceback(mini_course: Path) -> None:
    node = mini_course / "lessons/basics/nodes/02-second.yaml"
    node.write_text(node.read_text().replace("prerequisites: [first]", "prerequisites: [frist]"))
    (mini_course / "course.yaml").write_text("id: mini\ntitle: [oops\n")
    result = aula("check", str(mini_course))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines() == [
        "mini-course/course.yaml:3: YAML syntax: expected ',' or ']', but got '<stream end>'",
        "1 problem found",
    ]


def test_json_output_has_the_same_findings(mini_course: Path) -> None:
    node = mini_course / "lessons/basics/nodes/02-second.yaml"
    node.write_text(node.read_text().replace("slides: [second]", "slides: [third]"))
    result = aula("check", "--json", str(mini_course))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert {
        "file": "mini-course/lessons/basics/nodes/02-second.yaml",
        "line": 4,
        "message": "unknown slide 'third' in 'slides'",
        "severity": "error",
    } in data["findings"]


def test_missing_folder_is_a_message(tmp_path: Path) -> None:
    result = aula("check", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "course folder not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_speaks_the_environments_language(
    mini_course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    spanish = aula("check", "--no-run", str(mini_course))
    assert spanish.returncode == 0, spanish.stderr
    assert "lección" in spanish.stdout
    assert "Valida la carpeta de un curso" in aula("check", "--help").stdout
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = aula("check", "--no-run", str(mini_course))
    assert "lesson" in english.stdout and "lección" not in english.stdout
