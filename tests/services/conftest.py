from __future__ import annotations

from collections.abc import Iterator

import pytest

from aula.content import Course, load_course
from aula.store import Store


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store.open(database_url) as opened:
        yield opened
