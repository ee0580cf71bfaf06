"""``aula ask`` run as a user runs it: a real process, its exit code and its output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aula.instructor import Instructor

QUESTION = "How much VRAM does SDXL need?"


def aula(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AULA_LLM_")}
    return subprocess.run(
        [sys.executable, "-m", "aula", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **(env or {})},
        check=False,
    )


def test_ask_json_prints_exactly_the_answer_object(instructor: Instructor) -> None:
    result = aula("ask", QUESTION, "--json", "--no-embeddings")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == instructor.ask(QUESTION).to_dict()
    assert printed["sources"]
    assert printed["backend"]["left_machine"] is False


def test_ask_prints_the_answer_its_sources_and_who_answered() -> None:
    result = aula("ask", "¿Qué es la inferencia?", "--no-embeddings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Inferencia: El proceso de generar")  # Spanish text, no English
    assert "Sources:" in result.stdout
    assert "/glossary#term-inference" in result.stdout
    assert "nothing left this machine" in result.stderr


def test_a_question_the_course_does_not_cover_gets_no_sources() -> None:
    result = aula("ask", "Who won the 2022 World Cup?", "--json", "--no-embeddings")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sources"] == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AULA_LLM_MODLE": "x"}, "did you mean AULA_LLM_MODEL?"),
        ({"AULA_LLM_URL": "http://127.0.0.1:9/v1"}, "'llm_model' is required"),
    ],
)
def test_a_bad_setting_is_one_line_not_a_traceback(env: dict[str, str], message: str) -> None:
    result = aula("ask", QUESTION, "--no-embeddings", env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_offline_ignores_a_configured_model() -> None:
    env = {"AULA_LLM_URL": "http://127.0.0.1:9/v1", "AULA_LLM_MODEL": "m"}
    result = aula("ask", QUESTION, "--json", "--no-embeddings", "--offline", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["backend"]["fell_back"] is False
