"""The instructor works with the network off: in-process with sockets blocked, and as a real
``aula ask`` process in a network namespace of its own (``unshare -n``, where Linux allows it)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

from aula.content import Course, load_course
from aula.instructor import Instructor

from .conftest import OFFLINE, needs_e5


def _refuse(*args: object, **kwargs: object) -> NoReturn:
    raise OSError("network is off in this test")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)


def test_sockets_are_really_blocked(no_network: None) -> None:
    with pytest.raises(OSError, match="network is off"):
        socket.create_connection(("127.0.0.1", 9))


def test_answers_with_sockets_blocked(course: Course, tmp_path: Path, no_network: None) -> None:
    instructor = Instructor.for_course(
        course, embeddings=False, backend=None, cache_dir=tmp_path, settings=OFFLINE
    )
    answer = instructor.ask("¿Qué es un checkpoint o archivo de pesos?")
    assert "/glossary#term-weights" in [s.url for s in answer.sources]
    assert answer.backend.left_machine is False


@needs_e5
def test_embeddings_load_and_answer_with_sockets_blocked(
    mini_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = load_course(mini_course, cache_dir=tmp_path / "snippets")  # runs its snippets first
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    instructor = Instructor.for_course(
        course, embeddings=True, backend=None, cache_dir=tmp_path, settings=OFFLINE
    )
    answer = instructor.ask("What lives on the graphics card?")
    assert answer.backend.retrieval == "bm25+e5"
    assert answer.sources and answer.sources[0].url == "/glossary#term-vram"


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_unshare = pytest.mark.skipif(
    not _unshare_works(), reason="unshare -n is not permitted here (needs root or user namespaces)"
)


def ask_without_network(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AULA_LLM_")}
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "aula", "ask", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, **(env or {})},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


@needs_unshare
def test_aula_ask_answers_in_a_namespace_with_no_network() -> None:
    data = ask_without_network("How much VRAM does SDXL need?", "--no-embeddings")
    assert data["sources"]
    assert data["backend"]["left_machine"] is False  # type: ignore[index]


@needs_unshare
def test_a_hosted_model_out_of_reach_falls_back_to_the_course_text() -> None:
    env = {
        "AULA_LLM_URL": "https://api.example.com/v1",
        "AULA_LLM_MODEL": "big",
        "AULA_LLM_TIMEOUT": "3",
    }
    data = ask_without_network("How much VRAM does SDXL need?", "--no-embeddings", env=env)
    backend = data["backend"]
    assert data["sources"]
    assert backend["kind"] == "extractive"  # type: ignore[index]
    assert backend["fell_back"] is True  # type: ignore[index]
    assert backend["left_machine"] is True  # type: ignore[index]  # it was sent, or tried


@needs_unshare
@needs_e5
def test_embeddings_work_in_a_namespace_with_no_network(mini_course: Path) -> None:
    data = ask_without_network(
        "What lives on the graphics card?", "--course", str(mini_course), "--embeddings"
    )
    assert data["backend"]["retrieval"] == "bm25+e5"  # type: ignore[index]
    assert data["sources"]
