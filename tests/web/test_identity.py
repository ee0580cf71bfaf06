"""The anonymous learner cookie and the CSRF token bound to it."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from aula.web.identity import COOKIE, Identity, load_or_create_secret


def test_first_visit_sets_a_signed_httponly_samesite_cookie(client: TestClient) -> None:
    response = client.get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # served over http on localhost by default
    assert "set-cookie" not in client.get("/").headers  # known learner: no new cookie


def test_tampered_cookie_means_a_new_learner(client: TestClient) -> None:
    client.get("/")
    signed = client.cookies[COOKIE]
    learner, signature = signed.rsplit(".", 1)
    client.cookies.clear()
    client.cookies.set(COOKIE, f"{learner}x.{signature}")
    assert client.get("/api/session").json()["new"] is True


def test_secure_cookie_setting() -> None:
    header = Identity("k", secure_cookie=True).cookie_header("someone")
    assert "Secure" in header


def test_csrf_tokens_differ_per_learner_and_per_secret() -> None:
    one, two = Identity("secret-1"), Identity("secret-2")
    assert one.csrf_token("a") != one.csrf_token("b")
    assert one.csrf_token("a") != two.csrf_token("a")
    assert one.csrf_ok("a", one.csrf_token("a"))
    assert not one.csrf_ok("a", None)
    assert not one.csrf_ok("a", "")


def test_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path)
    assert load_or_create_secret(tmp_path) == first
    assert len(first) >= 32
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
