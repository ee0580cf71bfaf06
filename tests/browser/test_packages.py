"""An exported package opened in Chromium inside a page that plays the LMS: the SCORM runtime
API comes from scorm-again (npm, vendored in tests/browser/vendor by
scripts/vendor-lms-test-assets). A learner completes the lesson; the runtime receives the
completion, passed or failed, the score and every answer as an interaction."""

from __future__ import annotations

import functools
import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Page

from aula.content import Course, load_course
from aula.services.packages import build_package

VENDOR = Path(__file__).parent / "vendor"

LMS_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>LMS</title>
<script src="scorm-again.min.js"></script>
<script>
  window.calls = [];
  var settings = {autocommit: false, logLevel: 5};
  window.%(name)s = new %(cls)s(settings);
  ["%(init)s", "%(finish)s"].forEach(function (m) {
    window.%(name)s.on(m, function () { window.calls.push(m); });
  });
</script></head>
<body><iframe id="sco" src="package/index.html" style="width:100%%;height:90vh"></iframe></body></html>
"""
APIS = {
    "scorm12": {"name": "API", "cls": "Scorm12API", "init": "LMSInitialize", "finish": "LMSFinish"},
    "scorm2004": {
        "name": "API_1484_11",
        "cls": "Scorm2004API",
        "init": "Initialize",
        "finish": "Terminate",
    },
}


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def lms(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web server for the LMS page and the unzipped package."""
    handler = functools.partial(Quiet, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def open_package(page: Page, lms: tuple[str, Path], course: Course, standard: str) -> Frame:
    url, folder = lms
    with zipfile.ZipFile(io.BytesIO(build_package(course, "open-vs-closed", standard))) as z:  # type: ignore[arg-type]
        z.extractall(folder / "package")
    (folder / "scorm-again.min.js").write_bytes((VENDOR / "scorm-again.min.js").read_bytes())
    (folder / "lms.html").write_text(LMS_PAGE % APIS[standard])
    page.goto(f"{url}/lms.html")
    frame = page.frame_locator("#sco")
    frame.locator("#status").wait_for()
    sco = page.frame(url=f"{url}/package/index.html")
    assert sco is not None
    return sco


def answer(sco: Frame, course: Course, right: bool, question_ids: list[str] | None = None) -> int:
    """Answer the questions (all, or those named) right or wrong; how many were answered."""
    n = 0
    for q in course.lessons[0].questions:
        if question_ids is not None and q.id not in question_ids:
            continue
        form = sco.locator(f'form[data-question="{q.id}"]')
        wanted = q.correct_ids if right else {next(c.id for c in q.choices if not c.correct)}
        for c in q.choices:
            box = form.locator(f'input[value="{c.id}"]')
            if c.id in wanted:
                box.check()
            elif q.kind == "multiple":
                box.uncheck()
        form.get_by_role("button", name="Check").click()
        verdict = form.locator(".verdict")
        verdict.wait_for()
        assert verdict.inner_text() == ("Right." if right else "Not quite: try again.")
        n += 1
    return n


def cmi(page: Page, standard: str) -> Any:
    name = APIS[standard]["name"]
    data = page.evaluate(f"JSON.parse(JSON.stringify(window.{name}.cmi))")
    # scorm-again serialises interactions as an object keyed "0", "1", …
    data["interactions"] = [data["interactions"][k] for k in sorted(data["interactions"], key=int)]
    return data


def test_scorm_12_receives_passed_the_score_and_each_answer(
    page: Page, lms: tuple[str, Path], course: Course
) -> None:
    sco = open_package(page, lms, course, "scorm12")
    total = answer(sco, course, right=True)
    sco.get_by_role("button", name="Finish").click()
    sco.locator("#finished").filter(has_text="Finished").wait_for()
    data = cmi(page, "scorm12")
    assert data["core"]["lesson_status"] == "passed"
    assert data["core"]["score"]["raw"] == "100"
    interactions = data["interactions"]
    assert len(interactions) == total == len(course.lessons[0].questions)
    assert {i["result"] for i in interactions} == {"correct"}
    assert page.evaluate("window.calls") == ["LMSInitialize", "LMSFinish"]


def test_scorm_2004_receives_completed_passed_and_the_score(
    page: Page, lms: tuple[str, Path], course: Course
) -> None:
    sco = open_package(page, lms, course, "scorm2004")
    total = answer(sco, course, right=True)
    sco.get_by_role("button", name="Finish").click()
    sco.locator("#finished").filter(has_text="Finished").wait_for()
    data = cmi(page, "scorm2004")
    assert data["completion_status"] == "completed"
    assert data["success_status"] == "passed"
    assert float(data["score"]["scaled"]) == 1
    assert data["score"]["raw"] == "100"
    assert len(data["interactions"]) == total
    assert page.evaluate("window.calls") == ["Initialize", "Terminate"]


def test_wrong_first_answers_lower_the_score_and_fail_the_lesson(
    page: Page, lms: tuple[str, Path], course: Course
) -> None:
    """Half the questions wrong first: the lesson still completes (answered right later)
    but the score is under the passing mark, so the LMS hears failed."""
    questions = [q.id for q in course.lessons[0].questions]
    wrong_first = questions[::2]
    sco = open_package(page, lms, course, "scorm2004")
    answer(sco, course, right=False, question_ids=wrong_first)
    before = cmi(page, "scorm2004")
    assert before["completion_status"] == "incomplete"
    assert before["success_status"] == "unknown"
    answer(sco, course, right=True)
    data = cmi(page, "scorm2004")
    expected = round((len(questions) - len(wrong_first)) / len(questions), 4)
    assert data["completion_status"] == "completed"
    assert data["success_status"] == "failed"
    assert float(data["score"]["scaled"]) == pytest.approx(expected)
    results = [i["result"] for i in data["interactions"]]
    assert results.count("incorrect") == len(wrong_first)
