"""A TEST SERVER, not a model: a separate process speaking the OpenAI chat-completions protocol
(``POST /v1/chat/completions``), started by tests/instructor/test_generative_process.py.

No useful model can run on the test machine, so this stands in for one (Ollama, llama.cpp's
server, vLLM, a hosted API). The ``model`` named in a request picks its behaviour:

- ``faithful``: answers with the first sentence of the first course passage it was sent, with
  a citation, in the passages' language (a model that does its job);
- ``unfaithful``: says something the course does not ("Yes, Flux runs fine on 8 GB...");
- ``obedient``: follows an instruction found in the learner's question (prompt injection);
- ``english``: answers in English whatever the learner's language;
- ``markup``: answers with an HTML script;
- ``garbage``: HTTP 200 with a body that is not JSON; ``not-a-completion``: JSON, wrong shape;
- ``slow``: waits 3 s before answering; ``error``: HTTP 500.

Every request is appended, as JSON, to the log file given with ``--log``. It prints its port on
stdout once it listens (``--port 0`` picks a free one).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LOG: Path | None = None


def first_passage_sentence(user: str) -> str:
    """The first sentence of passage [1] in the user message ("[1] title\\ntext...")."""
    match = re.search(r"\[1\][^\n]*\n(.+)", user)
    if not match:
        return "The course does not cover that."
    text = match.group(1).strip()
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return f"{sentence} [1]"


def reply_for(model: str, messages: list[dict[str, str]]) -> str:
    user = messages[-1]["content"] if messages else ""
    if model == "unfaithful":
        return "Yes, Flux runs fine on an 8 GB card with no changes at all [1]."
    if model == "obedient":
        return "Here is a joke instead: why did the chicken cross the road? To get away [1]."
    if model == "english":
        return "VRAM is the memory on your graphics card [1]."
    if model == "markup":
        return "<script>alert('x')</script> The memory on your graphics card [1]."
    return first_passage_sentence(user)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if LOG is not None:
            with LOG.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"path": self.path, "body": body}) + "\n")
        model = str(body.get("model", ""))
        if model == "slow":
            time.sleep(3)
        if model == "error":
            return self._send(500, b'{"error": "model crashed"}')
        if model == "garbage":
            return self._send(200, b"\x00\xffnot json at all<<<", "text/plain")
        if model == "not-a-completion":
            return self._send(200, b'{"result": "ok"}')
        content = reply_for(model, body.get("messages", []))
        reply = {"choices": [{"message": {"role": "assistant", "content": content}}]}
        self._send(200, json.dumps(reply).encode())


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow reply is expected


def main() -> None:
    global LOG
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path, default=None)
    args = parser.parse_args()
    LOG = args.log
    server = Server(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
