"""Reads never write: every GET, with or without a learner cookie, leaves every table as it was."""

from __future__ import annotations

import ast
from pathlib import Path

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.testclient import TestClient

import aula.web.routes as routes_package
from aula.store import schema
from aula.web.app import Aula

from .conftest import csrf_token

PAGES = [
    "/",
    "/lessons/open-vs-closed",
    *[f"/lessons/open-vs-closed/slides/{n}" for n in range(1, 8)],
    "/lessons/open-vs-closed/slides/3?view=terminal",
    "/lessons/open-vs-closed/nodes/two-kingdoms",
    "/lessons/open-vs-closed/skills",
    "/skills",
    "/glossary",
    "/glossary?q=vram",
    "/review",
    "/instructor",
    "/about",
    "/labs",
    "/labs/vram",
    "/labs/compare",
    "/labs/cost",
    "/api/course",
    "/api/lessons/open-vs-closed",
    "/api/lessons/open-vs-closed/slides/2",
    "/api/lessons/open-vs-closed/nodes/two-kingdoms",
    "/api/lessons/open-vs-closed/skills",
    "/api/glossary?q=weights",
    "/api/progress",
    "/api/review",
    "/api/session",
    "/api/openapi.json",
    "/progress",
    "/favicon.ico",
    "/lessons/open-vs-closed/summary",
    "/api/lessons/open-vs-closed/summary",
    "/api/progress/export",
    "/api/progress/streak",
    "/resume/ABCD-EFGH-JKLM",
    "/lti/jwks.json",
    "/lti/config.json",
    "/manifest.webmanifest",
    "/sw.js",
    "/api/lessons/open-vs-closed/offline",
    "/api/instructor/offline-index",
    "/healthz",
    "/livez",
    "/readyz",
    "/metrics",
    "/login",
    "/account",
    "/api/account",
    "/join",
    "/join/ABCD2345",
    "/teach",
]


def counts(app: Starlette) -> dict[str, int]:
    aula: Aula = app.state.aula
    engine = aula.store._engine
    with engine.connect() as connection:
        return {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in schema.metadata.sorted_tables
        }


def test_no_get_writes_for_a_new_visitor(app: Starlette) -> None:
    before = counts(app)
    for path in PAGES:
        with TestClient(app, base_url="http://aula.test", follow_redirects=False) as fresh:
            assert fresh.get(path).status_code in {200, 303}, path
    assert counts(app) == before


def test_no_get_writes_for_a_learner_with_progress(client: TestClient, app: Starlette) -> None:
    token = csrf_token(client)
    headers = {"x-csrf-token": token}
    body = {"lesson_id": "open-vs-closed", "slide": 2}
    assert client.post("/api/progress/slides", json=body, headers=headers).status_code == 200
    answer = {"question_id": "tk-runs-locally", "choice_ids": ["stable-diffusion"]}
    assert client.post("/api/answers", json=answer, headers=headers).status_code == 200
    before = counts(app)
    assert before["answers"] == 1 and before["lesson_snapshots"] == 1
    for path in PAGES:
        assert client.get(path).status_code in {200, 303}, path
    assert counts(app) == before


def test_no_get_writes_in_spanish_either(client: TestClient, app: Starlette) -> None:
    # Another language is a cookie or a header, never a row: the same pages in Spanish, by
    # ?lang=, by Accept-Language and after the switcher, leave every table as it was.
    token = csrf_token(client)
    answer = {"question_id": "tk-runs-locally", "choice_ids": ["stable-diffusion"]}
    assert (
        client.post("/api/answers", json=answer, headers={"x-csrf-token": token}).status_code == 200
    )
    before = counts(app)
    for path in PAGES:
        spanish = f"{path}{'&' if '?' in path else '?'}lang=es"
        assert client.get(spanish).status_code in {200, 303}, spanish
        assert client.get(path, headers={"accept-language": "es"}).status_code in {200, 303}
    switched = client.post("/preferences/language", data={"lang": "es", "csrf_token": token})
    assert switched.status_code == 303 and "aula_lang=es" in switched.headers["set-cookie"]
    for path in PAGES:
        assert client.get(path).status_code in {200, 303}, path
    assert counts(app) == before


def test_no_route_module_imports_another() -> None:
    folder = Path(routes_package.__file__).parent
    for path in folder.glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("aula.web.routes"), f"{path.name}: {node.module}"
                if node.module == "aula.web":
                    assert all(alias.name != "routes" for alias in node.names), path.name


def test_no_get_writes_for_a_signed_in_teacher_and_learner(app: Starlette) -> None:
    from .accounts_helpers import answer, create_cohort, fresh_client, join, make_user, sign_in

    make_user(app, "t@school.org", "teacher")
    make_user(app, "l@school.org")
    teacher, learner = fresh_client(app), fresh_client(app)
    assert sign_in(teacher, "t@school.org") == 303
    assert sign_in(learner, "l@school.org") == 303
    cohort = create_cohort(teacher, "Class")
    assert join(learner, str(cohort["join_code"])) == 303
    answer(learner, "tk-runs-locally", "stable-diffusion")
    store = app.state.aula.store
    from aula.services.accounts import issue_link

    token = issue_link(store, "l@school.org", 1, actor="cli")
    teach = [
        "/api/teach/cohorts",
        f"/teach/cohorts/{cohort['id']}",
        f"/teach/cohorts/{cohort['id']}/items",
        f"/teach/cohorts/{cohort['id']}/questions",
        f"/api/teach/cohorts/{cohort['id']}",
        f"/api/teach/cohorts/{cohort['id']}/items",
        f"/api/teach/cohorts/{cohort['id']}/questions",
    ]
    before = counts(app)
    for client in (teacher, learner):
        for path in [*PAGES, *teach, f"/account/link/{token}"]:
            assert client.get(path).status_code in {200, 303, 403}, path
    assert counts(app) == before
