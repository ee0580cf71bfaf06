from __future__ import annotations

from pathlib import Path

import pytest

from aula.store import database_url, database_url_from_env, default_sqlite_path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("AULA_DATA_DIR", "XDG_DATA_HOME", "AULA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return monkeypatch


def test_aula_data_dir_wins(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("AULA_DATA_DIR", str(tmp_path / "data"))
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))

    assert default_sqlite_path() == tmp_path / "data" / "aula.db"
    assert (tmp_path / "data").is_dir()


def test_then_xdg_data_home(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))

    assert default_sqlite_path() == tmp_path / "xdg" / "aula" / "aula.db"


def test_then_the_home_folder(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = default_sqlite_path()

    assert path == tmp_path / "home" / ".local" / "share" / "aula" / "aula.db"
    assert path.parent.is_dir()


def test_the_url_comes_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    assert database_url_from_env() is None
    clean_env.setenv("AULA_DATABASE_URL", "  ")
    assert database_url_from_env() is None
    clean_env.setenv("AULA_DATABASE_URL", "postgresql://aula@db/aula")
    assert database_url_from_env() == "postgresql://aula@db/aula"


def test_an_explicit_url_beats_the_environment_which_beats_the_default(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("AULA_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == str(tmp_path / "data" / "aula.db")
    clean_env.setenv("AULA_DATABASE_URL", "postgresql://aula@db/aula")
    assert database_url() == "postgresql://aula@db/aula"
    assert database_url("other.db") == "other.db"
