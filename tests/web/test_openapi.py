"""Schemathesis over /api/openapi.json (issue 12): a bounded run of generated requests, with a
learner's cookie and CSRF token so bodies are really parsed; 0 server errors, and every status
the API answers is one its document lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import status_code_conformance
from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import COOKIE, Identity

EXAMPLES = 25  # per operation: a bounded run (about 500 requests) that still finds crashes


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Starlette]:
    from aula.content import load_course

    course: Course = load_course()
    store = Store.open(str(Path(tmp_path_factory.mktemp("schemathesis")) / "aula.db"))
    yield create_app(Aula(Settings(embeddings="off"), course, store, Identity("k" * 24)))
    store.close()


@pytest.fixture(scope="module")
def learner(api_app: Starlette) -> dict[str, Any]:
    with TestClient(api_app, base_url="http://aula.test") as client:
        token = client.get("/api/session").json()["csrf_token"]
        return {"cookies": {COOKIE: client.cookies[COOKIE]}, "headers": {"x-csrf-token": token}}


def test_no_server_errors_and_only_documented_statuses(
    api_app: Starlette, learner: dict[str, Any]
) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api_app)
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself is valid
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            nonlocal calls
            calls += 1
            response = case.call(headers=dict(learner["headers"]), cookies=dict(learner["cookies"]))
            where = f"{case.method} {case.formatted_path} -> {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.text[:200]}")
            try:
                case.validate_response(response, checks=[status_code_conformance])
            except Exception as exc:  # schemathesis raises its own failure groups
                failures.append(f"{where}: undocumented ({str(exc)[:200]})")

        run()
    assert calls >= 100
    assert not failures, "\n".join(sorted(set(failures))[:20])
