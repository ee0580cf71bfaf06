"""Course fragments are rendered once, and never carry one learner's data to another."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.web.app import Aula


def test_the_view_is_part_of_the_key(client: TestClient, app: Starlette) -> None:
    terminal = client.get("/lessons/open-vs-closed/slides/3?view=terminal").text
    code = client.get("/lessons/open-vs-closed/slides/3?view=code").text
    assert 'class="view-terminal" data-show="terminal" aria-current="true"' in terminal
    assert 'class="view-code" data-show="code" aria-current="true"' in code
    aula: Aula = app.state.aula
    cached = aula.env.fragment_cache  # type: ignore[attr-defined]
    assert any("terminal" in key for key in cached) and any("code" in key for key in cached)


def test_two_learners_get_their_own_token_around_the_same_fragment(app: Starlette) -> None:
    tokens = []
    for _ in range(2):
        with TestClient(app, base_url="http://aula.test") as fresh:
            page = fresh.get("/lessons/open-vs-closed/slides/1").text
            token = fresh.get("/api/session").json()["csrf_token"]
            found = re.findall(r'name="csrf_token" value="([0-9a-f]+)"', page)
            assert found and set(found) == {token}
            tokens.append(token)
    assert tokens[0] != tokens[1]
