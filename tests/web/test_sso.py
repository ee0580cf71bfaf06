"""Single sign-on against a real OpenID Connect provider process (``oidc_provider.py``):
real HTTP, real RS256 ID tokens checked against its JWKS. Forged state or nonce: a 4xx and
nothing changed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from .accounts_helpers import answer, fresh_client, make_user
from .conftest import csrf_token
from .test_reads import counts

CLIENT_ID, SECRET = "aula-test", "provider-secret-123"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script = Path(__file__).with_name("oidc_provider.py")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(port), CLIENT_ID, SECRET],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "no output")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture
def sso_app(app: Starlette, provider: str) -> Starlette:
    aula = app.state.aula
    providers = [
        {
            "name": "school",
            "issuer": provider,
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "label": "School account",
        }
    ]
    aula.settings = aula.settings.model_copy(update={"oidc_providers": json.dumps(providers)})
    return app


def start(client: TestClient, email: str) -> str:
    """Press "School account" on the sign-in page; the provider's address, with the hint."""
    assert "School account" in client.get("/login").text
    response = client.post(
        "/auth/school/login", data={"csrf_token": csrf_token(client), "next": "/progress"}
    )
    assert response.status_code == 303, response.text
    return f"{response.headers['location']}&login_hint={email}"


def at_provider(authorize_url: str) -> str:
    """The provider signs the person in and sends the browser back: the callback path."""
    back = httpx.get(authorize_url, follow_redirects=False)
    assert back.status_code == 302, back.text
    parts = urlsplit(back.headers["location"])
    return f"{parts.path}?{parts.query}"


def test_sso_creates_an_account_and_merges_anonymous_progress(
    sso_app: Starlette, client: TestClient
) -> None:
    answer(client, "tk-runs-locally", "stable-diffusion")
    callback = at_provider(start(client, "new.person@school.org"))
    done = client.get(callback)
    assert done.status_code == 303 and done.headers["location"] == "/progress"
    me = client.get("/api/account").json()
    assert me["signed_in"] and me["email"] == "new.person@school.org" and me["role"] == "learner"
    assert len(client.get("/api/progress/export").json()["answers"]) == 1
    # The same person again, on another device: the same account, linked by subject.
    other = fresh_client(sso_app)
    assert other.get(at_provider(start(other, "new.person@school.org"))).status_code == 303
    assert len(other.get("/api/progress/export").json()["answers"]) == 1
    assert [u.email for u in sso_app.state.aula.store.accounts.users()] == ["new.person@school.org"]


def test_sso_signs_in_an_existing_account_by_email(sso_app: Starlette, client: TestClient) -> None:
    make_user(sso_app, "t@school.org", "teacher")
    assert client.get(at_provider(start(client, "t@school.org"))).status_code == 303
    assert client.get("/api/account").json()["role"] == "teacher"
    assert client.get("/api/teach/cohorts").status_code == 200


def test_forged_state_is_refused_and_changes_nothing(
    sso_app: Starlette, client: TestClient
) -> None:
    callback = at_provider(start(client, "eve@school.org"))
    forged = callback.replace("state=", "state=forged")
    before = counts(sso_app)
    response = client.get(forged)
    assert response.status_code == 400 and "state" in response.text
    assert counts(sso_app) == before
    assert client.get("/api/account").json()["signed_in"] is False
    # A callback in a browser that never started a sign-in is refused too.
    stranger = fresh_client(sso_app)
    stranger.get("/")
    assert stranger.get(callback).status_code == 400
    assert counts(sso_app) == before


def test_forged_nonce_is_refused_and_changes_nothing(
    sso_app: Starlette, client: TestClient
) -> None:
    authorize = start(client, "eve@school.org")
    query = parse_qs(urlsplit(authorize).query)
    forged = authorize.replace(f"nonce={query['nonce'][0]}", "nonce=replayed-nonce")
    before = counts(sso_app)
    response = client.get(at_provider(forged))
    assert response.status_code == 400 and "nonce" in response.text
    assert counts(sso_app) == before
    assert client.get("/api/account").json()["signed_in"] is False


def test_invitation_only_refuses_strangers(sso_app: Starlette, client: TestClient) -> None:
    aula = sso_app.state.aula
    aula.settings = aula.settings.model_copy(update={"access": "invitation"})
    before = counts(sso_app)
    assert client.get(at_provider(start(client, "stranger@school.org"))).status_code == 403
    assert counts(sso_app) == before
