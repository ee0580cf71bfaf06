from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from aula.store import SchemaVersionError, Store
from aula.store.engine import create_engine, normalize_url
from aula.store.migration import (
    VERSION_TABLE,
    alembic_config,
    current_revision,
    head_revision,
    stored_revision,
    upgrade,
    written_head,
)
from aula.store.schema import metadata


@contextmanager
def connected(url: str) -> Iterator[sa.Connection]:
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def drift(connection: sa.Connection, target: sa.MetaData) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
    )
    return list(compare_metadata(context, target))


def test_a_fresh_database_is_migrated_to_head(database_url: str) -> None:
    with connected(database_url) as connection:
        assert current_revision(connection) is None

    Store.open(database_url).close()

    with connected(database_url) as connection:
        assert current_revision(connection) == head_revision()
        assert set(sa.inspect(connection).get_table_names()) == {
            *metadata.tables,
            VERSION_TABLE,
        }


def test_opening_a_migrated_database_runs_nothing(database_url: str) -> None:
    Store.open(database_url).close()
    engine = create_engine(normalize_url(database_url))
    try:
        assert upgrade(engine) is False
    finally:
        engine.dispose()


def test_migrations_build_exactly_the_schema_in_code(database_url: str) -> None:
    Store.open(database_url).close()

    with connected(database_url) as connection:
        assert drift(connection, metadata) == []


def test_the_drift_check_would_notice_a_change(database_url: str) -> None:
    # Guards the test above: a column in code but not in the migrations must show up.
    Store.open(database_url).close()
    changed = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["answers"].append_column(sa.Column("seconds_taken", sa.Integer))

    with connected(database_url) as connection:
        differences = drift(connection, changed)

    assert [d[0] for d in differences] == ["add_column"]


def test_an_older_database_is_upgraded_when_opened(database_url: str) -> None:
    with Store.open(database_url) as store:
        store.ensure_learner("ana")
    with connected(database_url) as connection, connection.begin():
        command.downgrade(alembic_config(connection), "base")
    with connected(database_url) as connection:
        assert current_revision(connection) is None

    with Store.open(database_url) as store:
        store.record_answer("ana", "l", "n", "q", ["a"], True)
        assert len(store.answers("ana")) == 1


def test_a_database_from_a_newer_aula_is_refused(database_url: str) -> None:
    Store.open(database_url).close()
    with connected(database_url) as connection, connection.begin():
        connection.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = 'from_the_future'"))

    with pytest.raises(SchemaVersionError, match="newer version of Aula"):
        Store.open(database_url)


def test_servers_starting_together_migrate_once(database_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            Store.open(database_url).close()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with connected(database_url) as connection:
        assert current_revision(connection) == head_revision()
        assert drift(connection, metadata) == []


def test_the_head_read_without_alembic_is_alembics_head() -> None:
    # The fast check at start reads the revision files itself; it must agree with Alembic.
    assert written_head() == head_revision()


def test_the_stored_revision_is_read_without_alembic(database_url: str) -> None:
    with connected(database_url) as connection:
        assert stored_revision(connection) is None
    Store.open(database_url).close()
    with connected(database_url) as connection:
        assert stored_revision(connection) == current_revision(connection) == head_revision()


def test_opening_an_up_to_date_store_does_not_import_alembic(database_url: str) -> None:
    Store.open(database_url).close()
    probe = (
        "import sys; from aula.store import Store; Store.open(sys.argv[1]).close(); "
        "print(sorted(m for m in sys.modules if m.startswith(('alembic', 'mako'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, database_url], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


MIGRATE_WHEN_TOLD = """
import sys, time
from pathlib import Path
from aula.store.engine import create_engine, normalize_url
from aula.store.migration import upgrade
engine = create_engine(normalize_url(sys.argv[1]))
go = Path(sys.argv[2])
while not go.exists():  # imports done: start together
    time.sleep(0.005)
print("migrated" if upgrade(engine) else "waited, found it at head")
"""


def test_two_processes_starting_together_on_a_fresh_schema_migrate_once(
    database_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_WHEN_TOLD, database_url, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(1.0)  # both have imported what they need and are waiting
    go.touch()
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    said = sorted(out.strip() for out, _err in outputs)
    assert said == ["migrated", "waited, found it at head"]
    with connected(database_url) as connection:
        assert current_revision(connection) == head_revision()
