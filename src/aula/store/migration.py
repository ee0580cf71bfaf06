"""Recorded schema migrations (Alembic), run automatically when a store opens.

The Alembic environment ships inside the package (``migrations/``), so no ``alembic.ini`` is
needed at run time: the configuration is built here and handed the open connection.

Alembic (with Mako and Pygments behind it, ~0.3 s to import) is imported only when a database
is not at the newest revision: a store that is up to date is recognised by reading the version
table and the revision ids written in ``migrations/versions/*.py``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .dialect import lock_for_migration
from .engine import WRITE

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

VERSION_TABLE = "aula_alembic_version"
"""Named for Aula so a PostgreSQL database shared with other Alembic users does not clash."""


class SchemaVersionError(RuntimeError):
    """The database was migrated by a newer Aula than this one."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Configuration for Alembic commands; ``migrations/env.py`` uses ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


@cache
def written_head() -> str | None:
    """The newest revision, read from the revision files without importing Alembic: the one
    revision no other names as its ``down_revision`` (``None`` unless exactly one)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target: ast.expr
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            if not isinstance(target, ast.Name) or target.id not in {"revision", "down_revision"}:
                continue
            found = ast.literal_eval(value)
            names = found if isinstance(found, tuple | list) else [found]
            into = revisions if target.id == "revision" else parents
            into.update(n for n in names if isinstance(n, str))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision(connection: Connection) -> str | None:
    """The revision in the version table, by plain SQL; ``None`` when there is none."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    table = sa.table(VERSION_TABLE, sa.column("version_num"))
    rows = connection.execute(sa.select(table.c.version_num)).scalars().all()
    return rows[0] if len(rows) == 1 else None


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Bring the database to the newest revision; ``True`` if anything ran."""
    head = written_head()
    if head is not None:
        with engine.connect() as connection:
            if stored_revision(connection) == head:
                return False  # up to date: no lock, no Alembic
    from alembic import command

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
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        raise SchemaVersionError(
            f"the database is at schema revision {revision!r}, which this Aula does not know; "
            "it was probably created by a newer version of Aula"
        ) from None
