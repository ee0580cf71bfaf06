from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from aula.store import Store
from aula.store.engine import (
    BUSY_TIMEOUT_MS,
    Synchronous,
    create_engine,
    display_url,
    normalize_url,
)


def test_a_plain_path_means_a_sqlite_file(tmp_path: Path) -> None:
    url = normalize_url(str(tmp_path / "aula.db"))

    assert url.drivername == "sqlite+pysqlite"
    assert url.database == str(tmp_path / "aula.db")


def test_a_sqlite_url_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    assert normalize_url("sqlite:///rel.db").database == str(tmp_path / "rel.db")


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgres_urls_use_psycopg_3(scheme: str) -> None:
    url = normalize_url(f"{scheme}://u:secret@db.example:5433/aula")

    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.password) == (
        "db.example",
        5433,
        "aula",
        "secret",
    )


def test_the_display_url_hides_the_password() -> None:
    shown = display_url(normalize_url("postgresql://u:secret@db.example/aula"))

    assert "secret" not in shown
    assert shown == "postgresql://u:***@db.example/aula"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        (":memory:", "in-memory"),
        ("sqlite:///file:x?mode=memory&uri=true", "in-memory"),
        ("/no/such/folder/aula.db", "folder does not exist"),
        ("no scheme://x", "not a database URL"),
        ("postgresql://u:pw@host:port/db", "not a database URL"),
    ],
)
def test_unusable_urls_are_refused_with_a_message(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_url(url)


@pytest.mark.parametrize("url", ["oracle://u:hunter2@host/db", "postgresql://u:hunter2@h:x/db"])
def test_a_refused_url_does_not_echo_its_password(url: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalize_url(url)

    assert "hunter2" not in str(refused.value)


def pragma(store_path: Path, name: str) -> object:
    engine = sa.create_engine(f"sqlite:///{store_path}")
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()
    finally:
        engine.dispose()


def test_sqlite_is_opened_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "aula.db"
    Store.open(str(path)).close()

    # journal_mode is stored in the file, so a fresh connection sees it.
    assert pragma(path, "journal_mode") == "wal"


@pytest.mark.parametrize(("synchronous", "level"), [("FULL", 2), ("NORMAL", 1)])
def test_store_connections_carry_the_pragmas(
    tmp_path: Path, synchronous: Synchronous, level: int
) -> None:
    # The pragmas other than journal_mode are per connection: ask one the store would use.
    engine = create_engine(normalize_url(str(tmp_path / "aula.db")), synchronous=synchronous)
    try:
        with engine.connect() as connection:
            read = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()

    assert read == {
        "journal_mode": "wal",
        "synchronous": level,
        "foreign_keys": 1,
        "busy_timeout": BUSY_TIMEOUT_MS,
    }
