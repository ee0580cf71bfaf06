"""Alembic environment: runs the migrations on the connection ``aula.store.migration`` passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from aula.store.migration import VERSION_TABLE
from aula.store.schema import metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations through aula.store.migration, which opens the database")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
