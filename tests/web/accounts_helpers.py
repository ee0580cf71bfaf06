"""Accounts for web tests: made through the same service the CLI uses."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.services.accounts import add_user
from aula.store.account_store import Role, UserRecord

from .conftest import csrf_token

PASSWORD = "correct horse battery staple"


def make_user(app: Starlette, email: str, role: Role = "learner") -> UserRecord:
    user, _ = add_user(app.state.aula.store, email, role, PASSWORD, 24)
    return user


def fresh_client(app: Starlette) -> TestClient:
    client = TestClient(app, base_url="http://aula.test", follow_redirects=False)
    client.headers["accept"] = "text/html"
    return client


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> int:
    token = csrf_token(client)
    form = {"csrf_token": token, "email": email, "password": password, "next": "/"}
    return client.post("/login", data=form).status_code


def answer(client: TestClient, question_id: str, choice: str | list[str]) -> dict[str, object]:
    choices = [choice] if isinstance(choice, str) else choice
    headers = {"x-csrf-token": csrf_token(client)}
    body = {"question_id": question_id, "choice_ids": choices}
    response = client.post("/api/answers", json=body, headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def create_cohort(client: TestClient, name: str) -> dict[str, object]:
    headers = {"x-csrf-token": csrf_token(client)}
    response = client.post("/api/teach/cohorts", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()
    return data


def join(client: TestClient, code: str) -> int:
    form = {"csrf_token": csrf_token(client), "code": code}
    return client.post("/join", data=form).status_code
