"""Engines for both back ends: URL normalisation, SQLite pragmas and transaction control.

Everything engine-specific about *connecting* lives here and engine-specific SQL lives in
``dialect.py``. Elsewhere only three things ask which engine they run on: ``UTCDateTime`` in
``schema.py`` (SQLite has no time zones), ``learners.claim`` (row locks on PostgreSQL only:
SQLite's ``BEGIN IMMEDIATE`` already locks the file) and the group-commit writer checking
whether SQLite ended a transaction after an error (``writer.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

Synchronous = Literal["FULL", "NORMAL"]

WRITE = "aula_write"
"""Execution option marking a connection whose transaction will write."""

BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer in another process may make us wait before 'database is locked'."""

CONNECT_TIMEOUT = 5
"""Seconds to wait for PostgreSQL to accept a connection."""

_POSTGRES_NAMES = {"postgres", "postgresql", "postgresql+psycopg"}
_SQLITE_NAMES = {"sqlite", "sqlite+pysqlite"}


def normalize_url(url: str) -> URL:
    """``sqlite:///file.db``, a plain file path, or ``postgres[ql]://…`` (psycopg 3)."""
    text = url.strip()
    if not text:
        raise ValueError("database URL is empty")
    if "://" not in text:
        return _sqlite_url(text)
    try:
        parsed = sa.make_url(text)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise ValueError(f"not a database URL: {_masked(text)}") from None
    if parsed.drivername in _POSTGRES_NAMES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in _SQLITE_NAMES:
        return _sqlite_url(parsed.database or "", parsed.query)
    raise ValueError(
        f"unsupported database {parsed.drivername!r}: use a SQLite file path or postgresql://…"
    )


def _sqlite_url(path_text: str, query: Mapping[str, Any] | None = None) -> URL:
    query = query or {}
    if path_text in ("", ":memory:") or query.get("mode") == "memory":
        # Each pooled connection would see its own empty database; nothing would persist.
        raise ValueError("an in-memory SQLite database cannot be used; give a file path")
    path = Path(path_text).expanduser().resolve()
    if not path.parent.is_dir():
        raise ValueError(f"database folder does not exist: {path.parent}")
    return URL.create("sqlite+pysqlite", database=str(path), query=query)


def _masked(text: str) -> str:
    try:
        return sa.make_url(text).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return "<unparseable>"


def display_url(url: URL) -> str:
    """``sqlite:////abs/aula.db`` or ``postgresql://user:***@host/db``: no driver, no password."""
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def create_engine(url: URL, *, synchronous: Synchronous = "FULL", pool_size: int = 10) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, synchronous)
    # pre_ping: a server restart must not turn the next request into an error. Each server
    # process holds at most ``pool_size`` connections: size it so that processes x pool_size
    # stays below the server's max_connections.
    # connect_timeout: a server that does not answer is an error (a 503, a failed /readyz)
    # within seconds, not a request hanging for the kernel's TCP timeout (unless the URL
    # sets its own).
    connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT}
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=0, connect_args=connect_args
    )


SQLITE_POOL = 64
"""SQLite connections kept open per process: more than the threads that may read at once (the
40 of the default thread pool, the page reads' own, the writer). SQLAlchemy's default of 5
(+10 overflow, closed on return) made answers under 64 learners open and set up a new
connection (WAL, pragmas) for about every other read (bench/store_writes.py)."""


def _sqlite_engine(url: URL, synchronous: Synchronous) -> Engine:
    engine = sa.create_engine(url, pool_size=SQLITE_POOL, max_overflow=SQLITE_POOL // 2)

    @sa.event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below), so reads get a snapshot and writes can
        # take the write lock up front; sqlite3's legacy mode would do neither.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise RuntimeError(f"SQLite refused WAL mode (got {mode!r}) for {url.database}")
            # FULL: each commit is fsynced to the WAL before it returns, so an acknowledged
            # answer survives power loss, not only a crash of the process.
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock at BEGIN: a transaction that reads then writes
        # (attempt numbers) cannot be overtaken by another process between the two.
        writing = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine
