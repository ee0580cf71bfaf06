"""Shared fixtures: every test run gets its own snippet cache and data folder; ``database_url``
gives an empty database on SQLite and, when ``AULA_TEST_DATABASE_URL`` is set, PostgreSQL."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

FIXTURES = Path(__file__).parent / "fixtures"

POSTGRES_URL = os.environ.get("AULA_TEST_DATABASE_URL", "").strip()

ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="AULA_TEST_DATABASE_URL is not set"),
        ],
    ),
]


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema, dropped afterwards.

    Other test runs may share the server and database; a random schema keeps them apart.
    """
    name = f"aula_test_{secrets.token_hex(8)}"
    plain = sa.make_url(server_url).set(drivername="postgresql")
    libpq_url = plain.render_as_string(hide_password=False)
    with psycopg.connect(libpq_url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {name}")
        try:
            scoped = plain.update_query_dict({"options": f"-csearch_path={name}"})
            yield scoped.render_as_string(hide_password=False)
        finally:
            admin.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file path, or a PostgreSQL URL with its own schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "aula.db")
        return
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The snippet cache is shared by the session (so the built-in course runs its snippets
    # once), but never by the developer's own ~/.cache.
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("AULA_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("AULA_DATA_DIR", str(base / "data"))


@pytest.fixture
def bilingual_course(tmp_path: Path) -> Path:
    """A fresh copy of the mini course in English and Spanish: one node has no Spanish
    (missing) and one slide changed after its Spanish was stamped (stale)."""
    root = tmp_path / "bilingual-course"
    shutil.copytree(FIXTURES / "bilingual-course", root)
    return root


@pytest.fixture
def mini_course(tmp_path: Path) -> Path:
    """A fresh copy of the small valid course, for a test to break."""
    root = tmp_path / "mini-course"
    shutil.copytree(FIXTURES / "mini-course", root)
    return root
