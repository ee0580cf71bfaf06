"""The anonymous learner cookie and the CSRF token bound to it."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from itsdangerous import Signer
from starlette.testclient import TestClient

from aula.settings import Settings
from aula.web.asgi import secret_dir
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


# ---------------------------------------------------------------- issue 12, finding 8


@pytest.mark.parametrize("content", ["", "   \n", "short"])
def test_a_blank_or_short_secret_key_is_replaced(tmp_path: Path, content: str) -> None:
    (tmp_path / "secret.key").write_text(content)
    key = load_or_create_secret(tmp_path)
    assert len(key) >= 16 and key.strip() == key
    assert (tmp_path / "secret.key").read_text() == key
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    assert load_or_create_secret(tmp_path) == key  # kept from now on


def test_a_secret_key_readable_by_others_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text("k" * 40)
    path.chmod(0o644)
    assert load_or_create_secret(tmp_path) == "k" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_blank_key_is_refused() -> None:
    with pytest.raises(ValueError, match="blank"):
        Identity("  ")


def test_cookies_expire_on_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    identity = Identity("a-key-of-some-length", max_age=3600)
    value = identity.sign("learner-1")
    assert identity.unsign(value) == "learner-1"
    later = time.time() + 7200
    monkeypatch.setattr(time, "time", lambda: later)
    assert identity.unsign(value) is None


def test_a_cookie_read_before_still_ages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Signatures already checked are remembered (Identity._verified): the age is not."""
    identity = Identity("a-key-of-some-length", max_age=3600)
    value = identity.sign("learner-1")
    assert identity.read(value) == ("learner-1", False)
    assert identity.read(value) == ("learner-1", False)  # remembered
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 2000)
    assert identity.read(value) == ("learner-1", True)  # past half its life: send it again
    monkeypatch.setattr(time, "time", lambda: now - 100)
    assert identity.read(value) is None  # signed in the future
    forged = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    monkeypatch.setattr(time, "time", lambda: now)
    assert identity.read(forged) is None
    assert identity.read(forged) is None


def test_keys_rotate_and_old_cookies_are_reissued() -> None:
    old = Identity("the-old-key-0123456789")
    value = old.sign("learner-1")
    new = Identity("the-new-key-0123456789", previous=["the-old-key-0123456789"])
    assert new.read(value) == ("learner-1", True)  # accepted, and to be sent again
    assert new.read(new.sign("learner-1")) == ("learner-1", False)
    assert Identity("the-new-key-0123456789").unsign(value) is None  # old key dropped


def test_untimestamped_cookies_from_before_are_accepted_once_and_reissued() -> None:
    legacy = Signer("a-key-of-some-length", salt="aula.learner").sign("learner-1").decode()
    assert Identity("a-key-of-some-length").read(legacy) == ("learner-1", True)


def test_forwarded_proto_counts_only_from_trusted_proxies() -> None:
    scope = {
        "type": "http",
        "scheme": "http",
        "client": ("10.1.2.3", 5000),
        "headers": [(b"x-forwarded-proto", b"https")],
    }
    assert not Identity("a-key-of-some-length").secure_for(scope)
    assert Identity("a-key-of-some-length", trusted_proxies="10.0.0.0/8").secure_for(scope)
    assert not Identity("a-key-of-some-length", trusted_proxies="127.0.0.1").secure_for(scope)


def test_the_key_lives_beside_the_database_actually_used(tmp_path: Path) -> None:
    db = tmp_path / "elsewhere" / "progress.db"
    db.parent.mkdir()
    assert secret_dir(Settings(database_url=str(db))) == db.parent
    assert secret_dir(Settings(database_url=str(db), data_dir=tmp_path / "d")) == tmp_path / "d"
