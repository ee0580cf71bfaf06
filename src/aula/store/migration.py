"""Recorded schema migrations (Alembic), run automatically when a store opens.

The Alembic environment ships inside the package (``migrations/``), so no ``alembic.ini`` is
needed at run time: the configuration is built here and handed the open connection.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, Engine

from .dialect import lock_for_migration
from .engine import WRITE

MIGRATIONS = Path(__file__).with_name("migrations")

VERSION_TABLE = "aula_alembic_version"
"""Named for Aula so a PostgreSQL database shared with other Alembic users does not clash."""


class SchemaVersionError(RuntimeError):
    """The database was migrated by a newer Aula than this one."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Configuration for Alembic commands; ``migrations/env.py`` uses ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Bring the database to the newest revision; ``True`` if anything ran."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            lock_for_migration(connection)
            current = current_revision(connection)
            if current == head_revision():
                return False
            _check_known(current)
            command.upgrade(alembic_config(connection), "head")
            return True


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        raise SchemaVersionError(
            f"the database is at schema revision {revision!r}, which this Aula does not know; "
            "it was probably created by a newer version of Aula"
        ) from None
