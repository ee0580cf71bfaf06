"""The only engine-specific SQL in Aula: upserts and the migration lock.

SQLite and PostgreSQL spell ``INSERT … ON CONFLICT`` the same way, but SQLAlchemy builds it
from each dialect's own ``insert``; everything else in the store is portable Core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

# Any constant works; it only has to be the same in every Aula process.
_MIGRATION_LOCK_KEY = 0x4155_4C41  # "AULA"


def _insert(connection: Connection, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert(
    connection: Connection,
    table: sa.Table,
    values: Mapping[str, Any],
    key: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``values``, or on a clash of ``key`` overwrite the ``update`` columns."""
    statement = _insert(connection, table).values(dict(values))
    changes = {name: statement.excluded[name] for name in update}
    connection.execute(statement.on_conflict_do_update(index_elements=key, set_=changes))


def insert_missing(
    connection: Connection, table: sa.Table, values: Mapping[str, Any], key: Sequence[str]
) -> None:
    """Insert ``values`` unless a row with the same ``key`` exists."""
    statement = _insert(connection, table).values(dict(values))
    connection.execute(statement.on_conflict_do_nothing(index_elements=key))


def lock_for_migration(connection: Connection) -> None:
    """Make concurrent first starts migrate one at a time.

    SQLite needs nothing more: the migration runs inside ``BEGIN IMMEDIATE``. PostgreSQL
    takes a transaction-scoped advisory lock, released at commit.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
