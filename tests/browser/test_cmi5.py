"""A cmi5 package launched in Chromium as a cmi5 LMS launches it: the page gets endpoint,
fetch, actor, registration and activityId in its URL, fetches its xAPI authorization, and
sends its statements to a real LRS (ralph, behind the test LMS's own origin). The LRS then
holds initialized, each answer, completed, passed and terminated, in that order."""

from __future__ import annotations

import base64
import io
import json
import threading
import uuid
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page

from aula.content import Course, load_course
from aula.services.packages import build_package

from ..services.lrs import PASSWORD, USER, Ralph, ralph
from .test_packages import answer

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


def lms_handler(folder: Path, lrs: Ralph) -> type[SimpleHTTPRequestHandler]:
    """Static files, the cmi5 fetch URL, and /xapi/ forwarded to the LRS (one origin)."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path.startswith("/fetch"):
                token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                self.reply(200, json.dumps({"auth-token": token}).encode())
            elif self.path.startswith("/xapi/"):
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() in ("authorization", "content-type", "x-experience-api-version")
                }
                url = f"http://127.0.0.1:{lrs.port}/xAPI/" + self.path.removeprefix("/xapi/")
                response = httpx.post(url, content=body, headers=headers, timeout=10)
                self.reply(response.status_code, response.content)
            else:
                self.reply(404, b"{}")

        def reply(self, status: int, data: bytes) -> None:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def lms(tmp_path: Path) -> Iterator[tuple[str, Path, Ralph]]:
    with ralph(tmp_path / "lrs") as lrs:
        folder = tmp_path / "site"
        folder.mkdir()
        server = ThreadingHTTPServer(("127.0.0.1", 0), lms_handler(folder, lrs))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}", folder, lrs
        server.shutdown()
        server.server_close()


def test_a_cmi5_launch_reports_to_the_lrs_in_cmi5_order(
    page: Page, lms: tuple[str, Path, Ralph], course: Course
) -> None:
    url, folder, lrs = lms
    data = build_package(course, "open-vs-closed", "cmi5", "https://aula.example.org")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(folder / "package")
        structure = z.read("cmi5.xml").decode()
    activity = "https://aula.example.org/lessons/open-vs-closed"
    assert f'<au id="{activity}"' in structure
    registration = str(uuid.uuid4())
    actor = {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "u-7"}}
    launch = (
        f"{url}/package/index.html?endpoint={quote(url + '/xapi/')}"
        f"&fetch={quote(url + '/fetch')}&actor={quote(json.dumps(actor))}"
        f"&registration={registration}&activityId={quote(activity)}"
    )
    page.goto(launch)
    answered = answer(page.main_frame, course, right=True)
    page.get_by_role("button", name="Finish").click()
    page.locator("#finished").filter(has_text="Finished").wait_for()
    # The page sends in order, each after the last was answered: wait for the last one.
    deadline = 40
    statements: list[dict[str, object]] = []
    for _ in range(deadline * 4):
        statements = lrs.statements()
        if any(s["verb"]["id"].endswith("/terminated") for s in statements):  # type: ignore[index]
            break
        page.wait_for_timeout(250)
    ordered = sorted(statements, key=lambda s: str(s["stored"]))
    verbs = [str(s["verb"]["id"]).rsplit("/", 1)[-1] for s in ordered]  # type: ignore[index]
    assert verbs == ["initialized", *["answered"] * answered, "completed", "passed", "terminated"]
    for s in ordered:
        assert s["actor"] == actor
        context = s["context"]
        assert context["registration"] == registration  # type: ignore[index]
    completed = ordered[-3]
    categories = {c["id"] for c in completed["context"]["contextActivities"]["category"]}  # type: ignore[index]
    assert categories == {CMI5, MOVEON}
    passed = ordered[-2]
    assert passed["result"] == {"success": True, "score": {"scaled": 1}}
    assert passed["object"]["id"] == activity  # type: ignore[index]
