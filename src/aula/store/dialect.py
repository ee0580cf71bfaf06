"""The only engine-specific SQL in Aula: upserts and the migration lock.

SQLite and PostgreSQL spell ``INSERT … ON CONFLICT`` the same way, but SQLAlchemy builds it
from each dialect's own ``insert``; everything else in the store is portable Core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

# Any constant works; it only has to be the same in every Aula process.
_MIGRATION_LOCK_KEY = 0x4155_4C41  # "AULA"


def _insert(dialect: str, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# Built once per shape and executed with parameters: building a statement costs more than
# running it, and the writer runs these for every answer.
@cache
def _upsert_statement(
    dialect: str, table: sa.Table, key: tuple[str, ...], update: tuple[str, ...]
) -> sqlite.Insert | postgresql.Insert:
    statement = _insert(dialect, table)
    changes = {name: statement.excluded[name] for name in update}
    return statement.on_conflict_do_update(index_elements=key, set_=changes)


@cache
def _insert_missing_statement(
    dialect: str, table: sa.Table, key: tuple[str, ...]
) -> sqlite.Insert | postgresql.Insert:
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=key)


def upsert(
    connection: Connection,
    table: sa.Table,
    values: Mapping[str, Any],
    key: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``values``, or on a clash of ``key`` overwrite the ``update`` columns."""
    statement = _upsert_statement(connection.dialect.name, table, tuple(key), tuple(update))
    connection.execute(statement, dict(values))


def insert_missing(
    connection: Connection,
    table: sa.Table,
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    key: Sequence[str],
) -> None:
    """Insert ``values`` (one row, or several in one call) unless a row with the same ``key``
    exists."""
    statement = _insert_missing_statement(connection.dialect.name, table, tuple(key))
    if isinstance(values, Mapping):
        connection.execute(statement, dict(values))
    elif values:
        connection.execute(statement, [dict(row) for row in values])


def lock_for_migration(connection: Connection) -> None:
    """Make concurrent first starts migrate one at a time.

    SQLite needs nothing more: the migration runs inside ``BEGIN IMMEDIATE``. PostgreSQL
    takes a transaction-scoped advisory lock, released at commit.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
