"""Where the database lives: the default SQLite file, or a URL from the environment."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_VARIABLE = "AULA_DATABASE_URL"


def default_sqlite_path() -> Path:
    """``$AULA_DATA_DIR/aula.db``, else ``$XDG_DATA_HOME/aula/aula.db``, else
    ``~/.local/share/aula/aula.db``; the folder is created so the file can be."""
    if data_dir := os.environ.get("AULA_DATA_DIR"):
        folder = Path(data_dir).expanduser()
    elif xdg := os.environ.get("XDG_DATA_HOME"):
        folder = Path(xdg).expanduser() / "aula"
    else:
        folder = Path.home() / ".local" / "share" / "aula"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "aula.db"


def database_url_from_env() -> str | None:
    """``$AULA_DATABASE_URL`` if set and not blank."""
    url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    return url or None


def database_url(explicit: str | None = None) -> str:
    """The database to use: ``explicit`` (``--db``), else ``$AULA_DATABASE_URL``, else the
    default SQLite file."""
    if explicit and explicit.strip():
        return explicit.strip()
    return database_url_from_env() or str(default_sqlite_path())
