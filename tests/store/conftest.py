"""Store fixtures: every test runs on a real SQLite file, and on PostgreSQL too when
``AULA_TEST_DATABASE_URL`` is set, each time in a schema of its own that is dropped after."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from aula.store import Store

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


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store.open(database_url) as opened:
        yield opened
