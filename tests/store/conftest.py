"""Store fixtures: ``store`` is a migrated store on every engine of ``database_url``
(a real SQLite file, and PostgreSQL too when ``AULA_TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aula.store import Store


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store.open(database_url) as opened:
        yield opened
