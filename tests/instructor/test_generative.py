"""The optional generative backend, against a tiny OpenAI-compatible server on 127.0.0.1.

The server below stands in for a real model server (Ollama, llama.cpp's server, vLLM or a hosted
API): it speaks the same ``POST /chat/completions`` protocol, records what it was sent, and can be
told to answer, to be slow, to fail with HTTP 500 or to return something that is not JSON.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from aula.instructor import Instructor, OpenAICompatibleBackend
from aula.instructor.generative import is_own_host

QUESTION = "How much GPU memory do I need to run SDXL?"


class StubModelServer(ThreadingHTTPServer):
    daemon_threads = True
    mode = "answer"  # answer | slow | error | garbage | not-a-completion
    requests: list[dict[str, Any]]
    headers: list[dict[str, str]]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow reply is expected here


class Handler(BaseHTTPRequestHandler):
    server: StubModelServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.server.requests.append({"path": self.path, "body": body})
        self.server.headers.append(dict(self.headers))
        mode = self.server.mode
        if mode == "slow":
            time.sleep(0.9)  # longer than the client waits (0.5 s)
        if mode == "error":
            self._send(500, b'{"error": "model crashed"}')
        elif mode == "garbage":
            self._send(200, b"<html>definitely not json")
        elif mode == "not-a-completion":
            self._send(200, b'{"object": "list", "data": []}')
        else:
            reply = {
                "choices": [
                    {"message": {"role": "assistant", "content": "SDXL needs about 12 GB [1]."}}
                ]
            }
            self._send(200, json.dumps(reply).encode())

    def _send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[StubModelServer]:
    httpd = StubModelServer(("127.0.0.1", 0), Handler)
    httpd.requests, httpd.headers = [], []
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def backend(server: StubModelServer) -> Iterator[OpenAICompatibleBackend]:
    port = server.server_address[1]
    b = OpenAICompatibleBackend(
        f"http://127.0.0.1:{port}/v1", "stub-model", api_key="sk-test", timeout=0.5
    )
    yield b
    b.close()


def with_backend(instructor: Instructor, backend: OpenAICompatibleBackend) -> Instructor:
    return Instructor(instructor.course, instructor.index, backend=backend)


def test_the_model_answers_from_the_retrieved_passages_and_cites_them(
    instructor: Instructor, backend: OpenAICompatibleBackend, server: StubModelServer
) -> None:
    answer = with_backend(instructor, backend).ask(QUESTION)
    assert answer.answer == "SDXL needs about 12 GB [1]."
    info = answer.backend
    assert (info.kind, info.model, info.left_machine, info.fell_back) == (
        "local-llm",
        "stub-model",
        False,
        False,
    )
    [request] = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "stub-model"
    prompt = request["body"]["messages"][-1]["content"]
    assert QUESTION in prompt
    # Passage [n] is source n of the answer: what the model cites is what the learner sees.
    assert answer.sources
    for n, source in enumerate(answer.sources, start=1):
        assert f"[{n}] {source.title}" in prompt
    assert server.headers[0]["Authorization"] == "Bearer sk-test"


def test_a_spanish_question_asks_for_a_spanish_answer(
    instructor: Instructor, backend: OpenAICompatibleBackend, server: StubModelServer
) -> None:
    with_backend(instructor, backend).ask("¿Cuánta memoria de vídeo necesita SDXL?")
    assert "in Spanish" in server.requests[0]["body"]["messages"][0]["content"]


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("slow", "no answer within 0.5 s"),
        ("error", "the server answered HTTP 500"),
        ("garbage", "the server's reply is not valid JSON"),
        ("not-a-completion", "the server's reply is not a chat completion"),
    ],
)
def test_a_failing_model_falls_back_to_the_course_text(
    instructor: Instructor,
    backend: OpenAICompatibleBackend,
    server: StubModelServer,
    mode: str,
    error: str,
) -> None:
    server.mode = mode
    offline = instructor.ask(QUESTION)
    answer = with_backend(instructor, backend).ask(QUESTION)
    assert answer.answer == offline.answer
    assert answer.sources == offline.sources
    info = answer.backend
    assert (info.kind, info.fell_back, info.error, info.model) == (
        "extractive",
        True,
        error,
        "stub-model",
    )
    assert info.left_machine is False  # 127.0.0.1: it was tried, but on this machine


def test_a_question_the_course_does_not_cover_is_never_sent(
    instructor: Instructor, backend: OpenAICompatibleBackend, server: StubModelServer
) -> None:
    answer = with_backend(instructor, backend).ask("What's the capital of France?")
    assert answer.sources == ()
    assert server.requests == []
    assert answer.backend.left_machine is False


def test_a_hosted_model_is_reported_as_leaving_the_machine_even_when_it_fails(
    instructor: Instructor,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    hosted = OpenAICompatibleBackend(
        "https://api.example.com/v1", "big-model", transport=httpx.MockTransport(refuse)
    )
    assert (hosted.kind, hosted.left_machine) == ("remote-llm", True)
    answer = with_backend(instructor, hosted).ask(QUESTION)
    hosted.close()
    assert answer.backend.left_machine is True
    assert answer.backend.fell_back is True
    assert answer.backend.error == "could not reach the server (ConnectError)"


@pytest.mark.parametrize(
    ("host", "own"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("ollama.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("[::1]", True),
        ("::1", True),
        ("api.openai.com", False),
        ("192.168.1.20", False),
        ("gpu-box.lan", False),
    ],
)
def test_only_loopback_and_localhost_count_as_this_machine(host: str, own: bool) -> None:
    assert is_own_host(host) is own


def test_an_operator_can_name_their_own_hosts() -> None:
    assert is_own_host("gpu-box.lan", ["gpu-box.lan"])
    backend = OpenAICompatibleBackend("http://gpu-box.lan:8000/v1", "m", own_hosts=["gpu-box.lan"])
    assert (backend.kind, backend.left_machine) == ("local-llm", False)
    backend.close()


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ValueError, match="not an http"):
        OpenAICompatibleBackend("ftp://example.com", "m")
