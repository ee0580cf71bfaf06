"""Shared fixtures: every test run gets its own snippet cache and data folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


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
def mini_course(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the small valid course, for a test to break."""
    root = tmp_path / "mini-course"
    shutil.copytree(FIXTURES / "mini-course", root)
    return root
