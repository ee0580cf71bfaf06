"""Author HTML is sanitised when shown: a <script> in a slide never reaches the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from aula.content import check_course
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity


@pytest.fixture
def hostile_client(mini_course: Path, tmp_path: Path) -> Iterator[TestClient]:
    slide = mini_course / "lessons/basics/slides/01-hello.md"
    slide.write_text(
        slide.read_text().replace(
            "The first slide.",
            "The first slide.\n\n<script>alert('pwned')</script>\n\n"
            '<img src="x" onerror="alert(1)"> [link](javascript:alert(2))',
        )
    )
    report = check_course(mini_course)
    assert report.course is not None  # unsafe HTML is an error for authors, yet it still loads
    assert any("<script>" in f.message for f in report.errors)
    store = Store.open(str(tmp_path / "aula.db"))
    app = create_app(Aula(Settings(), report.course, store, Identity("k")))
    with TestClient(app) as client:
        yield client
    store.close()


def test_script_and_handlers_never_reach_the_page(hostile_client: TestClient) -> None:
    page = hostile_client.get("/lessons/basics/slides/1").text
    assert "alert('pwned')" not in page
    assert "onerror" not in page
    assert 'href="javascript:' not in page  # the Markdown link stays inert text
    data = page.count('<script type="application/json" id="aula-messages">')
    assert data == 1  # the interface's messages for aula.js: data, never run
    scripts = page.count("<script") - data
    assert scripts == 2  # only Aula's own, served from /static
    assert '<script src="/static/aula.js' in page
    assert '<script src="/static/aula-offline.js' in page
